/* casebook search — Pagefind (extended build) plus our own vocabulary of controlled terms.
 *
 * Pagefind segments kanji-only runs differently when indexing and when querying (its issue
 * #1237), so 「長野」「松本」 can miss pages that contain them. Every query is therefore also
 * matched against search/terms.json (keywords, aliases, readings, place and organisation
 * names, normalised exactly as the Python side does) and the matching records are fetched
 * through Pagefind *filters*, which do not depend on segmentation. Both result lists are merged.
 * Facets: OR within a facet, AND across facets. The URL carries the query and the filters.
 */
(() => {
  "use strict";

  const configElement = document.getElementById("__config");
  const base = new URL(configElement ? JSON.parse(configElement.textContent).base || "." : ".", location.href);
  const searchPage = new URL("search/", base);
  const PAGE_SIZE = 20;
  const FACET_PREVIEW = 8;

  // --- normalisation: mirrors casebook.taxonomy.normalize_key ----------------------------------
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
  window.casebookNormalizeKey = normalizeKey; // used by the tests to compare with Python

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
      '<input id="cb-header-q" name="q" type="search" placeholder="検索（/ で移動）" autocomplete="off">';
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

  const startSearchPage = async (root) => {
    const input = root.querySelector("#cb-search-input");
    const clear = root.querySelector(".cb-search__clear");
    const status = root.querySelector(".cb-search__status");
    const active = root.querySelector(".cb-search__active");
    const panels = root.querySelector(".cb-search__panels");
    const toggle = root.querySelector(".cb-search__toggle");
    const list = root.querySelector(".cb-search__results");
    const more = root.querySelector(".cb-search__more");
    // Results follow the typing; Enter must not reload the page. (A listener, not `onsubmit`: the CSP forbids inline handlers.)
    root.querySelector("form").addEventListener("submit", (event) => event.preventDefault());

    let pagefind;
    let vocabulary;
    try {
      pagefind = await import(new URL("pagefind/pagefind.js", base).href);
      await pagefind.options({ baseUrl: base.pathname });
      const response = await fetch(new URL(root.dataset.terms, location.href));
      vocabulary = await response.json();
    } catch (error) {
      status.textContent = "検索の索引を読み込めませんでした。サイトを http(s):// で開いているか確かめてください（file:// では動きません）。";
      return;
    }
    const facets = vocabulary.facets;
    const labels = Object.fromEntries(facets.map((f) => [f.key, f.label]));
    const selected = new Map(facets.map((f) => [f.key, new Set()]));
    const expanded = new Set();
    const totals = await pagefind.filters();

    // State ⇄ URL
    const readUrl = () => {
      const params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      for (const facet of facets) selected.set(facet.key, new Set(params.getAll(facet.key)));
    };
    const writeUrl = () => {
      const params = new URLSearchParams();
      if (input.value.trim()) params.set("q", input.value.trim());
      for (const facet of facets) for (const value of selected.get(facet.key)) params.append(facet.key, value);
      const query = params.toString();
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
    };

    const filtersExcept = (skip) => {
      const filters = {};
      for (const [key, values] of selected) if (key !== skip && values.size) filters[key] = { any: [...values] };
      return filters;
    };

    const vocabularyFilter = (query) => {
      const groups = [];
      for (const word of query.split(/\s+/)) {
        const term = normalizeKey(word);
        if (term.length < 2) continue;
        const hits = [];
        const seen = new Set();
        for (const [key, facet, value] of vocabulary.terms) {
          if (key.includes(term) || (key.length >= 2 && term.includes(key))) {
            const id = `${facet}\u0000${value}`;
            if (!seen.has(id)) {
              seen.add(id);
              hits.push({ [facet]: value });
            }
          }
        }
        if (hits.length) groups.push({ any: hits });
      }
      return groups.length ? { all: groups } : null;
    };

    let generation = 0;
    let ordered = [];
    let shown = 0;

    const addCounts = (counts, filters) => {
      for (const [key, values] of Object.entries(filters || {})) {
        counts[key] = counts[key] || {};
        for (const value of values) counts[key][value] = (counts[key][value] || 0) + 1;
      }
    };

    const search = async () => {
      const mine = ++generation;
      root.dataset.busy = "true";
      try {
        await runSearch(mine);
      } finally {
        if (mine === generation) root.dataset.busy = "false";
      }
    };

    const runSearch = async (mine) => {
      const query = input.value.trim();
      clear.hidden = !query;
      writeUrl();
      const anySelected = [...selected.values()].some((s) => s.size);
      if (!query && !anySelected) {
        ordered = [];
        renderFacets(totals);
        renderActive();
        list.replaceChildren();
        more.hidden = true;
        status.textContent = "キーワードを入力するか、左の絞り込みを選んでください。";
        return;
      }
      const filters = filtersExcept(null);
      const text = await pagefind.search(query || null, { filters });
      let vocabResults = [];
      let caseIds = new Set();
      let hubIds = new Set();
      const extra = query ? vocabularyFilter(query) : null;
      if (extra) {
        const vocab = await pagefind.search(null, { filters: { ...filters, ...extra } });
        // Among the records the vocabulary names, cases come first: they are what readers came for.
        const cases = await pagefind.search(null, { filters: { ...filters, all: [...extra.all, { type: "事例" }] } });
        // Next, the term's own page (the keyword's or the challenge's), which gathers everything on it.
        const hubs = await pagefind.search(null, {
          filters: { ...filters, all: [...extra.all, { any: [{ type: "キーワード" }, { type: "課題" }] }] },
        });
        vocabResults = vocab.results;
        caseIds = new Set(cases.results.map((r) => r.id));
        hubIds = new Set(hubs.results.map((r) => r.id));
      }
      if (mine !== generation) return;

      const textIds = new Set(text.results.map((r) => r.id));
      const vocabIds = new Set(vocabResults.map((r) => r.id));
      // Cases, then hub pages, then the rest; stable, so Pagefind's order holds within each group
      // and the order of pages in the index never decides what comes first.
      const rank = (r) => (caseIds.has(r.id) ? 0 : hubIds.has(r.id) ? 1 : 2);
      const vocabFirst = (results) => [0, 1, 2].flatMap((g) => results.filter((r) => rank(r) === g));
      ordered = [
        ...vocabFirst(text.results.filter((r) => vocabIds.has(r.id))),
        ...vocabFirst(vocabResults.filter((r) => !textIds.has(r.id))),
        ...text.results.filter((r) => !vocabIds.has(r.id)),
      ];

      // Counts: for each facet, the results if that facet's own choices were lifted (OR within a facet).
      const counts = {};
      for (const facet of facets) {
        let source = text;
        if (selected.get(facet.key).size) {
          source = await pagefind.search(query || null, { filters: filtersExcept(facet.key) });
        }
        counts[facet.key] = { ...(source.filters[facet.key] || {}) };
      }
      const vocabOnly = vocabResults.filter((r) => !textIds.has(r.id)).slice(0, 200);
      const vocabData = await Promise.all(vocabOnly.map((r) => r.data()));
      for (const data of vocabData) addCounts(counts, data.filters);
      if (mine !== generation) return;

      renderFacets(counts);
      renderActive();
      list.replaceChildren();
      shown = 0;
      status.textContent = ordered.length
        ? `${ordered.length} 件見つかりました。`
        : "見つかりませんでした。言葉を短くするか、絞り込みを外してみてください。";
      await showMore(mine);
    };

    const showMore = async (mine) => {
      const batch = ordered.slice(shown, shown + PAGE_SIZE);
      const data = await Promise.all(batch.map((r) => r.data()));
      if (mine !== generation) return;
      for (const item of data) {
        const li = el("li", { class: "cb-result" });
        const link = el("a", { href: item.url, class: "cb-result__title" }, item.meta.title || item.url);
        li.append(link);
        const kind = (item.filters.type || [])[0];
        const meta = [kind, item.meta.org].filter(Boolean).join("・");
        if (meta) li.append(el("p", { class: "cb-result__meta" }, meta));
        const excerpt = el("p", { class: "cb-result__excerpt" });
        excerpt.innerHTML = item.excerpt; // Pagefind escapes page text; only <mark> is markup
        li.append(excerpt);
        list.append(li);
      }
      shown += batch.length;
      more.hidden = shown >= ordered.length;
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

    const renderFacets = (counts) => {
      const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.facetId : null;
      panels.replaceChildren();
      for (const facet of facets) {
        const values = facet.values.filter((v) => (totals[facet.key] || {})[v] !== undefined || selected.get(facet.key).has(v));
        if (!values.length) continue;
        const fieldset = el("fieldset", { class: "cb-facet", "data-facet": facet.key });
        fieldset.append(el("legend", {}, facet.label));
        const ul = el("ul");
        const limit = expanded.has(facet.key) ? values.length : FACET_PREVIEW;
        values.forEach((value, i) => {
          const count = (counts[facet.key] || {})[value] || 0;
          const id = `cb-f-${facet.key}-${i}`;
          const li = el("li", { class: i >= limit ? "cb-facet__more" : "" });
          if (i >= limit) li.hidden = true;
          const box = el("input", { type: "checkbox", id, "data-facet-id": id, value });
          box.checked = selected.get(facet.key).has(value);
          box.addEventListener("change", () => {
            if (box.checked) selected.get(facet.key).add(value);
            else selected.get(facet.key).delete(value);
            search();
          });
          const label = el("label", { for: id });
          label.append(document.createTextNode(value), el("span", { class: "cb-facet__count" }, String(count)));
          if (!count && !box.checked) label.classList.add("cb-facet__zero");
          li.append(box, label);
          ul.append(li);
        });
        fieldset.append(ul);
        if (values.length > FACET_PREVIEW) {
          const button = el("button", { type: "button", class: "cb-facet__expand", "aria-expanded": String(expanded.has(facet.key)) },
            expanded.has(facet.key) ? "少なく表示" : `すべて表示（${values.length}）`);
          button.addEventListener("click", () => {
            if (expanded.has(facet.key)) expanded.delete(facet.key);
            else expanded.add(facet.key);
            renderFacets(counts);
          });
          fieldset.append(button);
        }
        panels.append(fieldset);
      }
      if (focused) {
        const again = panels.querySelector(`[data-facet-id="${focused}"]`);
        if (again) again.focus();
      }
    };

    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
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
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      root.classList.toggle("cb-search--facets-open", open);
    });

    readUrl();
    root.dataset.ready = "true";
    await search();
    input.focus();
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
      count.textContent = `${shown} / ${rows.length} 件`;
      const next = new URLSearchParams();
      for (const s of selects) if (s.value) next.set(s.dataset.filter, s.value);
      history.replaceState(null, "", next.toString() ? `?${next}` : location.pathname);
    };
    selects.forEach((s) => s.addEventListener("change", apply));
    controls.hidden = false;
    apply();
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
