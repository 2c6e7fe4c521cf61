/* casebook 「事例を提案する」 — a form that writes a record `casebook check` accepts as it is.
 *
 * Checks follow the Python side rule for rule and word for word (municipality.code_problem and
 * kind_problem, dates.parse_date, the models' text and length limits, validate's keyword message with
 * difflib's candidates); tests compare them. The vocabulary comes from propose/form.json, generated
 * from the same taxonomy, with every term's matching keys already folded by taxonomy.normalize_key;
 * typed text is folded by normalize.js (window.casebookNormalizeKey), the one copy of that rule here.
 * Nothing leaves the browser until the contributor presses a button; the draft stays in localStorage.
 */
(() => {
  "use strict";

  const root = document.getElementById("cb-propose");
  if (!root) return;
  const form = root.querySelector("form");
  const $ = (id) => document.getElementById(`cb-p-${id}`);
  const normalizeKey = (text) => window.casebookNormalizeKey(text);
  const chars = (text) => [...text].length; // Python counts code points, not UTF-16 units

  // --- rules shared with casebook check -----------------------------------------------------------
  const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]/;
  const PLACEHOLDER = /[（(]ここに[^）)]*ください[）)]/;
  const URL_RULE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
  const ID_RULE = /^[a-z0-9][a-z0-9-]*$/;
  const DATE_HINT = "使える形: 2024-10-01、2024年4月1日、2024-10、2024、2023年度、R4.2、R6年4月、令和5年度、令和元年5月1日";

  const textProblem = (value) => {
    if (CONTROL.test(value)) return "制御文字や書字方向を変える文字は使えません — その文字を取り除いてください";
    const found = value.match(PLACEHOLDER);
    if (found) return `書きかけの「${found[0]}」が残っています — その部分を書き換えてください`;
    return null;
  };

  const checkDigit = (five) => {
    const sum = [6, 5, 4, 3, 2].reduce((s, w, i) => s + w * Number(five[i]), 0);
    return (11 - (sum % 11)) % 10;
  };
  const codeProblem = (code) => {
    const pref = Number(code.slice(0, 2));
    if (/^[0-9]{5}$/.test(code) && pref >= 1 && pref <= 47) {
      return `団体コード「${code}」は 5 桁です（6 桁目の検査数字を付けると「${code}${checkDigit(code)}」）`;
    }
    if (!/^[0-9]{6}$/.test(code)) return `団体コード「${code}」は 6 桁の半角数字でなければなりません`;
    if (pref < 1 || pref > 47) return `団体コード「${code}」の先頭 2 桁（都道府県 ${code.slice(0, 2)}）は 01〜47 でなければなりません`;
    const expected = checkDigit(code.slice(0, 5));
    if (Number(code[5]) !== expected) return `団体コード「${code}」の検査数字が合いません（${code.slice(0, 5)} なら末尾は ${expected}）`;
    return null;
  };
  const codeKindWords = (code) => {
    const part = Number(code.slice(2, 5));
    if (part === 0) return "都道府県";
    if (code.startsWith("13") && part >= 101 && part <= 123) return "東京23区（特別区）";
    if (part >= 100 && part <= 199) return "政令指定都市（またはその区）";
    if (part >= 200 && part <= 299) return "市";
    return part >= 300 ? "町か村" : "どの団体区分にも当たらない番号";
  };
  const kindFits = (code, kind) => {
    const part = Number(code.slice(2, 5));
    if (kind === "都道府県") return part === 0;
    if (kind === "特別区") return code.startsWith("13") && part >= 101 && part <= 123;
    if (kind === "政令指定都市") return part >= 100 && part <= 199;
    if (kind === "町" || kind === "村") return part >= 300;
    return part >= 200 && part <= 299;
  };
  const kindProblem = (code, kind) => kindFits(code, kind) ? null :
    `団体コード「${code}」は${codeKindWords(code)}のコードなので、団体区分「${kind}」とは合いません（コードの 3〜5 桁目「${code.slice(2, 5)}」で決まります）`;
  // municipality.default_kind: 町 and 村 share the code range, the name's last character decides.
  const defaultKind = (code, name) => {
    const part = Number(code.slice(2, 5));
    if (part === 0) return "都道府県";
    if (part < 200) return "政令指定都市";
    if (part < 300) return "一般市";
    return name.endsWith("村") ? "村" : "町";
  };
  // municipality.name_kind_problem: 川場村 is no 町 (every kind of 市 ends in 市).
  const NAME_ENDINGS = { 市: ["政令指定都市", "中核市", "施行時特例市", "一般市"], 町: ["町"], 村: ["村"], 区: ["特別区"] };
  const nameKindProblem = (name, kind) => {
    const fits = NAME_ENDINGS[[...name].slice(-1)[0]];
    if (kind === "都道府県" || !fits || fits.includes(kind)) return null;
    return `団体名「${name}」は「${[...name].slice(-1)[0]}」で終わるので、団体区分「${kind}」とは合いません`;
  };

  // dates.parse_date: 西暦, 年度 and 和暦, to the precision written; a period is refused with a hint.
  const ERAS = [["令和", "R", [2019, 5, 1]], ["平成", "H", [1989, 1, 8]], ["昭和", "S", [1926, 12, 25]]];
  const ISO = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/;
  const FY = /^(?:FY(\d{4})|(\d{4})年度)$/;
  const ERA_DATE = /^(令和|平成|昭和|[RHS])(元|\d{1,2})(?:[./](\d{1,2})(?:[./](\d{1,2}))?)?(年度)?$/;
  // dates._dotted: 年 and 月 between numbers become dots, a last 年, 月 or 日 goes (年度 stays).
  const dottedDate = (text) => text.replace(/(?<=[\d元])年(?=\d)|(?<=\d)月(?=\d)/g, ".").replace(/(?<=[\d元])[年月日]$/, "");
  const RANGE = /[〜~]|から/;
  const daysIn = (year, month) => new Date(Date.UTC(year, month, 0)).getUTCDate();
  const iso = (y, m, d) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const span = (date) => date.fiscal
    ? [iso(date.year, 4, 1), iso(date.year + 1, 3, 31)]
    : [iso(date.year, date.month || 1, date.day || 1),
      iso(date.year, date.month || 12, date.day || daysIn(date.year, date.month || 12))];
  const part = (digits) => (digits === undefined || digits === "" ? -1 : Number(digits));
  const dated = (year, month, day, fiscal, raw) => {
    if (year < 1868 || year > 2100) throw new Error(`「${raw}」: 年 ${year} は範囲外です（1868〜2100）`);
    // -1: not written; 0 is a written zero (`2024-00`), which is no month at all (as dates.py says).
    if (month !== -1 && (month < 1 || month > 12)) throw new Error(`「${raw}」: ${month}月はありません（月は 1〜12）`);
    if (day !== -1 && (day < 1 || day > daysIn(year, month))) throw new Error(`「${raw}」: ${year}年${month}月${day}日はありません`);
    return { year, month: Math.max(month, 0), day: Math.max(day, 0), fiscal };
  };
  const parseText = (value) => {
    const text = value.normalize("NFKC").trim().replace(/ /g, "");
    const dotted = dottedDate(text).toUpperCase();
    let m = dotted.match(ISO);
    if (m) return dated(Number(m[1]), part(m[2]), part(m[3]), false, value);
    m = dotted.match(FY);
    if (m) return dated(Number(m[1] || m[2]), -1, -1, true, value);
    m = dotted.match(ERA_DATE);
    if (m) {
      const at = ERAS.findIndex((e) => e[0] === m[1] || e[1] === m[1]);
      const [name, , start] = ERAS[at];
      const n = m[2] === "元" ? 1 : Number(m[2]);
      if (n === 0) throw new Error(`「${value}」: ${name}0年はありません（元年は 1 年です）`);
      const month = part(m[3]);
      const fiscal = Boolean(m[5]);
      if (fiscal && month !== -1) throw new Error(`「${value}」: 年度には月を付けられません`);
      const date = dated(start[0] + n - 1, month, part(m[4]), fiscal, value);
      const first = iso(...start);
      const [ny, nm, nd] = at ? ERAS[at - 1][2] : [10000, 1, 1]; // the era ends the day before the next begins
      const end = at ? new Date(Date.UTC(ny, nm - 1, nd) - 864e5).toISOString().slice(0, 10) : "9999-12-31";
      const [from, to] = span(date);
      if (to < first || from > end) {
        throw new Error(`「${value}」はありえない日付です（${name}は ${first} から${at ? ` ${end} まで` : ""}）`);
      }
      return date;
    }
    const parts = text.split(RANGE).map((p) => p.replace(/まで$/, ""));
    if (parts.length === 2 && parts.every(Boolean)) {
      try {
        parts.forEach(parseText);
      } catch {
        throw new Error(`「${value}」は日付として読めません`);
      }
      throw new Error(`「${value}」は期間です。日付は 1 つだけ書けます（始まりの「${parts[0]}」を書き、期間は出来事の文に書いてください）`);
    }
    throw new Error(`「${value}」は日付として読めません`);
  };
  const dateProblem = (value) => {
    try {
      parseText(value);
      return null;
    } catch (error) {
      return `${error.message} — ${DATE_HINT}`;
    }
  };

  // difflib.get_close_matches, as validate.py's candidates use it (short strings: no junk heuristic).
  const longestMatch = (a, b, alo, ahi, blo, bhi) => {
    let best = [alo, blo, 0];
    let lengths = new Map();
    for (let i = alo; i < ahi; i += 1) {
      const next = new Map();
      for (let j = blo; j < bhi; j += 1) {
        if (a[i] !== b[j]) continue;
        const k = (lengths.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > best[2]) best = [i - k + 1, j - k + 1, k];
      }
      lengths = next;
    }
    return best;
  };
  const ratio = (a, b) => {
    let matched = 0;
    const queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop();
      const [i, j, k] = longestMatch(a, b, alo, ahi, blo, bhi);
      if (!k) continue;
      matched += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    return a.length + b.length ? (2 * matched) / (a.length + b.length) : 1;
  };
  const closeMatches = (word, possibilities, n, cutoff) => possibilities
    .map((x) => [ratio([...x], [...word]), x])
    .filter(([score]) => score >= cutoff)
    .sort((p, q) => q[0] - p[0] || (q[1] > p[1] ? 1 : q[1] < p[1] ? -1 : 0))
    .slice(0, n)
    .map(([, x]) => x);

  // --- the vocabulary -----------------------------------------------------------------------------
  class Vocabulary {
    constructor(terms) {
      this.terms = terms;
      this.byKey = new Map();
      for (const term of terms) for (const key of term.keys) if (!this.byKey.has(key)) this.byKey.set(key, term);
    }

    find(text) {
      return this.byKey.get(normalizeKey(text)) || null;
    }

    // Taxonomy.keyword_suggestions: close spellings first, else labels that contain the text.
    suggestions(text, n = 3) {
      const key = normalizeKey(text);
      const labels = [];
      for (const k of closeMatches(key, [...this.byKey.keys()], n * 3, 0.5)) {
        const label = this.byKey.get(k).label;
        if (!labels.includes(label)) labels.push(label);
      }
      if (labels.length) return labels.slice(0, n);
      return this.terms
        .filter((t) => key && (key.includes(t.keys[0]) || t.keys[0].includes(key)))
        .map((t) => t.label).slice(0, n);
    }

    // Completion while typing (scaffold.keyword_matches): spellings or readings that contain the text.
    completions(text, n = 8) {
      const key = normalizeKey(text);
      if (!key) return [];
      return this.terms.filter((t) => [...t.keys, ...t.hints].some((k) => k.includes(key))).slice(0, n);
    }
  }

  // --- YAML --------------------------------------------------------------------------------------
  const q = (text) => JSON.stringify(text); // a JSON string is a YAML double-quoted scalar
  const flow = (items) => `[${items.map(q).join(", ")}]`;

  const initiativesOf = (text) => {
    const out = [];
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      const point = line.match(/^[・･\-－*]\s*(.+)$/);
      if (point && out.length) out[out.length - 1].points.push(point[1].trim());
      else out.push({ heading: point ? point[1].trim() : line, points: [] });
    }
    return out;
  };

  const today = () => {
    const d = new Date();
    return iso(d.getFullYear(), d.getMonth() + 1, d.getDate());
  };

  const yamlOf = (r) => {
    const lines = [
      "# yaml-language-server: $schema=../../schema/record.schema.json",
      "# 「事例を提案する」フォームで作った記録です。",
      "type: case",
      `title: ${q(r.title)}`,
      "organization:",
      `  name: ${q(r.name)}`,
      `  prefecture: ${q(r.prefecture)}`,
      `  code: ${q(r.code)}`,
      `  kind: ${q(r.kind)}`,
    ];
    if (r.population) {
      lines.push("  population:", `    value: ${r.population.value}`);
      if (r.population.approximate) lines.push("    approximate: true");
      if (r.population.asOf) lines.push(`    as_of: ${q(r.population.asOf)}`);
    }
    lines.push(`category: ${q(r.category)}`, `keywords: ${flow(r.keywords)}`, `summary: ${q(r.summary)}`);
    if (r.initiatives.length) {
      lines.push("initiatives:");
      for (const it of r.initiatives) lines.push(`  - heading: ${q(it.heading)}`, `    points: ${flow(it.points)}`);
    }
    if (r.outcomes) lines.push(`outcomes: ${q(r.outcomes)}`);
    const answers = Object.entries(r.interview).filter(([, v]) => v);
    if (answers.length) {
      lines.push("interview:");
      for (const [k, v] of answers) lines.push(`  ${k}: ${q(v)}`);
    }
    if (r.period) lines.push("timeline:", `  - date: ${q(r.period)}`, `    event: ${q(r.event)}`);
    lines.push(`challenges: ${flow(r.challenges)}`, "sources:");
    const s = r.source;
    const fields = s.document ? [["document", s.document]] : [["title", s.title], ["publisher", s.publisher]];
    if (!s.document && s.date) fields.push(["date", s.date]);
    if (!s.document && s.url) fields.push(["url", s.url]);
    if (s.page) fields.push(["page", s.page]);
    if (s.section) fields.push(["section", s.section]);
    fields.forEach(([k, v], i) => lines.push(`${i ? "    " : "  - "}${k}: ${typeof v === "number" ? v : q(v)}`));
    lines.push(`published: ${r.today}`, `updated: ${r.today}`, "");
    return lines.join("\n");
  };

  // --- the form ----------------------------------------------------------------------------------
  const TEXT_FIELDS = ["code", "name", "population", "population_as_of", "title", "summary", "initiatives",
    "outcomes", "period", "event", "source_title", "source_publisher", "source_date", "source_url", "page",
    "section", "effect", "difficulty", "hr_coordination", "future", "id"];
  const LABELS = {
    code: "団体コード", name: "団体名", kind: "団体区分", title: "タイトル", category: "カテゴリ", summary: "概要",
    source_title: "資料名", source_publisher: "発行者",
  };
  const INTERVIEW = ["effect", "difficulty", "hr_coordination", "future"];
  const DRAFT = `casebook:propose:${location.pathname}`;

  const FIELD_ORDER = [...root.querySelectorAll("[data-field]")].map((element) => element.dataset.field);

  const start = (data) => {
    const vocabularies = { keywords: new Vocabulary(data.keywords), challenges: new Vocabulary(data.challenges) };
    const picked = { keywords: [], challenges: [] };
    const taken = new Set(data.taken);
    const value = (name) => ($(name) ? $(name).value.trim() : "");
    const sourceKind = () => form.querySelector('input[name="source_kind"]:checked').value;
    const code = () => value("code").normalize("NFKC");

    const pickers = {};
    for (const element of root.querySelectorAll("[data-picker]")) {
      const name = element.dataset.picker;
      // Choosing, removing or entering an unknown term is being in the field (its input events stay inside).
      pickers[name] = makePicker(element, vocabularies[name], picked[name], () => {
        touched.add(name);
        refresh();
      });
    }

    // Each field's problem in check's words (`message — hint`), or null.
    const problems = () => {
      const out = {};
      const need = (name) => { if (!value(name)) out[name] = `必須項目「${LABELS[name]}」がありません — 入力してください`; };
      ["code", "name", "title", "summary"].forEach(need);
      if (value("code")) {
        const problem = codeProblem(code());
        if (problem) out.code = `${problem} — 総務省の全国地方公共団体コード表で確かめてください`;
        else if ((kindProblem(code(), $("kind").value))) out.kind = `${kindProblem(code(), $("kind").value)} — 団体区分か団体コードを確かめてください`;
        else if (value("name") && nameKindProblem(value("name"), $("kind").value)) {
          out.kind = `${nameKindProblem(value("name"), $("kind").value)} — 団体区分か団体名を確かめてください（町と村は団体コードでは区別できません）`;
        }
        else if ($("kind").value === "都道府県" && value("name") && value("name") !== prefectureOf(code())) {
          out.name = `都道府県の団体名「${value("name")}」が都道府県「${prefectureOf(code())}」と違います — 都道府県の記録では、団体名に都道府県名を書きます`;
        } else if ($("kind").value !== "都道府県" && value("name")) {
          // The same rule as validate/references.py: a municipality's name carries no prefecture.
          const named = data.prefectures.find((p) => value("name").startsWith(p));
          if (named && named === prefectureOf(code())) {
            out.name = `団体名「${value("name")}」に都道府県名が入っています — 都道府県名を除いて「${value("name").slice(named.length)}」と書いてください（都道府県は団体コードから自動で入ります）`;
          } else if (named) {
            out.name = `団体名「${value("name")}」が都道府県「${prefectureOf(code())}」（団体コード ${code()}）と合いません — 団体名には都道府県名を含めません。団体名・都道府県・団体コードを確かめてください`;
          }
        }
      }
      const limit = data.summaryMax;
      if (chars(value("summary")) > limit) out.summary = `${limit} 字を超えています（${chars(value("summary"))} 字） — ${limit} 字以内に要約してください`;
      for (const name of TEXT_FIELDS) if (!out[name] && value(name) && textProblem(value(name))) out[name] = textProblem(value(name));
      for (const name of ["population_as_of", "period"].concat(sourceKind() === "own" ? ["source_date"] : [])) {
        if (value(name) && !out[name]) out[name] = dateProblem(value(name)) || undefined;
      }
      if (value("population") && populationOf(value("population")) === null) {
        out.population = `整数を書いてください（「${value("population")}」） — 例: 8000（カンマや「約」「人」は付けても構いません）`;
      }
      if (value("page") && !/^[0-9]+$/.test(value("page").normalize("NFKC"))) {
        out.page = `整数を書いてください（「${value("page")}」） — ページ番号だけを書きます（例: 12。「p.」や「ページ」は付けません）`;
      } else if (value("page") && !/^[1-9][0-9]*$/.test(value("page").normalize("NFKC"))) {
        out.page = `ページ番号は 1 以上の整数で書いてください（「${value("page")}」）`;
      }
      if (sourceKind() === "own") {
        need("source_title");
        need("source_publisher");
        if (/^https?:\/\/\S/i.test(value("source_url")) && /\s/.test(value("source_url"))) {
          out.source_url = `URL に空白が入っています（「${value("source_url").slice(0, 80)}」） — 空白を %20 に置き換えるか、ブラウザのアドレス欄から URL をコピーし直してください`;
        } else if (value("source_url") && !URL_RULE.test(value("source_url"))) {
          out.source_url = `リンクは http:// か https:// で始まる URL だけが使えます（「${value("source_url").slice(0, 80)}」） — https:// で始まる URL にしてください`;
        }
      }
      if (!value("page") && !value("section") && !(sourceKind() === "own" && value("source_url"))) {
        out.page = out.page || "ページ（page）も節（section）もありません — 出典のページ番号か節の見出し（ウェブページなら url）を書いてください";
      }
      const ident = value("id");
      if (ident && (!ID_RULE.test(ident) || ident.length > 80 || ident === "index" || ident === "page")) {
        out.id = `ファイル名「${ident}.yaml」は ID に使えません — ファイル名を半角英小文字・数字・ハイフンだけにしてください（例: goka.yaml）`;
      } else if (ident && taken.has(ident)) {
        out.id = `ID「${ident}」はすでに使われています — 別のファイル名にしてください`;
      }
      for (const [name, picker] of Object.entries(pickers)) if (picker.problem) out[name] = picker.problem;
      // In the page's order: the list reads top to bottom, and a send button moves to the first one.
      return Object.fromEntries(FIELD_ORDER.filter((name) => out[name]).map((name) => [name, out[name]]));
    };

    const prefectureOf = (c) => data.prefectures[Number(c.slice(0, 2)) - 1];
    const populationOf = (text) => {
      const plain = text.normalize("NFKC").replace(/[,\s人]/g, "");
      const m = plain.match(/^(約)?([0-9]+)$/);
      return m ? { value: Number(m[2]), approximate: Boolean(m[1]) } : null;
    };
    const identOf = () => {
      if (value("id")) return value("id");
      const c = code();
      if (codeProblem(c)) return "";
      let ident = c;
      for (let n = 2; taken.has(ident); n += 1) ident = `${c}-${n}`;
      return ident;
    };
    const folderOf = () => ($("kind").value === "都道府県" ? "prefectural" : "municipal");

    const record = () => {
      const c = code();
      const population = value("population") ? populationOf(value("population")) : null;
      const own = sourceKind() === "own";
      return {
        title: value("title"), name: value("name"), prefecture: codeProblem(c) ? "" : prefectureOf(c), code: c,
        kind: $("kind").value, category: $("category").value, summary: value("summary"),
        population: population && { ...population, asOf: value("population_as_of") },
        keywords: picked.keywords.map((t) => t.value), challenges: picked.challenges.map((t) => t.value),
        initiatives: initiativesOf($("initiatives").value), outcomes: value("outcomes"),
        interview: Object.fromEntries(INTERVIEW.map((k) => [k, value(k)])),
        period: value("period"), event: value("event") || "取り組みを始めた",
        source: {
          document: own ? "" : $("document").value,
          title: value("source_title"), publisher: value("source_publisher"),
          date: value("source_date"), url: value("source_url"),
          page: value("page") ? Number(value("page").normalize("NFKC")) : 0, section: value("section"),
        },
        today: today(),
      };
    };

    const path = () => `${data.casesDir}/${folderOf()}/${identOf() || "（団体コード）"}.yaml`;

    // The forge's new-file editor with the file filled in; past a safe length, the name only.
    const forgeUrl = (yaml) => {
      const forge = data.forge;
      const dir = `${data.casesDir}/${folderOf()}`;
      const name = `${identOf()}.yaml`;
      const bare = `${forge.new}${dir}?filename=${encodeURIComponent(name)}`;
      if (!forge.prefill) return { url: bare, whole: false };
      const full = `${bare}&value=${encodeURIComponent(yaml)}`;
      return full.length <= data.safeUrlLength ? { url: full, whole: true } : { url: bare, whole: false };
    };

    // A field shows its problem once the contributor has been in it (typed, or left it empty) or has
    // pressed a send button; until then the list below counts it without marking fields not reached yet.
    // What was typed before this script and its vocabulary arrived (a slow link) differs from the page's
    // own value: it is the contributor's, visited, and a saved draft does not overwrite it.
    const edited = (el) => el.tagName === "SELECT"
      ? el.selectedIndex !== Math.max(0, [...el.options].findIndex((o) => o.defaultSelected))
      : el.value !== el.defaultValue;
    const touched = new Set([...root.querySelectorAll("[data-field] input[id], [data-field] textarea, [data-field] select")]
      .filter(edited).map((el) => el.closest("[data-field]").dataset.field));
    let tried = false;
    const fieldOf = (element) => element.closest("[data-field]")?.dataset.field;
    // The field's label as the contributor sees it, without （必須）: names the field in the list.
    const labelOf = (name) => {
      const label = root.querySelector(`[data-field="${name}"] label, [data-field="${name}"] legend`);
      return label ? label.textContent.replace(/（(必須|任意)）/g, "").trim() : name;
    };

    let current = { yaml: "", problems: {} };
    const refresh = () => {
      const c = code();
      $("prefecture").textContent = c && !codeProblem(c) ? prefectureOf(c) : "（団体コードから自動で入ります）";
      for (const box of root.querySelectorAll("[data-source]")) box.hidden = box.dataset.source !== sourceKind();
      const found = problems();
      for (const element of root.querySelectorAll("[data-field]")) {
        const name = element.dataset.field;
        show(name, tried || touched.has(name) ? found[name] : null);
      }
      const summary = $("summary-msg");
      if (!found.summary && value("summary")) summary.textContent = `${chars(value("summary"))} / ${data.summaryMax} 字`;
      const yaml = yamlOf(record());
      current = { yaml, problems: found };
      $("yaml").textContent = yaml;
      $("path").textContent = path();
      const count = Object.keys(found).length;
      $("status").textContent = count
        ? `あと ${count} か所、直すところがあります。`
        : "この記録は検査（casebook check）に通ります。下のボタンで送れます。";
      const list = $("problems");
      list.replaceChildren(...Object.entries(found).map(([name, message]) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = `#cb-p-${name}`;
        link.textContent = `${labelOf(name)}: ${message}`;
        item.append(link);
        return item;
      }));
      // Until the record is ready the button leads to the list of what to fix (its click says so).
      if (data.forge) $("forge").href = !count && identOf() ? forgeUrl(yaml).url : "#cb-p-problems";
      save();
    };

    const show = (name, message) => {
      const input = $(name);
      const box = $(`${name}-msg`);
      if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
      if (!box) return;
      box.className = `cb-msg${message ? " cb-msg--error" : ""}`;
      box.textContent = message || "";
    };

    // The kind follows the code (and the name: 町 or 村) until the contributor chooses one.
    let kindChosen = touched.has("kind");
    $("kind").addEventListener("change", () => { kindChosen = true; });
    const followCode = () => {
      const c = code();
      if (!kindChosen && /^[0-9]{6}$/.test(c) && !codeProblem(c)) $("kind").value = defaultKind(c, value("name"));
    };
    $("code").addEventListener("input", followCode);
    $("name").addEventListener("input", followCode);
    const visited = (event) => {
      const name = fieldOf(event.target);
      if (name) touched.add(name);
      refresh();
    };
    form.addEventListener("input", visited);
    form.addEventListener("change", visited);
    // Leaving a required field empty is a mistake worth showing then, not only once something is typed.
    form.addEventListener("focusout", (event) => {
      const name = fieldOf(event.target);
      if (name && !touched.has(name) && event.target.getAttribute("aria-required") === "true") visited(event);
    });
    form.addEventListener("submit", (event) => event.preventDefault());

    // --- sending ---
    const note = (text) => { $("note").textContent = text; };
    const blocked = () => {
      if (!Object.keys(current.problems).length && identOf()) return false;
      tried = true;
      refresh();
      note("まだ直すところがあります。上の一覧から、それぞれの欄に移れます。");
      const first = $("problems").querySelector("a");
      if (first) document.querySelector(first.getAttribute("href"))?.focus();
      return true;
    };
    const copy = async (text) => {
      if (navigator.clipboard && window.isSecureContext) {
        try {
          await navigator.clipboard.writeText(text);
          return true;
        } catch { /* fall back below */ }
      }
      // Intranet sites are often plain http, where the clipboard API is not available.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      return ok;
    };
    $("download").addEventListener("click", () => {
      if (blocked()) return;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([current.yaml], { type: "application/x-yaml" }));
      link.download = `${identOf()}.yaml`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      note(`${identOf()}.yaml をダウンロードしました。「送り方」に従って送ってください。`);
    });
    $("copy").addEventListener("click", async () => {
      if (blocked()) return;
      note(await copy(current.yaml) ? "記録の内容をコピーしました。" : "コピーできませんでした。上の記録を選んでコピーしてください。");
    });
    const forgeLink = $("forge");
    if (data.forge) {
      const host = new URL(data.forge.new).hostname;
      forgeLink.textContent = host === "github.com" ? "GitHub で提案する" : host.includes("gitlab") ? "GitLab で提案する" : "リポジトリで提案する";
      forgeLink.hidden = false;
    }
    forgeLink.addEventListener("click", async (event) => {
      if (blocked()) {
        event.preventDefault();
        return;
      }
      if (forgeUrl(current.yaml).whole) {
        note("開いた画面で「Commit changes…」→「Propose changes」を押すと、提案（プルリクエスト）ができます。");
        return;
      }
      const copied = await copy(current.yaml);
      note(copied
        ? `記録が長いので内容をコピーしました。開いた画面でファイル名「${identOf()}.yaml」を確かめ、本文に貼り付けて（Ctrl+V）から提案してください。`
        : `開いた画面でファイル名「${identOf()}.yaml」を入力し、上の記録をコピーして本文に貼り付けてください。`);
    });
    $("send").textContent = data.send;

    // --- the draft ---
    const save = () => {
      try {
        const fields = Object.fromEntries(TEXT_FIELDS.map((n) => [n, $(n).value]));
        for (const n of ["kind", "category", "document"]) fields[n] = $(n).value;
        fields.source_kind = sourceKind();
        const picks = Object.fromEntries(Object.entries(picked).map(([k, v]) => [k, v.map((t) => t.value)]));
        localStorage.setItem(DRAFT, JSON.stringify({ fields, picks, kindChosen }));
      } catch { /* private mode or storage full: the form still works, without a draft */ }
    };
    const restore = () => {
      let draft = null;
      try {
        draft = JSON.parse(localStorage.getItem(DRAFT) || "null");
      } catch { /* no usable draft */ }
      if (!draft) return;
      for (const [name, v] of Object.entries(draft.fields || {})) {
        if (name === "source_kind") form.querySelector(`input[name="source_kind"][value="${v === "known" ? "known" : "own"}"]`).checked = true;
        else if ($(name) && !touched.has(name)) $(name).value = v;
        if (v && $(name)) touched.add(fieldOf($(name)));
      }
      // A kind picked while the page loaded is the contributor's choice, though the draft's kind followed the code.
      kindChosen = Boolean(draft.kindChosen) || (touched.has("kind") && $("kind").value !== draft.fields?.kind);
      for (const [name, values] of Object.entries(draft.picks || {})) {
        if (pickers[name]) pickers[name].set(values);
      }
    };
    $("clear").addEventListener("click", () => {
      localStorage.removeItem(DRAFT);
      form.reset();
      kindChosen = false;
      touched.clear();
      tried = false;
      Object.values(pickers).forEach((p) => p.set([]));
      note("下書きを消しました。");
      refresh();
    });

    restore();
    followCode(); // a code typed while the form was loading sets the kind as typing it now would
    refresh();
  };

  // A term picker: type, choose from the completions or press Enter; unknown words get check's message.
  function makePicker(element, vocabulary, chosen, changed) {
    const input = element.querySelector("input");
    const add = element.querySelector(".cb-picker__add");
    const options = element.querySelector(".cb-picker__options");
    const list = element.querySelector(".cb-picked");
    const what = element.dataset.picker === "keywords" ? "キーワード" : "課題";
    const picker = { problem: null };
    const button = (text, label, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", onClick);
      const li = document.createElement("li");
      li.append(b);
      return li;
    };
    const draw = () => {
      list.replaceChildren(...chosen.map((t) => button(t.label, `「${t.label}」を外す`, () => {
        chosen.splice(chosen.indexOf(t), 1);
        draw();
        changed();
        input.focus();
      })));
    };
    const choose = (term) => {
      if (!chosen.includes(term)) chosen.push(term);
      input.value = "";
      options.hidden = true;
      picker.problem = null;
      draw();
      changed();
    };
    const offer = (terms) => {
      options.replaceChildren(...terms.map((t) => button(t.label, `「${t.label}」を追加`, () => {
        choose(t);
        input.focus();
      })));
      options.hidden = !terms.length;
    };
    const suggest = () => offer(vocabulary.completions(input.value).filter((t) => !chosen.includes(t)));
    const commit = () => {
      // Several terms at once, as in a document (「OJT、グループウェア」): each known one is chosen.
      const parts = input.value.split(/[、，,]/).map((part) => part.trim()).filter(Boolean);
      const unknown = parts.filter((part) => {
        const known = vocabulary.find(part);
        if (known) choose(known);
        return !known;
      });
      if (!unknown.length) return;
      input.value = unknown.join("、");
      const text = unknown[0];
      // Candidates already chosen are not offered again: the message says so, and the box is what is left.
      const candidates = vocabulary.suggestions(text).map((label) => vocabulary.terms.find((t) => t.label === label));
      const open = candidates.filter((t) => t && !chosen.includes(t));
      const taken = candidates.filter((t) => t && chosen.includes(t)).map((t) => `「${t.label}」`);
      const hint = open.length
        ? `候補: ${open.map((t) => t.label).join("、")}${taken.length ? `（${taken.join("")}はもう選んであります）` : ""}`
        : taken.length
          ? `候補の${taken.join("")}はもう選んであります（この入力は消してください）`
          : `登録済みの${what}から選んでください`;
      picker.problem = `未登録の${what}「${text}」 — ${hint}`;
      offer(open); // the candidates can be chosen right here, as the completions can
      changed();
    };
    input.addEventListener("input", (event) => {
      event.stopPropagation(); // typing in the picker does not change the record until a term is chosen
      picker.problem = null;
      suggest();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      commit();
    });
    add.addEventListener("click", commit);
    picker.set = (values) => {
      chosen.splice(0, chosen.length, ...values.map((v) => vocabulary.terms.find((t) => t.value === v)).filter(Boolean));
      draw();
    };
    return picker;
  }

  // Exposed for the tests, which compare these rules with the Python ones.
  window.casebookPropose = { codeProblem, kindProblem, nameKindProblem, dateProblem, closeMatches };

  fetch(new URL(root.dataset.form, location.href))
    .then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(start)
    .catch(() => {
      $("status").textContent = "フォームの準備に失敗しました。ページを読み込み直してください。";
    });
})();
