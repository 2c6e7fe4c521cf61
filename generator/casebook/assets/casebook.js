/* casebook — the header search box, the search page's controls, roadmaps and comparison tables.
 *
 * The search page's query pipeline (Pagefind, normalisation, ranking) is the module search.js,
 * which the page loads early; the controls here import it. Facet counts are Pagefind's own filter
 * counts, for the facets a reader opens. Facets: OR within a facet, AND across facets. The URL
 * carries the query and the filters.
 */
(() => {
  "use strict";

  const configElement = document.getElementById("__config");
  const base = new URL(configElement ? JSON.parse(configElement.textContent).base || "." : ".", location.href);
  const searchPage = new URL("search/", base);

  // --- header box on every page -----------------------------------------------------------------
  const addHeaderBox = () => {
    const inner = document.querySelector(".md-header__inner");
    if (!inner || document.getElementById("cb-search")) return;
    const form = document.createElement("form");
    form.className = "cb-header-search";
    form.setAttribute("role", "search");
    form.action = searchPage.href;
    form.method = "get";
    form.innerHTML =
      '<label class="cb-visually-hidden" for="cb-header-q">サイト内検索</label>' +
      '<input id="cb-header-q" name="q" type="search" autocomplete="off">';
    // The `/` shortcut needs a keyboard: touch screens get the short word, which fits a phone's header.
    const touch = window.matchMedia("(hover: none) and (pointer: coarse)").matches;
    form.querySelector("input").placeholder = touch ? "検索" : "検索（/ で移動）";
    const option = inner.querySelector(".md-header__option");
    inner.insertBefore(form, option || null);
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing) {
        event.preventDefault();
        form.querySelector("input").focus();
      }
    });
  };

  // --- the search page --------------------------------------------------------------------------
  const el = (tag, attrs = {}, text = "") => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  };

  // 「もしかして」: the closest spellings of the vocabulary, fetched (one small file per first
  // character) only for a query word that none of the shown results contains.
  const distance = (a, b) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i += 1) {
      let diagonal = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j += 1) {
        const above = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length];
  };

  const startSearchPage = async (root) => {
    const shards = new Set((root.dataset.suggestShards || "").split(" ")); // suggestion files that exist
    const form = root.querySelector(".cb-search__form");
    const input = root.querySelector("#cb-search-input");
    const clear = root.querySelector(".cb-search__clear");
    const status = root.querySelector(".cb-search__status");
    const suggest = root.querySelector(".cb-search__suggest");
    const active = root.querySelector(".cb-search__active");
    const toggle = root.querySelector(".cb-search__toggle");
    const see = root.querySelector(".cb-search__see");
    const results = root.querySelector(".cb-search__main");
    const list = root.querySelector(".cb-search__results");
    const more = root.querySelector(".cb-search__more");
    const printing = root.querySelector(".cb-search__print");
    form.addEventListener("submit", (event) => {
      event.preventDefault(); // CSP: no inline handler; the search runs here, not by reloading
      if (root.dataset.ready === "true") search();
    });

    const fieldsets = [...root.querySelectorAll("fieldset[data-facet]")];
    const facets = fieldsets.map((f) => ({ key: f.dataset.facet, label: f.dataset.label, fieldset: f }));
    const selected = new Map(facets.map((f) => [f.key, new Set()]));
    const opened = new Set();
    const expanded = new Set();
    let values = null; // facet → values some page carries, in display order (search/facets.json)

    let engine;
    try {
      // Already started by the page's own <script> in its <head>; this waits for it.
      engine = await import(new URL("assets/search.js", base).href);
    } catch (error) {
      // Opened from disk, no module loads; on a web server, the connection dropped or a file is missing.
      status.textContent =
        location.protocol === "file:"
          ? "検索の索引を読み込めませんでした。サイトを http(s):// で開いているか確かめてください（file:// では動きません）。"
          : "検索の仕組みを読み込めませんでした。通信が切れたかもしれません。ページを読み込み直してください。";
      root.querySelector(".cb-search__facets").hidden = true; // its buttons would do nothing
      return;
    }

    // State ⇄ URL
    const readUrl = ({ back = false } = {}) => {
      const params = new URLSearchParams(location.search);
      // The page put the address's words in the box already; a reader may have typed since (this
      // script starts after the first results): what is in the box stays, unless the reader went Back.
      if (back || !input.value) input.value = params.get("q") || "";
      for (const facet of facets) {
        selected.set(facet.key, new Set(params.getAll(facet.key)));
        if (selected.get(facet.key).size) opened.add(facet.key);
      }
    };
    // History: each search the reader settles on (Enter, a filter, a suggestion, 「クリア」) gets its own
    // entry, so Back returns to the one before; the searches made while typing share one entry.
    let settled = true; // the address holds a settled search: the next different one is a new entry
    /** The address of a search: its words, then the filters in the page's order (「?q=…&region=…」). */
    const addressOf = (q, chosen) => {
      const params = new URLSearchParams();
      if (q.trim()) params.set("q", q.trim());
      for (const facet of facets) for (const value of chosen(facet.key)) params.append(facet.key, value);
      return params.toString() ? `?${params}` : "";
    };
    const addressHere = () => {
      const here = new URLSearchParams(location.search); // a link may order or encode it otherwise
      return addressOf(here.get("q") || "", (key) => here.getAll(key));
    };
    const addressShown = () => addressOf(input.value, (key) => selected.get(key)); // the box and the filters
    const writeUrl = (typing) => {
      const address = addressShown();
      // Typing goes on in one entry; a settled search after it (a filter, a suggestion) is a new one.
      if (address === addressHere() || (typing && !settled)) history.replaceState(null, "", address || location.pathname);
      else history.pushState(null, "", address || location.pathname);
      settled = !typing;
    };
    window.addEventListener("popstate", () => {
      // Back within the page (an anchor such as 「本文へ移動」) leaves the search as it is.
      if (addressHere() === addressShown()) return;
      readUrl({ back: true });
      settled = true;
      search();
    });

    // Filters: OR within a facet, AND across facets. An opened facet with nothing chosen asks for
    // an empty `any`, which does not narrow the results but makes Pagefind load that facet's
    // filter file and count it: filters load only when a reader opens them.
    const { find, counts, first, searchKey, normalizeKey, queryWords, resultItem, foundText, number, PAGE_SIZE } = engine;
    const filtersExcept = (skip) => {
      const filters = {};
      for (const key of opened) filters[key] = { any: [] };
      for (const [key, chosen] of selected) if (key !== skip && chosen.size) filters[key] = { any: [...chosen] };
      return filters;
    };

    let generation = 0;
    let ordered = [];
    let shown = 0;
    let words = [];
    let marked = false;

    /** Search for what the box and the filters say; `typing`: the reader has not settled on it yet. */
    const search = async ({ typing = false } = {}) => {
      const mine = ++generation;
      root.dataset.busy = "true";
      try {
        await runSearch(mine, typing);
      } catch (error) {
        // Pagefind could not load its index (the server lost a file, or the link dropped): say so,
        // rather than leave 「検索の準備をしています…」 on screen for good.
        if (mine === generation) status.textContent = "検索できませんでした。索引を読み込めませんでした。ページを読み込み直してください。";
        console.error(error);
      } finally {
        if (mine === generation) root.dataset.busy = "false";
      }
    };

    const runSearch = async (mine, typing) => {
      if (opened.size) await loadValues();
      words = queryWords(input.value);
      const query = words.join(" ");
      clear.hidden = !input.value;
      writeUrl(typing);
      suggest.hidden = true;
      const anySelected = [...selected.values()].some((s) => s.size);
      if (!query && !anySelected) {
        ordered = [];
        // Nothing asked yet: the opened facets count the whole knowledge base.
        const everything = opened.size ? await counts(null, filtersExcept(null)) : null;
        const numbers = everything ? await facetCounts(null, everything) : {};
        if (mine !== generation) return;
        renderFacets(numbers);
        renderActive();
        list.replaceChildren();
        more.hidden = true;
        see.hidden = true;
        printing.hidden = true;
        status.textContent = "キーワードを入力するか、絞り込みを選んでください。";
        return;
      }
      const filters = filtersExcept(null);
      const early = first.result && first.key === searchKey(words, filters) ? first.result : null;
      first.result = null;
      const { filters: counted, ordered: ranked, data } = await (early || find(words, filters));
      const numbers = await facetCounts(query || null, counted);
      if (mine !== generation) return;
      ordered = ranked;
      renderFacets(numbers);
      renderActive();
      status.textContent = foundText(ordered.length);
      see.textContent = `結果を見る（${number(ordered.length)} 件）`;
      printing.hidden = ordered.length === 0;
      if (early && first.shown) {
        // search.js has shown this first page already, before this script ran.
        shown = first.shown;
        more.hidden = shown >= ordered.length;
        marked = true;
      } else {
        list.replaceChildren();
        shown = 0;
        showMore(mine, data);
      }
      if (mine === generation) offerSuggestions(mine, data);
    };

    // Counts of the opened facets: from the search itself, except for a facet with choices, whose
    // counts are those the reader would get by adding a value to it (its own choices lifted).
    const facetCounts = async (query, counted) => {
      const numbers = { ...counted };
      for (const key of opened) {
        if (selected.get(key).size) {
          const lifted = await counts(query, filtersExcept(key));
          numbers[key] = lifted[key] || {};
        }
      }
      return numbers;
    };

    // Shows the next page of results; `loaded` is their data when the search fetched it already.
    const showMore = async (mine, loaded = null) => {
      const batch = ordered.slice(shown, shown + PAGE_SIZE);
      const data = loaded || (await Promise.all(batch.map((r) => r.data())));
      if (mine !== generation) return;
      list.append(...data.map(resultItem));
      shown += batch.length;
      more.hidden = shown >= ordered.length;
      if (!marked) {
        marked = true;
        performance.mark("casebook:results"); // the benchmark's "results shown"
      }
    };

    // Pagefind shortens a word it does not know until something matches (xyzzy → x): when no query word
    // is in the results, and the stretches of it (two characters or more; a lone character is noise)
    // that the results do hold cover less than half of each word, say so instead of "N 件見つかりました".
    // 職員の研修 is covered by 職員 and 研修 (it is a phrase, found in pieces); xyzzy by nothing.
    const coveredIn = (word, text) => {
      const chars = [...word];
      if (chars.length > 30) return true; // a pasted sentence: no stray word, and too long to take apart
      const hit = new Set();
      for (let from = 0; from < chars.length - 1; from += 1) {
        let to = chars.length;
        while (to - from >= 2 && !text.includes(chars.slice(from, to).join(""))) to -= 1;
        for (let i = from; to - from >= 2 && i < to; i += 1) hit.add(i);
      }
      return hit.size * 2 >= chars.length;
    };
    const onlyPieces = (text, missing) =>
      missing.length === words.length && !missing.some((word) => coveredIn(word, text));

    const offerSuggestions = async (mine, data) => {
      const text = data.map((d) => normalizeKey(`${d.meta.title || ""}${d.content || ""}`)).join("\n");
      const missing = words.filter((w) => w.length >= 2 && !text.includes(w));
      if (!missing.length) return;
      if (data.length && onlyPieces(text, missing)) {
        status.textContent = `「${input.value.trim()}」を含むページはありません。語の一部だけが合う ${number(ordered.length)} 件を表示しています。`;
      }
      const offers = [];
      for (const word of missing) {
        const shard = word.codePointAt(0).toString(16);
        let entries = [];
        if (!shards.has(shard)) continue; // no spelling starts with this character: nothing to fetch
        try {
          const response = await fetch(new URL(root.dataset.suggest.replace(/0\.json$/, `${shard}.json`), location.href));
          if (response.ok) entries = await response.json();
        } catch (error) {
          entries = [];
        }
        const limit = word.length >= 8 ? 2 : 1;
        const close = entries
          .map(([spelling, label]) => [distance(word, spelling), label])
          .filter(([d]) => d > 0 && d <= limit)
          .sort((a, b) => a[0] - b[0]);
        for (const [, label] of close) if (!offers.includes(label)) offers.push(label);
      }
      if (mine !== generation || !offers.length) return;
      suggest.replaceChildren(document.createTextNode("もしかして: "));
      offers.slice(0, 5).forEach((label, i) => {
        if (i) suggest.append(document.createTextNode("、"));
        const link = el("a", { href: `?q=${encodeURIComponent(label)}` }, label);
        link.addEventListener("click", (event) => {
          event.preventDefault();
          input.value = label;
          search();
        });
        suggest.append(link);
      });
      suggest.hidden = false;
    };

    const renderActive = () => {
      active.replaceChildren();
      for (const facet of facets) {
        for (const value of selected.get(facet.key)) {
          const chip = el("button", { type: "button", class: "cb-search__chip", "aria-label": `${facet.label}「${value}」の絞り込みを外す` });
          chip.textContent = `${facet.label}: ${value} ×`;
          chip.addEventListener("click", () => {
            selected.get(facet.key).delete(value);
            search();
          });
          active.append(chip);
        }
      }
      if (active.children.length > 1) {
        const all = el("button", { type: "button", class: "cb-search__chip cb-search__chip--clear" }, "すべて外す");
        all.addEventListener("click", () => {
          for (const set of selected.values()) set.clear();
          search();
        });
        active.append(all);
      }
    };

    const FACET_PREVIEW = 8;
    const renderFacets = (counts) => {
      const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.facetId : null;
      for (const facet of facets) {
        const button = facet.fieldset.querySelector(".cb-facet__open");
        const ul = facet.fieldset.querySelector("ul");
        const open = opened.has(facet.key) && values !== null;
        button.setAttribute("aria-expanded", String(open));
        ul.hidden = !open;
        facet.fieldset.querySelector(".cb-facet__expand")?.remove();
        if (!open) continue;
        ul.replaceChildren();
        const known = values[facet.key] || [];
        const shownValues = [...known, ...[...selected.get(facet.key)].filter((v) => !known.includes(v))];
        const limit = expanded.has(facet.key) ? shownValues.length : FACET_PREVIEW;
        shownValues.forEach((value, i) => {
          const count = (counts[facet.key] || {})[value] || 0;
          const id = `cb-f-${facet.key}-${i}`;
          const li = el("li", i >= limit ? { class: "cb-facet__more" } : {});
          if (i >= limit) li.hidden = true;
          const box = el("input", { type: "checkbox", id, "data-facet-id": id, value });
          box.checked = selected.get(facet.key).has(value);
          box.addEventListener("change", () => {
            if (box.checked) selected.get(facet.key).add(value);
            else selected.get(facet.key).delete(value);
            search();
          });
          const label = el("label", { for: id });
          label.append(document.createTextNode(value), el("span", { class: "cb-facet__count" }, number(count)));
          if (!count && !box.checked) label.classList.add("cb-facet__zero");
          li.append(box, label);
          ul.append(li);
        });
        if (shownValues.length > FACET_PREVIEW) {
          const all = el("button", { type: "button", class: "cb-facet__expand", "aria-expanded": String(expanded.has(facet.key)) },
            expanded.has(facet.key) ? "少なく表示" : `すべて表示（${shownValues.length}）`);
          all.addEventListener("click", () => {
            if (expanded.has(facet.key)) expanded.delete(facet.key);
            else expanded.add(facet.key);
            renderFacets(counts);
          });
          facet.fieldset.append(all);
        }
      }
      see.hidden = !root.classList.contains("cb-search--facets-open");
      if (focused) {
        const again = root.querySelector(`[data-facet-id="${focused}"]`);
        if (again) again.focus();
      }
    };

    const loadValues = async () => {
      if (values !== null) return;
      try {
        const response = await fetch(new URL(root.dataset.facets, location.href));
        const data = await response.json();
        values = Object.fromEntries(data.facets.map((f) => [f.key, f.values]));
      } catch (error) {
        values = {};
      }
    };

    for (const facet of facets) {
      facet.fieldset.querySelector(".cb-facet__open").addEventListener("click", () => {
        if (opened.has(facet.key)) {
          opened.delete(facet.key);
          expanded.delete(facet.key);
        } else {
          opened.add(facet.key);
        }
        search();
      });
    }

    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => search({ typing: true }), 200);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        search();
      }
      if (event.key === "Escape") {
        input.value = "";
        search();
      }
    });
    clear.addEventListener("click", () => {
      input.value = "";
      input.focus();
      search();
    });
    more.addEventListener("click", () => showMore(generation));
    const showPanels = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      root.classList.toggle("cb-search--facets-open", open);
      see.hidden = !open;
    };
    toggle.addEventListener("click", () => showPanels(toggle.getAttribute("aria-expanded") !== "true"));
    // Phone: the filters cover the results; one tap closes them and brings the results into view.
    see.addEventListener("click", () => {
      showPanels(false);
      results.focus();
      results.scrollIntoView({ block: "start" });
    });

    // Print what was found: the cases among the results, in their order, up to the print page's limit
    // (print.md.j2). Their addresses come from Pagefind's fragments, loaded only when asked.
    const PRINT_LIMIT = 100;
    const CASE_URL = /\/cases\/([a-z0-9][a-z0-9-]*)\/$/;
    printing.querySelector("button").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      button.textContent = "まとめています…";
      const ids = [];
      let cut = false; // a case left out past the limit: the print page says it printed the first ones
      for (let at = 0; at < ordered.length && !cut; at += 20) {
        const data = await Promise.all(ordered.slice(at, at + 20).map((r) => r.data()));
        for (const item of data) {
          const found = CASE_URL.exec(new URL(item.url, location.href).pathname);
          if (found && ids.length === PRINT_LIMIT) cut = true;
          else if (found) ids.push(found[1]);
        }
      }
      const target = new URL("../print/", location.href);
      for (const id of ids) target.searchParams.append("c", id);
      if (cut) target.searchParams.set("cut", "1");
      location.assign(target.href);
    });

    readUrl();
    root.dataset.ready = "true";
    await search();
    // A reader who opens the search page to search gets the box; one who followed a link with filters
    // (「東北 627 件」 on a list) came for those results, and on a phone a focused box covers them.
    const filtered = [...new URLSearchParams(location.search).keys()].some((key) => key !== "q");
    if (!input.value && !filtered) input.focus();
  };

  // --- roadmaps: collapsible steps and a checkbox per step, remembered in this browser only ------
  const startRoadmap = (root) => {
    const key = `casebook:roadmap:${root.dataset.roadmap}`;
    const read = () => {
      try {
        return new Set(JSON.parse(localStorage.getItem(key) || "[]"));
      } catch (error) {
        return new Set();
      }
    };
    const done = read();
    // The stages follow the tools as siblings (their headings are page headings, so they are in the contents).
    const page = root.parentElement || document;
    const boxes = [...page.querySelectorAll(".cb-step__check")];
    const progress = root.querySelector(".cb-roadmap__progress");
    const reset = root.querySelector(".cb-roadmap__reset");
    const expand = root.querySelector(".cb-roadmap__expand");
    const show = () => {
      progress.textContent = `${boxes.filter((b) => b.checked).length} / ${boxes.length} ステップ完了`;
    };
    const save = () => {
      try {
        localStorage.setItem(key, JSON.stringify(boxes.filter((b) => b.checked).map((b) => b.dataset.step)));
      } catch (error) {
        progress.textContent = "このブラウザでは進み具合を保存できません。";
      }
    };
    for (const box of boxes) {
      box.checked = done.has(box.dataset.step);
      box.closest(".cb-step").classList.toggle("cb-step--done", box.checked);
      box.addEventListener("change", () => {
        box.closest(".cb-step").classList.toggle("cb-step--done", box.checked);
        save();
        show();
      });
    }
    const toggles = [...page.querySelectorAll(".cb-step__toggle")];
    const setOpen = (button, open) => {
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "閉じる" : "詳しく";
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
    };
    for (const button of toggles) {
      button.hidden = false;
      // Finished steps start folded; the rest stay open so the path reads top to bottom.
      setOpen(button, !button.closest(".cb-step").classList.contains("cb-step--done"));
      button.addEventListener("click", () => setOpen(button, button.getAttribute("aria-expanded") !== "true"));
    }
    expand.hidden = false;
    expand.addEventListener("click", () => toggles.forEach((b) => setOpen(b, true)));
    reset.hidden = false;
    reset.addEventListener("click", () => {
      boxes.forEach((b) => {
        b.checked = false;
        b.closest(".cb-step").classList.remove("cb-step--done");
      });
      save();
      show();
    });
    window.addEventListener("beforeprint", () => toggles.forEach((b) => setOpen(b, true)));
    show();
  };

  // --- comparison tables: filter rows by 団体区分 and 人口規模 -------------------------------------
  const startCompare = (root) => {
    const controls = root.querySelector(".cb-compare__filters");
    const selects = [...root.querySelectorAll("select[data-filter]")];
    const rows = [...root.querySelectorAll("tbody tr")];
    const count = root.querySelector(".cb-compare__count");
    const params = new URLSearchParams(location.search);
    for (const select of selects) select.value = params.get(select.dataset.filter) || "";
    const apply = () => {
      let shown = 0;
      for (const row of rows) {
        const ok = selects.every((s) => !s.value || row.dataset[s.dataset.filter] === s.value);
        row.hidden = !ok;
        if (ok) shown += 1;
      }
      // A long comparison is paged: the filter reaches only this page's rows, so say so, and the page
      // links (and those to where each 人口規模 begins) carry it to the next page, which applies it on arrival.
      const pageLinks = [...document.querySelectorAll(".cb-pager a[href], .cb-years a[href]")];
      count.textContent = pageLinks.length ? `このページの ${rows.length} 件のうち ${shown} 件` : `${shown} / ${rows.length} 件`;
      const next = new URLSearchParams();
      for (const s of selects) if (s.value) next.set(s.dataset.filter, s.value);
      history.replaceState(null, "", (next.toString() ? `?${next}` : location.pathname) + location.hash);
      for (const link of pageLinks) {
        const url = new URL(link.href);
        url.search = next.toString();
        link.href = url.href;
      }
    };
    selects.forEach((s) => s.addEventListener("change", apply));
    controls.hidden = false;
    apply();
    // Arrived at where a 人口規模 begins (#band-…): the filter has just hidden rows above it, or that row
    // itself; back to it, or to the next row shown.
    const toSize = () => {
      const target = rows.find((row) => row.id && `#${row.id}` === location.hash);
      if (target) rows.slice(rows.indexOf(target)).find((row) => !row.hidden)?.scrollIntoView();
    };
    toSize();
    window.addEventListener("hashchange", toSize); // a size that begins on this page
  };

  const start = () => {
    addHeaderBox();
    document.querySelectorAll(".cb-roadmap[data-roadmap]").forEach(startRoadmap);
    document.querySelectorAll("[data-compare]").forEach(startCompare);
    const root = document.getElementById("cb-search");
    if (root) startSearchPage(root);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
