/* casebook search — the query pipeline: one Pagefind (extended build) search per query.
 *
 * The controlled vocabulary (keywords with their aliases and readings, places, organisations) is
 * written into each page's indexed metadata when the site is built, normalised as normalizeKey
 * normalises the query; so Pagefind itself finds 「職場内訓練」 or 「ごかまち」, and nothing is
 * shipped whole to the reader (search/vocabulary.py).
 *
 * It runs where Pagefind runs: in the search page's worker (search-worker.js), or in the page itself
 * when the browser cannot start that worker (search.js). It answers with plain data, so the same
 * answers cross from the worker to the page.
 */
import "./normalize.js";

export const PAGE_SIZE = 10;

export const normalizeKey = (text) => globalThis.casebookNormalizeKey(text);

/** The words Pagefind sees: each normalised as the vocabulary was when the site was built. */
export const queryWords = (text) => text.split(/\s+/).map(normalizeKey).filter(Boolean);

/** The filters of an address: OR within a facet, AND across facets. */
export const addressFilters = (params, facetKeys) => {
  const filters = {};
  for (const [key, value] of params) if (facetKeys.has(key)) (filters[key] ||= { any: [] }).any.push(value);
  return filters;
};

/** Identifies a search, whatever the order its filters were given in. */
export const searchKey = (words, filters) =>
  JSON.stringify([words, Object.keys(filters).sort().map((key) => [key, filters[key]])]);

// --- ranking -------------------------------------------------------------------------------------
// Pagefind's score (terms a page carries weigh most, see the options below), except that a record
// holding the query's words side by side, as typed, comes before records that only use them apart.
// Making a thread's first Japanese word segmenter takes 15–35 ms (its dictionary): find() makes it once the
// search has started its fetches (search-worker.js makes a first one while its imports load).
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
// A keyword's or challenge's own page whose names the query matched (Pagefind says which metadata
// matched) counts as holding the phrase: 「ひとり情シス」 names the page of 「1人情シス問題」.
const holdsPhrase = (result, terms) => result.matchedMetaFields?.includes("hub") || longestRun(result.words) >= terms;
const rank = (results, words) => {
  const terms = termCount(words);
  if (terms < 2) return results;
  const phrase = results.filter((r) => holdsPhrase(r, terms));
  return [...phrase, ...results.filter((r) => !holdsPhrase(r, terms))];
};

// --- result text ----------------------------------------------------------------------------------
// Pagefind reads the pages with a space between their Japanese words (search/split_words.mjs), or, splitting
// them itself, puts a zero-width space there; its excerpts keep either: a reader gets the text back as written.
// A space goes where it touches Japanese (「研修 を 進める」, 「OJT と」); one between two Latin words, or
// after Pagefind's 「. 」 between two blocks of the page, stays. That 「. 」 after Japanese text reads 「。」
// (「成果と学び。成果：…」), or nothing where the block ended its own sentence (「…した。」) or the page's
// own hidden 「。」 follows (「県. 。キーワード」); a highlight stays where it was (「<mark>研修.</mark> 統計」).
const MARK = "(?:</?mark>)*";
const BLOCK_END = new RegExp(
  `(?<=([^\\x00-\\x7f])${MARK})\\s*\\.(${MARK})(?:\\s*(?=${MARK}(。))| (?=${MARK}\\S)|(?=${MARK}[^\\x00-\\x7f])|$)`,
  "g",
);
const SPLIT_BEFORE = new RegExp(`(?<=[^\\x00-\\x7f]${MARK})\\s+(?=${MARK}\\S)`, "g");
const SPLIT_AFTER = new RegExp(`(?<=[!-\\-/-~]${MARK})\\s+(?=${MARK}[^\\x00-\\x7f])`, "g"); // not after 「.」
const joinWords = (text) =>
  text
    .replace(/\u200b/g, "")
    .replace(BLOCK_END, (_, last, marks, maru) => marks + (maru || "。！？".includes(last) ? "" : "。"))
    .replace(SPLIT_BEFORE, "")
    .replace(SPLIT_AFTER, "");
const readable = (data) => ({ ...data, excerpt: joinWords(data.excerpt || ""), content: joinWords(data.content || "") });

// --- Pagefind ------------------------------------------------------------------------------------
const KEPT = 50;
/** How many searches keep their results, whose data a reader may still page through or print. */

/**
 * The pipeline over one Pagefind module. A term a page carries (its `terms` or `about` metadata)
 * outweighs the same words in running text; on cases most, since they are what readers come for.
 * A keyword's or challenge's own page (`hub`) comes before them: it lists them all, with a summary.
 */
export const pipeline = async (pagefind, baseUrl) => {
  await pagefind.options({ baseUrl, ranking: { metaWeights: { hub: 40, terms: 20, about: 10 } } });
  const kept = new Map();
  let serial = 0;
  return {
    /** Search: {key, count, filters: Pagefind's counts, data: the first page of results' data}. */
    async find(words, filters) {
      const searching = pagefind.search(words.join(" ") || null, { filters });
      makeSegmenter();
      const found = await searching;
      const ordered = rank(found.results, words);
      const data = await Promise.all(ordered.slice(0, PAGE_SIZE).map(async (r) => readable(await r.data())));
      const key = ++serial;
      kept.set(key, ordered);
      if (kept.size > KEPT) kept.delete(kept.keys().next().value);
      return { key, count: ordered.length, filters: found.filters, data };
    },
    /** Pagefind's filter counts for a search (term null: every page), without its results' data. */
    async counts(term, filters) {
      return (await pagefind.search(term, { filters })).filters;
    },
    /** The data (address, title, excerpt…) of result `at` of search `key`. */
    async data(key, at) {
      const result = kept.get(key)?.[at];
      if (!result) throw new Error(`search ${key} has no result ${at} (kept: the last ${KEPT} searches)`);
      return readable(await result.data());
    },
    /** The search a page's address asks for (null when it asks for none). */
    async first(address, facets) {
      const params = new URLSearchParams(address);
      const words = queryWords(params.get("q") || "");
      const filters = addressFilters(params, new Set(facets.split(" ")));
      if (!words.length && !Object.keys(filters).length) return null;
      return this.find(words, filters);
    },
  };
};
