/* casebook search — Pagefind, in a worker the search page starts from the first lines of its <head>.
 *
 * A module script of the page runs only once the page's styles are in and its first frame is laid
 * out: at 5,000 cases on a 2-core PC the search started 80–150 ms later than on a page that runs
 * Pagefind alone. Started here, Pagefind loads its index and runs the search in the address on the
 * other core while the page is still being built (BENCHMARKS.md). search.js talks to it: each message
 * {id, op, args} gets {id, value} or {id, error}.
 */

// Pagefind reads the page's language (how to split a query into words) from <html lang>; a worker has
// no page, so the page passes its language after the `#` of this script's address. Pagefind then runs
// here, on this thread (it starts a worker of its own only where there is a window).
const lang = self.location.hash.slice(1) || "ja";
globalThis.document ??= {
  currentScript: null,
  querySelector: (selector) => (selector === "html" ? { getAttribute: (name) => (name === "lang" ? lang : null) } : null),
};

// Messages that come while Pagefind loads wait for it (a worker's message is lost if nobody listens).
const waiting = [];
let answer = (message) => waiting.push(message);
self.onmessage = ({ data }) => answer(data);

// Pagefind first: its index's metadata and WebAssembly start loading the moment it is here. The rest
// loads while they do: search-core.js (and its import normalize.js, asked for at once rather than after
// it), then the first Japanese word segmenter of this thread, which takes 15–35 ms (its dictionary; the
// next ones take none). Pagefind splits the query with one, and the ranking counts its terms with one.
const pagefind = await import("../pagefind/pagefind.js");
pagefind.init().catch(() => {}); // a failure to load the index is the search's to report
const [{ pipeline }] = await Promise.all([import("./search-core.js"), import("./normalize.js")]);
new Intl.Segmenter("ja", { granularity: "word" }).segment("語").containing(0);
// The pipeline's calls (find, counts, data, first) are the operations the page may ask for.
const search = await pipeline(pagefind, new URL("../", import.meta.url).pathname);
answer = async ({ id, op, args }) => {
  try {
    if (!Object.hasOwn(search, op)) throw new Error(`no operation ${op}`);
    self.postMessage({ id, value: await search[op](...args) });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message || error) });
  }
};
waiting.splice(0).forEach(answer);
