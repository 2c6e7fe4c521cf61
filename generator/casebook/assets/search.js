/* casebook search — the search page's side of the query pipeline (search-core.js).
 *
 * The page's <head> starts the worker (search-worker.js) and asks it for the search in the address
 * before anything else loads; its answers wait in `casebookWorker.early` until this module runs. This
 * module talks to the worker, shows that first search's results the moment they are in, and gives
 * casebook.js (the page's controls) the same calls. Where the browser cannot run the worker (no module
 * workers, a policy that forbids them), the pipeline runs here, in the page, with the same answers.
 * The page's other scripts wait until the first results are on screen (theme/main.html).
 */
import { PAGE_SIZE, normalizeKey, queryWords, searchKey, addressFilters, pipeline } from "./search-core.js";

export { PAGE_SIZE, normalizeKey, queryWords, searchKey };
const base = new URL("../", import.meta.url);

// --- the pipeline: in the worker, or here --------------------------------------------------------
let local = null;
const inPage = () =>
  (local ||= import("../pagefind/pagefind.js").then((pagefind) => pipeline(pagefind, base.pathname)));

const worker = window.casebookWorker;
let broken = !worker || worker.failed ? new Error("no search worker") : null;
const waiting = new Map();
let next = 1;
const settle = ({ id, value, error }) => {
  const call = waiting.get(id);
  if (!call) return;
  waiting.delete(id);
  if (error === undefined) call.resolve(value);
  else call.reject(new Error(error));
};
const ask = (id, op, args) =>
  new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    if (op) worker.postMessage({ id, op, args });
  });
// The <head> asked for the search in its address as id 0; the answer may already wait in worker.early.
const headAnswer = worker && !broken ? ask(0, null, null) : null;
if (worker) {
  worker.onerror = (event) => {
    // The worker could not load (or failed as it started): what was asked is asked here instead.
    event.preventDefault();
    broken = new Error(event.message || "search worker failed");
    for (const call of waiting.values()) call.reject(broken);
    waiting.clear();
  };
  worker.onmessage = ({ data }) => settle(data);
  worker.early.splice(0).forEach(settle);
}
/** The worker's answer to a call (`asking` it), or the answer here once the worker has failed. */
const answerOf = async (asking, op, args) => {
  if (!broken) {
    try {
      return await asking();
    } catch (error) {
      if (!broken) throw error;
    }
  }
  const here = await inPage();
  return here[op](...args);
};
/** One call of the pipeline. */
const call = (op, ...args) => answerOf(() => ask(next++, op, args), op, args);

/** A search as casebook.js uses it: its results in order, each loading its data when asked. */
const resultsOf = ({ key, count, filters, data }) => ({
  filters,
  data,
  ordered: Array.from({ length: count }, (_, at) => ({ data: () => call("data", key, at) })),
});

/** Search: {filters: Pagefind's counts, ordered, data: the first page of results' data}. */
export const find = async (words, filters) => resultsOf(await call("find", words, filters));
/** Pagefind's filter counts for a search (term null: every page). */
export const counts = (term, filters) => call("counts", term, filters);

// --- the search in the address, asked for by the page's <head> -----------------------------------
const facets = document.querySelector("script[data-facets]")?.dataset.facets || "";
const firstAnswer = () => answerOf(() => headAnswer, "first", [location.search, facets]);
headAnswer?.catch(() => {}); // when the address asks for nothing, nobody awaits it
const params = new URLSearchParams(location.search);
const words = queryWords(params.get("q") || "");
const filters = addressFilters(params, new Set(facets.split(" ")));

// --- results --------------------------------------------------------------------------------------
/** One result of the list: title link, kind and organisation, Pagefind's excerpt. */
export const resultItem = (item) => {
  const li = document.createElement("li");
  li.className = "cb-result";
  const title = li.appendChild(document.createElement("a"));
  title.className = "cb-result__title";
  title.href = item.url;
  title.textContent = item.meta.title || item.url;
  const meta = [(item.filters.type || [])[0], item.meta.org].filter(Boolean).join("・");
  if (meta) {
    const line = li.appendChild(document.createElement("p"));
    line.className = "cb-result__meta";
    line.textContent = meta;
  }
  const excerpt = li.appendChild(document.createElement("p"));
  excerpt.className = "cb-result__excerpt";
  excerpt.innerHTML = item.excerpt; // Pagefind escapes page text; only <mark> is markup
  return li;
};

/** A count as the site's pages write it, in groups of three (4,927), as number() in the templates. */
export const number = (count) => count.toLocaleString("ja-JP");

/** The status line under the search box, for a search that found `count` records. */
export const foundText = (count) =>
  count ? `${number(count)} 件見つかりました。` : "見つかりませんでした。言葉を短くするか、絞り込みを外してみてください。";

const asked = words.length || Object.keys(filters).length;
export const first = {
  key: searchKey(words, filters),
  result: asked ? firstAnswer().then(resultsOf) : null,
  /** How many of its results this module already put on the page (0: casebook.js shows them). */
  shown: 0,
};

// The page's other scripts (the theme's, casebook.js) wait for the first results (theme/main.html):
// they run once these are painted, or at once when the address asks for no search.
const firstSearchDone = () => {
  document.documentElement.dataset.cbFirstSearch = "done";
  document.dispatchEvent(new Event("casebook:first-search"));
};
if (first.result) {
  // Shown the moment they are in: the theme's scripts, and casebook.js after them, are held back
  // until then (and may be slow to load besides). casebook.js keeps these.
  const shown = first.result.then(({ ordered, data }) => {
    const list = document.querySelector("#cb-search .cb-search__results");
    const status = document.getElementById("cb-search-status");
    if (!list || !status || list.childElementCount || first.result === null) return;
    list.append(...data.map(resultItem));
    status.textContent = foundText(ordered.length);
    first.shown = data.length;
    performance.mark("casebook:results"); // the benchmark's "results shown"
  }, () => {}); // a failure is reported when casebook.js awaits it
  const afterPaint = () => requestAnimationFrame(() => setTimeout(firstSearchDone));
  shown.then(afterPaint, afterPaint);
} else {
  firstSearchDone();
}
