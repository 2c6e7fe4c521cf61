/* casebook search — the query pipeline: one Pagefind (extended build) search per query.
 *
 * The controlled vocabulary (keywords with their aliases and readings, places, organisations) is
 * written into each page's indexed metadata when the site is built, normalised as normalizeKey
 * normalises the query; so Pagefind itself finds 「職場内訓練」 or 「ごかまち」, and nothing is
 * shipped whole to the reader (search/vocabulary.py).
 *
 * The search page loads this module from its <head>, `async`: the search in the page's address
 * starts while the theme's styles still load, as early as a page that runs Pagefind alone, and the
 * page's other scripts wait until its results are on screen. casebook.js (the page's controls)
 * imports this same module and takes that search up.
 */
import * as pagefind from "../pagefind/pagefind.js";

const base = new URL("../", import.meta.url);
export const PAGE_SIZE = 10;
export { pagefind };

// --- normalisation: normalize.js (one copy of the rule, shared with the propose form) -------------
import "./normalize.js";

export const normalizeKey = (text) => window.casebookNormalizeKey(text);

/** The words Pagefind sees: each normalised as the vocabulary was when the site was built. */
export const queryWords = (text) => text.split(/\s+/).map(normalizeKey).filter(Boolean);

// --- ranking -------------------------------------------------------------------------------------
// Pagefind's score (terms a page carries weigh most, see the options below), except that a record
// holding the query's words side by side, as typed, comes before records that only use them apart.
// Making a Japanese word segmenter takes 15–20 ms of the page's thread: find() makes it while Pagefind's
// worker runs the search, not before the search starts.
let segmenter;
const makeSegmenter = () => {
  if (segmenter === undefined) {
    segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("ja", { granularity: "word" }) : null;
  }
};
// The browser's dictionary cuts a katakana word it does not know into letters (シス → シ・ス) that the
// index holds as one word, at one place: a run of katakana pieces counts as one term.
const KATAKANA = /^[\u30a0-\u30ff]+$/u;
const termCount = (words) => {
  if (!segmenter) return words.length;
  let count = 0;
  for (const word of words) {
    let katakana = false;
    for (const { segment, isWordLike } of segmenter.segment(word)) {
      if (!isWordLike) continue;
      const piece = KATAKANA.test(segment);
      if (!(piece && katakana)) count += 1;
      katakana = piece;
    }
  }
  return count;
};
const longestRun = (locations) => {
  let best = 0;
  let run = 0;
  let last = -2;
  for (const at of locations) {
    run = at === last + 1 ? run + 1 : at === last ? run : 1;
    last = at;
    best = Math.max(best, run);
  }
  return best;
};
const rank = (results, words) => {
  const terms = termCount(words);
  if (terms < 2) return results;
  const phrase = results.filter((r) => longestRun(r.words) >= terms);
  return [...phrase, ...results.filter((r) => longestRun(r.words) < terms)];
};

// --- Pagefind ------------------------------------------------------------------------------------
// A term a page carries (its `terms` or `about` metadata) outweighs the same words in running text;
// on cases most, since they are what readers come for.
await pagefind.options({ baseUrl: base.pathname, ranking: { metaWeights: { terms: 20, about: 10 } } });

// Pagefind reads the pages with a space between their Japanese words (search/split_words.mjs), or, splitting
// them itself, puts a zero-width space there; its excerpts keep either: a reader gets the text back as written.
// A space goes where it touches Japanese (「研修 を 進める」, 「OJT と」); one between two Latin words, or
// after Pagefind's 「. 」 between two blocks of the page, stays.
const MARK = "(?:</?mark>)*";
const SPLIT_BEFORE = new RegExp(`(?<=[^\\x00-\\x7f]${MARK})\\s+(?=${MARK}\\S)`, "g");
const SPLIT_AFTER = new RegExp(`(?<=[!-\\-/-~]${MARK})\\s+(?=${MARK}[^\\x00-\\x7f])`, "g"); // not after 「.」
const joinWords = (text) => text.replace(/\u200b/g, "").replace(SPLIT_BEFORE, "").replace(SPLIT_AFTER, "");
const readable = (data) => ({ ...data, excerpt: joinWords(data.excerpt || ""), content: joinWords(data.content || "") });

/** Search: {found, ordered, data: the first page of results' data}. */
export const find = async (words, filters) => {
  const searching = pagefind.search(words.join(" ") || null, { filters });
  makeSegmenter();
  const found = await searching;
  const ordered = rank(found.results, words).map((r) => ({ ...r, data: async () => readable(await r.data()) }));
  const data = await Promise.all(ordered.slice(0, PAGE_SIZE).map((r) => r.data()));
  return { found, ordered, data };
};

// The facets' filter keys, from the page's <script> tag (the page is still loading: no panel yet).
const facetKeys = new Set((document.querySelector("script[data-facets]")?.dataset.facets || "").split(" "));

/** The filters of an address: OR within a facet, AND across facets. */
const addressFilters = (params) => {
  const filters = {};
  for (const [key, value] of params) if (facetKeys.has(key)) (filters[key] ||= { any: [] }).any.push(value);
  return filters;
};

/** Identifies a search, whatever the order its filters were given in. */
export const searchKey = (words, filters) =>
  JSON.stringify([words, Object.keys(filters).sort().map((key) => [key, filters[key]])]);

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

/** The status line under the search box, for a search that found `count` records. */
export const foundText = (count) =>
  count ? `${count} 件見つかりました。` : "見つかりませんでした。言葉を短くするか、絞り込みを外してみてください。";

// The search in the address, started now; casebook.js uses it if the reader has changed nothing.
const params = new URLSearchParams(location.search);
const words = queryWords(params.get("q") || "");
const filters = addressFilters(params);
// The words of the address shown in the box at once: on a slow link the theme's scripts, and casebook.js
// after them, can take seconds, and an empty box under 「検索の準備をしています…」 reads as a lost query.
const fillBox = () => {
  const box = document.getElementById("cb-search-input");
  if (box && !box.value) box.value = params.get("q") || "";
};
fillBox();
export const first = {
  key: searchKey(words, filters),
  result: words.length || Object.keys(filters).length ? find(words, filters) : null,
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
    fillBox();
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
