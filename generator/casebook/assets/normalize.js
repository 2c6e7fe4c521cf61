/* casebook: the matching key of a term, exactly as casebook.taxonomy.normalize_key makes it.
 *
 * One copy, for every page that matches what a reader types against the vocabulary: the search
 * pipeline imports it (search-core.js, in the search worker and the search page), the propose form
 * loads it as a script before propose.js. Tests compare it with the Python rule on every spelling
 * of the bundled records.
 */
(() => {
  "use strict";

  const TILDES = /[\u301c\uff5e\u223c\u2053~]/g;
  const CHOON_AS_DASH = /(?<![\u30a0-\u30ff])\u30fc(?![\u30a0-\u30ff])/g;
  const DASHES = /[\u2010-\u2015\u2212\uff0d\u2500]/g;
  const fold = (text) =>
    text.normalize("NFKC").toLowerCase().normalize("NFKC")
      .replace(/\s+/g, "").replace(/^#+/, "")
      .replace(TILDES, "~").replace(CHOON_AS_DASH, "-").replace(DASHES, "-");
  const normalizeKey = (text) => {
    let key = fold(text);
    for (let i = 0; i < 4; i += 1) {
      const again = fold(key);
      if (again === key) break;
      key = again;
    }
    return key;
  };
  globalThis.casebookNormalizeKey = normalizeKey; // window in a page, self in the search worker; the tests compare it with Python
})();
