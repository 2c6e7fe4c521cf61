// casebook: splits the Japanese text of built pages into words, as the reader's browser splits a query.
//
// Pagefind's own Japanese splitting (1.6) takes about 1 MiB of memory per long page while it indexes,
// and splits differently from the browser (Pagefind issue #1237). Pages handed to Pagefind go through
// here first: each text of the part Pagefind indexes gets a space between its words, found by the same
// Intl.Segmenter (ICU's dictionary) that Pagefind's search script uses in the browser; Pagefind then
// indexes them as a language with no splitting of its own ("und"). Only the copy Pagefind reads is
// changed; the page written to the site is not. The title is kept as written, for the result list.
//
// In: one JSON string a line (a page, or the part of it from data-pagefind-body on). Out: the same.
import readline from "node:readline";

const words = new Intl.Segmenter("ja", { granularity: "word" });
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]/;
// A space goes only where a word meets Japanese (kana, kanji, or Japanese and full-width punctuation):
// Latin text keeps its own spacing and punctuation (「data-x」, 「title:」), which Pagefind splits as usual.
const WIDE = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const ENTITY = /(&#?[0-9a-z]+;)/i; // kept whole: "&amp;" is one character of the text
const split = (text) => {
  if (!JAPANESE.test(text)) return text;
  let out = "";
  const add = (piece) => {
    const before = out.at(-1) || " ";
    const after = piece[0];
    if (!/\s/.test(before) && !/\s/.test(after) && (WIDE.test(before) || WIDE.test(after))) out += " ";
    out += piece;
  };
  text.split(ENTITY).forEach((part, at) => {
    if (at % 2) add(part);
    else for (const { segment } of words.segment(part)) add(segment);
  });
  return out;
};
// Markup, and the scripts and styles whose text is not the page's.
const MARKUP = /(<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<!--[\s\S]*?-->|<[^>]*>)/i;
const HEADING = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i;

const splitPage = (html) => {
  const title = HEADING.exec(html)?.[1].replace(/<[^>]*>/g, "").trim();
  const parts = html.split(MARKUP);
  for (let at = 0; at < parts.length; at += 2) parts[at] = split(parts[at]);
  // The title as written (the heading is indexed split), inside the indexed part, after its first tag;
  // data-pagefind-ignore: read as the title, not indexed twice.
  if (title && parts.length > 1) parts[1] += `<span data-pagefind-ignore data-pagefind-meta="title">${title}</span>`;
  return parts.join("");
};

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) process.stdout.write(`${JSON.stringify(splitPage(JSON.parse(line)))}\n`);
