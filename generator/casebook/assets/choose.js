/* casebook: choose cases, compare them side by side, print what you chose.
 *
 * The site stays static: chosen cases live in the browser (localStorage), and the compare and print
 * pages fetch the chosen cases' own pages from this site and lay them out. Nothing leaves the origin.
 */
(() => {
  "use strict";

  const configElement = document.getElementById("__config");
  const base = new URL(configElement ? JSON.parse(configElement.textContent).base || "." : ".", location.href);
  const KEY = "casebook:chosen";
  const MAX_PRINT = 100; // print.md.j2 and _macros.j2 say the same limit (tests/test_render.py checks)
  const CASE_PATH = /^cases\/([a-z0-9][a-z0-9-]*)\/$/;

  // --- the chosen set ---------------------------------------------------------------------------
  const load = () => {
    try {
      const list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter((c) => c && CASE_PATH.test(`cases/${c.id}/`)) : [];
    } catch {
      return [];
    }
  };
  const save = (list) => {
    try {
      localStorage.setItem(KEY, JSON.stringify(list));
    } catch {
      /* storage full or disabled: the choice lasts for this page only */
    }
  };
  let chosen = load();
  const isChosen = (id) => chosen.some((c) => c.id === id);
  const toggle = (id, title) => {
    chosen = isChosen(id) ? chosen.filter((c) => c.id !== id) : [...chosen, { id, title }];
    save(chosen);
    refresh();
  };

  /** The case id of a link to a case page of this site, or null. */
  const caseIdOf = (href) => {
    const url = new URL(href, location.href);
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null;
    const match = CASE_PATH.exec(url.pathname.slice(base.pathname.length));
    return match ? match[1] : null;
  };

  const el = (tag, attrs = {}, text = "") => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  };
  const withIds = (path, ids) => {
    const url = new URL(path, base);
    for (const id of ids) url.searchParams.append("c", id);
    return url.href;
  };

  // --- pick buttons on cards and case pages, and the tray ---------------------------------------
  const buttons = [];
  const addButton = (host, id, title) => {
    const button = el("button", { type: "button", class: "cb-pick", "data-case": id });
    button.addEventListener("click", () => toggle(id, title));
    host.append(button);
    buttons.push(button);
  };
  const tray = el("div", { class: "cb-tray", role: "region", "aria-label": "選んだ事例" });
  tray.hidden = true;

  // Room under the page for the tray, so the footer (sources, licence) and the last cards can be
  // scrolled clear of it (again when a phone turns and the tray wraps); CSSOM, which the CSP allows.
  const room = () => document.body.style.setProperty("--cb-tray-room", tray.hidden ? "0px" : `${tray.offsetHeight + 24}px`);
  window.addEventListener("resize", room);

  const refresh = () => {
    for (const button of buttons) {
      const on = isChosen(button.dataset.case);
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? "✓ 選択中" : "＋ 比べる・印刷に選ぶ";
    }
    tray.hidden = chosen.length === 0;
    tray.replaceChildren();
    if (!chosen.length) return room();
    const ids = chosen.map((c) => c.id);
    tray.append(el("span", { class: "cb-tray__count", role: "status" }, `選んだ事例 ${chosen.length} 件`));
    const compare = el("a", { href: withIds("compare/chosen/", ids) }, "並べて比べる");
    if (chosen.length < 2) {
      compare.removeAttribute("href");
      compare.setAttribute("role", "link");
      compare.setAttribute("aria-disabled", "true");
      compare.title = "2 件以上選ぶと比べられます";
    }
    const clear = el("button", { type: "button" }, "選択を解除");
    clear.addEventListener("click", () => {
      chosen = [];
      save(chosen);
      refresh();
    });
    tray.append(compare, el("a", { href: withIds("print/", ids) }, "印刷用にまとめる"), clear);
    room();
  };

  const addPickers = () => {
    for (const card of document.querySelectorAll(".cb-card")) {
      const link = card.querySelector(".cb-card__title a");
      const id = link && caseIdOf(link.href);
      if (id) addButton(card, id, link.textContent.trim());
    }
    const here = caseIdOf(location.href);
    const header = document.querySelector(".cb-header-card");
    if (here && header) addButton(header, here, (header.querySelector("h1") || {}).textContent || here);
    document.body.append(tray);
    refresh();
    window.addEventListener("storage", (event) => {
      if (event.key === KEY) {
        chosen = load();
        refresh();
      }
    });
  };

  // --- fetching case pages of this site ---------------------------------------------------------
  const fetchPage = async (path) => {
    const response = await fetch(new URL(path, base));
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return new DOMParser().parseFromString(await response.text(), "text/html");
  };
  const idsFromUrl = () => {
    const ids = new URLSearchParams(location.search).getAll("c").filter((id) => CASE_PATH.test(`cases/${id}/`));
    return ids.length ? [...new Set(ids)] : chosen.map((c) => c.id);
  };
  const status = (root, text) => {
    const node = root.querySelector("[role=status]") || root.appendChild(el("p", { role: "status" }));
    node.textContent = text;
  };

  /** The case ids listed by a list page of this site and its later pages (`.cb-pager` rel=next), up to
   *  the limit, and whether the list went on past it (more on its page, or a next page). */
  const idsFromList = async (path) => {
    const ids = [];
    let next = new URL(path, base);
    for (let pages = 0; next && pages < 20 && ids.length < MAX_PRINT; pages += 1) {
      if (next.origin !== base.origin || !next.pathname.startsWith(base.pathname)) break;
      const doc = await fetchPage(next.href);
      for (const link of doc.querySelectorAll(".md-content a[href]")) {
        const id = caseIdOf(new URL(link.getAttribute("href"), next).href);
        if (id && !ids.includes(id)) ids.push(id);
      }
      const more = doc.querySelector(".cb-pager a[rel=next]");
      next = more ? new URL(more.getAttribute("href"), next) : null;
    }
    const truncated = ids.length > MAX_PRINT || (ids.length === MAX_PRINT && next !== null);
    return { ids: ids.slice(0, MAX_PRINT), truncated };
  };

  // --- side by side -------------------------------------------------------------------------------
  const textOf = (node) => (node ? node.textContent.trim() : "");
  // The facts carry hidden punctuation for search excerpts (「団体区分：町。」); the table shows label and value.
  const plain = (node) => {
    if (!node) return "";
    const copy = node.cloneNode(true);
    copy.querySelectorAll(".cb-visually-hidden").forEach((hidden) => hidden.remove());
    return textOf(copy);
  };
  const pairs = (doc, selector) =>
    [...doc.querySelectorAll(selector)].map((row) => [plain(row.querySelector("dt")), plain(row.querySelector("dd"))]);
  const sectionAfter = (doc, heading) => {
    const h2 = [...doc.querySelectorAll(".md-content h2")].find((h) => textOf(h) === heading);
    return h2 ? h2.nextElementSibling : null;
  };

  const startCompareChosen = async (root) => {
    const ids = idsFromUrl();
    if (ids.length < 2) {
      status(root, "比べる事例を 2 件以上選んでください（事例のカードや事例のページの「比べる・印刷に選ぶ」）。");
      return;
    }
    status(root, `${ids.length} 件の事例を読み込んでいます…`);
    const cases = await Promise.all(
      ids.map(async (id) => {
        try {
          const doc = await fetchPage(`cases/${id}/`);
          return { id, doc };
        } catch {
          return { id, doc: null };
        }
      }),
    );
    const found = cases.filter((c) => c.doc);
    const rows = new Map();
    const put = (label, i, value) => {
      if (!rows.has(label)) rows.set(label, new Array(found.length).fill(""));
      rows.get(label)[i] = value;
    };
    found.forEach(({ doc }, i) => {
      for (const [dt, dd] of pairs(doc, ".cb-facts > div")) put(dt, i, dd);
      put("概要", i, textOf(sectionAfter(doc, "概要")));
      for (const [dt, dd] of pairs(doc, ".cb-qa")) put(dt, i, dd);
      for (const tr of doc.querySelectorAll(".cb-figures tbody tr")) {
        const cells = [...tr.cells].map(textOf);
        put(`数値: ${cells[0]}`, i, [cells[1], cells[2] && `（${cells[2]}）`].filter(Boolean).join(""));
      }
    });
    const table = el("table", { class: "cb-table cb-chosen__table" });
    table.style.setProperty("--cb-cases", String(found.length)); // CSSOM, which the site's CSP allows
    const head = table.createTHead().insertRow();
    head.append(el("th", { scope: "col" }, "項目"));
    found.forEach(({ id, doc }) => {
      const th = el("th", { scope: "col" });
      th.append(el("a", { href: new URL(`cases/${id}/`, base).href }, textOf(doc.querySelector(".md-content h1"))));
      head.append(th);
    });
    const body = table.createTBody();
    for (const [label, values] of rows) {
      const tr = body.insertRow();
      tr.append(el("th", { scope: "row" }, label));
      for (const value of values) tr.append(el("td", {}, value));
    }
    const scroller = el("div", { class: "cb-scroll", tabindex: "0", role: "group", "aria-label": "選んだ事例の比較表" });
    scroller.append(table);
    root.append(scroller);
    const missing = cases.length - found.length;
    status(root, `${found.length} 件を並べました${missing ? `（${missing} 件は見つかりませんでした）` : ""}。`);
    watchScroll(scroller);
  };

  // --- print what you chose -------------------------------------------------------------------
  const startPrint = async (root) => {
    const from = new URLSearchParams(location.search).get("from");
    let ids;
    let truncated = false;
    try {
      // `cut`: the search page sent the first of more cases than fit (casebook.js).
      const cut = new URLSearchParams(location.search).has("cut");
      ({ ids, truncated } = from ? await idsFromList(from) : { ids: idsFromUrl(), truncated: cut });
    } catch {
      status(root, "一覧を読み込めませんでした。");
      return;
    }
    if (!ids.length) {
      status(root, "印刷する事例がありません。事例を選ぶか、キーワードやカテゴリのページの「印刷用にまとめる」から開いてください。");
      return;
    }
    status(root, `${ids.length} 件の事例を読み込んでいます…`);
    let done = 0;
    for (const id of ids) {
      let doc;
      try {
        doc = await fetchPage(`cases/${id}/`);
      } catch {
        continue;
      }
      const article = doc.querySelector(".md-content__inner");
      if (!article) continue;
      const section = el("section", { class: "cb-print-case" });
      for (const node of [...article.children]) {
        if (node.matches(".md-source-file, .md-content__button, .cb-search-meta, .cb-meta")) continue;
        section.append(document.importNode(node, true));
      }
      // A printed case keeps its facts and sources, not the cards of related cases.
      const related = [...section.querySelectorAll("h2")].find((h) => textOf(h) === "関連する事例");
      if (related) {
        if (related.nextElementSibling) related.nextElementSibling.remove();
        related.remove();
      }
      section.querySelectorAll("[id]").forEach((node) => node.removeAttribute("id"));
      section.querySelectorAll("a[href]").forEach((a) => a.setAttribute("href", new URL(a.getAttribute("href"), new URL(`cases/${id}/`, base)).href));
      root.append(section);
      done += 1;
    }
    const cut = truncated ? `一覧の先頭の ${MAX_PRINT} 件です（まとめられるのは ${MAX_PRINT} 件まで）。` : "";
    status(root, `${done} 件の事例をまとめました。${cut}ブラウザの印刷（A4）で 1 事例ずつ改ページされます。`);
  };

  // --- a cue when a table scrolls sideways -----------------------------------------------------
  const watchScroll = (box) => {
    const update = () => {
      const more = box.scrollWidth - box.clientWidth > 1;
      box.classList.toggle("cb-scrolls", more && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
      box.classList.toggle("cb-scrolled", more && box.scrollLeft > 1);
    };
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  };

  /** A table box that scrolls sideways is a labelled tab stop; one that fits again is not (only ours are undone). */
  const keyboardReach = (box) => {
    const scrolls = box.scrollWidth > box.clientWidth;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "表（横にスクロールできます）");
      box.dataset.cbReach = "";
    } else if (!scrolls && "cbReach" in box.dataset) {
      ["tabindex", "role", "aria-label", "data-cb-reach"].forEach((name) => box.removeAttribute(name));
    }
  };

  const start = () => {
    addPickers();
    document.querySelectorAll(".cb-matrix-wrap, .cb-scroll").forEach(watchScroll);
    // Material wraps Markdown tables in a box that scrolls sideways on a phone: a keyboard user must
    // be able to reach it to scroll it (WCAG 2.1.1; axe: scrollable-region-focusable). Checked again
    // whenever the box changes size (a tablet turned, a window narrowed), not only on load.
    const boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    boxes.forEach(keyboardReach);
    if (boxes.length && "ResizeObserver" in window) {
      const watch = new ResizeObserver((entries) => entries.forEach((entry) => keyboardReach(entry.target)));
      boxes.forEach((box) => watch.observe(box));
    }
    const compare = document.querySelector("[data-chosen-compare]");
    if (compare) startCompareChosen(compare);
    const print = document.querySelector("[data-print]");
    if (print) startPrint(print);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
