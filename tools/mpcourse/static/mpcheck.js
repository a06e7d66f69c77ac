/* The course website's checks, without a kernel.
 *
 * Each check on a page is the HTML that mpcourse.sitechecks generates from a
 * quiz file (data/quizzes/*.toml), with the question itself as JSON beside it.
 * The texts (verdicts, warnings) come from middlepowers.checks through
 * window.MP_TEXTS (mpcheck-texts.js, written at build time), and the numeric-input rule
 * (middlepowers.numeric) through window.MP_NUMERIC in the same file. The rules below
 * follow middlepowers.checks.check_single / check_multiple / check_classify /
 * parse_number / check_numeric line by line; tests/site/test_parity.py feeds
 * the same answers to both and fails when a verdict or a feedback text differs; checks.reveal
 * (the explanation after explain_after attempts) is followed too, with the attempts kept here.
 *
 * Progress: localStorage["mp-progress:<lesson>"] = {qid: {answer, attempts, correct, notebook, history}}:
 * the last answer, the number of attempts, the page's verdict, the quiz's notebook id and the first
 * HISTORY answers in order (entries saved before the history was kept have none).
 *
 * "Download my answers" writes every answer this browser keeps, on every page, as a progress file
 * (docs/site-answers.md): the format of middlepowers.progress, one attempt a line, with
 * "source": "website" and this browser's random id. The class report reads it and grades every
 * answer again; the verdict saved here is never trusted.
 */
(function () {
  "use strict";
  var T = window.MP_TEXTS, N = window.MP_NUMERIC;

  function Result(correct, message, details, hint, explanation, counts) {
    return { correct: correct, message: message, details: details || [], hint: hint || "",
             explanation: explanation || "", counts: counts !== false };
  }
  function lines(r) {
    var out = [r.message].concat(r.details.map(function (d) { return "  " + d; }));
    if (r.hint) out.push("Hint: " + r.hint);
    if (r.explanation) out.push("Why: " + r.explanation);
    return out;
  }
  // Python's repr() of a str: the quote it picks and its escapes.
  function pyRepr(s) {
    var q = (s.indexOf("'") >= 0 && s.indexOf('"') < 0) ? '"' : "'";
    var body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
    if (q === "'") body = body.replace(/'/g, "\\'");
    return q + body + q;
  }
  function noneChosen(what) {
    return Result(null, T.WARN + " Nothing " + what + " yet: make a choice, then press Check.", [], "", "", false);
  }
  function fmt(q, key) { return q[key] || ""; }

  function checkSingle(q, answer) {
    if (answer === null || answer === undefined || answer === "") return noneChosen("selected");
    var options = {};
    q.options.forEach(function (o) { options[String(o.key)] = o; });
    if (!(String(answer) in options)) return Result(null, T.WARN + " " + pyRepr(String(answer)) + " is not one of the options.", [], "", "", false);
    if (String(answer) === String(q.answer)) return Result(true, T.CORRECT, [], "", fmt(q, "explanation"));
    var feedback = options[String(answer)].feedback || "";
    return Result(false, T.NOT_YET, feedback ? [feedback] : [], fmt(q, "hint"));
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function checkMultiple(q, answers) {
    var chosen = {}, nChosen = 0;
    (answers || []).forEach(function (a) { if (!(String(a) in chosen)) { chosen[String(a)] = 1; nChosen++; } });
    if (!nChosen) return noneChosen("ticked");
    var keys = q.options.map(function (o) { return String(o.key); });
    var unknown = Object.keys(chosen).filter(function (k) { return keys.indexOf(k) < 0; }).sort();
    if (unknown.length) return Result(null, T.WARN + " " + pyRepr(unknown[0]) + " is not one of the options.", [], "", "", false);
    var right = {};
    q.answers.forEach(function (a) { right[String(a)] = 1; });
    var wrong = keys.filter(function (k) { return k in chosen && !(k in right); });
    var missing = Object.keys(right).filter(function (k) { return !(k in chosen); });
    var kept = keys.filter(function (k) { return k in chosen && k in right; }).length;
    if (!wrong.length && !missing.length) return Result(true, T.CORRECT, [], "", fmt(q, "explanation"));
    var details = q.options.filter(function (o) { return wrong.indexOf(String(o.key)) >= 0 && o.feedback; })
      .map(function (o) { return o.feedback; });
    var todo = [];
    if (wrong.length) todo.push("untick the " + plural(wrong.length, "option") + " the feedback below is about");
    if (missing.length) todo.push("tick " + plural(missing.length, "more right option"));
    var head = kept
      ? T.PARTLY + ": " + kept + " of your " + nChosen + " ticks " + (kept === 1 ? "is" : "are") + " right. Keep " +
        (kept === 1 ? "it" : "them") + ", " + todo.join(" and ") + ", " + T.CHECK_AGAIN + "."
      : T.NOT_YET + ": none of your ticks is right. Read the feedback, " + todo.join(" and ") + ", " + T.CHECK_AGAIN + ".";
    return Result(false, head, details, fmt(q, "hint"));
  }

  // The feedback for putting an item into a wrong category: one text, or one per category.
  function itemFeedback(item, category) {
    var fb = item.feedback || "";
    return (typeof fb === "object") ? (fb[category] || "") : fb;
  }

  function checkClassify(q, mapping) {
    mapping = mapping || {};
    var cats = {};
    q.categories.forEach(function (c) { cats[String(c.key)] = c.label; });
    var given = {};
    q.items.forEach(function (i) { var v = mapping[String(i.key)]; given[String(i.key)] = (v === undefined ? null : v); });
    var empty = function (v) { return v === null || v === ""; };
    if (q.items.every(function (i) { return empty(given[String(i.key)]); })) return noneChosen("assigned");
    var bad = q.items.map(function (i) { return given[String(i.key)]; })
      .filter(function (v) { return !empty(v) && !(String(v) in cats); });
    if (bad.length) return Result(null, T.WARN + " " + pyRepr(String(bad[0])) + " is not one of the categories.", [], "", "", false);
    var missing = q.items.filter(function (i) { return empty(given[String(i.key)]); }).map(function (i) { return String(i.key); });
    var wrong = q.items.filter(function (i) { var v = given[String(i.key)]; return !empty(v) && String(v) !== String(i.answer); });
    var right = q.items.length - missing.length - wrong.length;
    if (!missing.length && !wrong.length) return Result(true, T.CORRECT, [], "", fmt(q, "explanation"));
    var details = [];
    if (missing.length) details.push("Not assigned yet: " + missing.join(", ") + ".");
    wrong.forEach(function (i) {
      var chosen = String(given[String(i.key)]);
      var fb = itemFeedback(i, chosen);
      details.push(i.key + ": not '" + cats[chosen] + "'." + (fb ? " " + fb : ""));
    });
    var todo = [wrong.length ? "change the " + plural(wrong.length, "item") + " named below" : "",
                missing.length ? "assign the " + plural(missing.length, "item") + " left open" : ""]
      .filter(function (part) { return part; }).join(" and ");
    var head = right ? T.PARTLY + ": " + right + " of " + q.items.length + " items are in the right category." : T.NOT_YET + ":";
    return Result(false, head + " " + todo.charAt(0).toUpperCase() + todo.slice(1) + ", " + T.CHECK_AGAIN + ".", details, fmt(q, "hint"));
  }

  // The one numeric-input rule (middlepowers.numeric, whose docstring states it), step by step,
  // with its tables from window.MP_NUMERIC (written from middlepowers.numeric.rule_data at build time).
  var DIGITS = {};
  N.digitZeros.forEach(function (zero) { for (var n = 0; n < 10; n++) DIGITS[String.fromCodePoint(zero + n)] = String(n); });
  // The grammar's patterns are numeric.py's own (ASCII, the same syntax in both languages).
  function whole(pattern, flags) { return new RegExp("^(?:" + pattern + ")$", flags); }
  var GRAMMAR = {};
  Object.keys(N.grammar).forEach(function (lang) { GRAMMAR[lang] = N.grammar[lang].map(function (p) { return whole(p); }); });
  var SPECIAL = whole(N.special, "i");
  function isTrimmed(ch) { return N.trim.indexOf(ch) >= 0; }
  // numeric.shown: Python's repr of the first 40 characters, with every invisible character escaped.
  function shown(text, limit) {
    var chars = Array.from(text).slice(0, limit || 40);
    var quote = (chars.indexOf("'") >= 0 && chars.indexOf('"') < 0) ? '"' : "'";
    return quote + chars.map(function (ch) {
      var cp = ch.codePointAt(0);
      if (ch === "\\" || ch === quote) return "\\" + ch;
      if (ch === "\n") return "\\n";
      if (ch === "\r") return "\\r";
      if (ch === "\t") return "\\t";
      if (ch === " ") return ch;
      if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || isTrimmed(ch) || (cp >= 0xd800 && cp < 0xe000)) {
        var hex = cp.toString(16);
        return cp < 0x100 ? "\\x" + ("0" + hex).slice(-2) : "\\u" + ("000" + hex).slice(-4);
      }
      return ch;
    }).join("") + quote;
  }
  function canonical(s, lang) {
    var mapped = Array.from(s).map(function (ch) {
      if (Object.prototype.hasOwnProperty.call(DIGITS, ch)) return DIGITS[ch];
      if (ch === N.minus) return "-";
      return (lang === "fr" && N.frenchGroup.indexOf(ch) >= 0) ? " " : ch;
    }).join("");
    var g = GRAMMAR[lang];
    if (g[0].test(mapped)) return mapped.split(lang === "en" ? "," : " ").join("").replace(/,/g, ".");
    if (g[1].test(mapped)) return mapped.replace(/_/g, "").replace(/,/g, ".");
    return null;
  }
  function parseNumber(text, lang) {
    lang = lang || "en";
    var chars = Array.from(String(text === null || text === undefined ? "" : text)), a = 0, b = chars.length;
    while (a < b && isTrimmed(chars[a])) a++;
    while (b > a && isTrimmed(chars[b - 1])) b--;
    var s = chars.slice(a, b).join("");
    if (!s) return [null, N.messages.empty];
    var number = canonical(s, lang), value;
    if (number !== null) value = Number(number);
    else if (SPECIAL.test(s.replace(/\u2212/g, "-"))) value = /nan/i.test(s) ? NaN : Infinity;
    else return [null, N.messages.notANumber.replace("{shown}", shown(s))];
    if (isNaN(value)) return [null, N.messages.nan];
    if (!isFinite(value)) return [null, N.messages.tooLarge];
    return [value, ""];
  }

  function checkNumeric(q, text) {
    var parsed = parseNumber(text), value = parsed[0];
    if (value === null) return Result(null, T.WARN + " " + parsed[1], [], "", "", false);
    if (Math.abs(value - q.answer) <= (q.tolerance || 0) + 1e-12) return Result(true, T.CORRECT, [], "", fmt(q, "explanation"));
    var details = (q.mistakes || []).filter(function (m) { return Math.abs(value - m.value) <= (m.tolerance || 0) + 1e-12; })
      .map(function (m) { return m.feedback; });
    return Result(false, T.NOT_YET, details, fmt(q, "hint"));
  }

  // checks.reveal: after explain_after attempts, a wrong answer shows the explanation too.
  function reveal(q, r, attempts) {
    if (r.correct === false && q.explain_after && attempts >= q.explain_after && q.explanation && !r.explanation) {
      r.details.push("You have tried " + attempts + " times, so the reasoning is shown below (Why:). Read it, then try again.");
      r.explanation = q.explanation;
    }
    return r;
  }

  var CHECKERS = { single: checkSingle, multiple: checkMultiple, classify: checkClassify, numeric: checkNumeric };
  function check(q, answer) {
    try { return CHECKERS[q.type](q, answer); }
    catch (e) { return Result(null, T.WARN + " That answer could not be checked (" + e.name + ").", [], "", "", false); }
  }

  // ------------------------------------------------------------------ the page
  var PREFIX = "mp-progress:";
  // answers kept per check, in order (the progress file's own cap for an oversized file: 50 a question)
  var HISTORY = 50;
  function storeKey(lesson) { return PREFIX + lesson; }
  // Local storage is the reader's to change: anything but {qid: {answer, attempts, correct}} counts as nothing saved.
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function load(lesson) {
    var data;
    try { data = JSON.parse(window.localStorage.getItem(storeKey(lesson)) || "{}"); } catch (e) { return {}; }
    return isObject(data) ? data : {};
  }
  function entryOf(data, qid) {
    var entry = Object.prototype.hasOwnProperty.call(data, qid) ? data[qid] : null;
    if (!isObject(entry) || typeof entry.attempts !== "number" || !(entry.attempts >= 1) || !isFinite(entry.attempts)) return null;
    return entry;
  }
  function save(lesson, data) {
    try { window.localStorage.setItem(storeKey(lesson), JSON.stringify(data)); } catch (e) { /* private mode: no saving */ }
  }

  function readAnswer(box, q) {
    if (q.type === "single") {
      var on = box.querySelector("input[type=radio]:checked");
      return on ? on.value : null;
    }
    if (q.type === "multiple") {
      return Array.prototype.map.call(box.querySelectorAll("input[type=checkbox]:checked"), function (c) { return c.value; });
    }
    if (q.type === "classify") {
      var out = {};
      Array.prototype.forEach.call(box.querySelectorAll("select[data-item]"), function (s) { out[s.dataset.item] = s.value; });
      return out;
    }
    return box.querySelector("input[type=text]").value;
  }
  // Sets the controls to a saved answer; one of the wrong shape (a tampered store) leaves them empty.
  function writeAnswer(box, q, answer) {
    if (q.type === "multiple") answer = Array.isArray(answer) ? answer.map(String) : [];
    else if (q.type === "classify") answer = isObject(answer) ? answer : {};
    else answer = (typeof answer === "string" || typeof answer === "number") ? String(answer) : "";
    if (q.type === "single") {
      Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (r) { r.checked = r.value === answer; });
    } else if (q.type === "multiple") {
      Array.prototype.forEach.call(box.querySelectorAll("input[type=checkbox]"), function (c) { c.checked = (answer || []).indexOf(c.value) >= 0; });
    } else if (q.type === "classify") {
      Array.prototype.forEach.call(box.querySelectorAll("select[data-item]"), function (s) {
        var v = Object.prototype.hasOwnProperty.call(answer, s.dataset.item) ? answer[s.dataset.item] : "";
        s.value = (typeof v === "string") ? v : "";
        if (s.value !== v) s.value = "";  // not one of its options
      });
    } else {
      box.querySelector("input[type=text]").value = answer;
    }
  }
  function show(box, result) {
    var out = box.querySelector(".mp-feedback");
    out.textContent = "";
    lines(result).forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line;
      out.appendChild(div);
    });
    box.dataset.verdict = result.correct === true ? "correct" : result.correct === false ? "wrong" : "none";
  }

  function summarise(lesson) {
    var data = load(lesson);
    var boxes = document.querySelectorAll(".mp-check[data-lesson='" + lesson + "']");
    var answered = 0, correct = 0;
    Array.prototype.forEach.call(boxes, function (b) {
      var s = entryOf(data, b.dataset.qid);
      if (s) { answered++; if (s.correct === true) correct++; }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".mp-summary[data-lesson='" + lesson + "'] .mp-summary-text"), function (el) {
      el.textContent = "On this page: " + answered + " of " + boxes.length + " checks answered, " + correct +
        " correct, " + (answered - correct) + " to revisit. Your answers are kept in this browser only.";
    });
  }

  function setUp(box) {
    var q = JSON.parse(box.querySelector("script.mp-data").textContent);
    var lesson = box.dataset.lesson;
    var notebook = box.dataset.notebook || notebookOf(lesson);
    box.mpQuestion = q;
    var saved = entryOf(load(lesson), q.id);
    if (saved) {
      try {  // the verdict of what the controls now show, so a strange saved answer cannot stop the page
        writeAnswer(box, q, saved.answer);
        show(box, reveal(q, check(q, readAnswer(box, q)), saved.attempts));
      } catch (e) { /* nothing restored */ }
    }
    box.querySelector("button.mp-check-button").addEventListener("click", function () {
      var answer = readAnswer(box, q);
      var result = check(q, answer);
      if (result.counts) {
        var data = load(lesson);
        var entry = entryOf(data, q.id) || { attempts: 0, history: [] };
        if (!Array.isArray(entry.history) || entry.history.length > entry.attempts) entry.history = [];
        entry.attempts += 1;
        entry.answer = answer;
        entry.correct = result.correct === true;
        entry.notebook = notebook;
        // the history starts where it starts: only if it holds every earlier attempt is this one added
        if (entry.history.length === entry.attempts - 1 && entry.history.length < HISTORY) entry.history.push(answer);
        data[q.id] = entry;
        save(lesson, data);
        result = reveal(q, result, entry.attempts);
      }
      show(box, result);
      summarise(lesson);
    });
    box.dataset.ready = "1";
  }

  // ------------------------------------------------------------------ Download my answers
  // The quiz's notebook id of a page saved without one: "notebooks/03-diversification" -> "03-diversification".
  function notebookOf(lesson) { return String(lesson).split("/").pop(); }
  var NOTEBOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
  function browserId() {
    var id = null;
    try { id = window.localStorage.getItem("mp-browser"); } catch (e) { /* no storage */ }
    if (!id || !/^[0-9a-f]{16}$/.test(id)) {
      var bytes = new Uint8Array(8);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { window.localStorage.setItem("mp-browser", id); } catch (e) { /* private mode: a new id each time */ }
    }
    return id;
  }
  function record(notebook, qid, attempt, answer, correct) {  // the store's keys, in its (sorted) order
    // correct: the page's verdict for the last attempt, null for earlier ones (not kept); never trusted
    return JSON.stringify({ answer: answer === undefined ? null : answer, attempt: attempt,
                            correct: correct === true ? true : correct === false ? false : null,
                            notebook: notebook, question: qid });
  }
  // Every answer kept in this browser, as the text of a progress file (docs/site-answers.md).
  function exportText() {
    var lessons = [], rows = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) lessons.push(key.slice(PREFIX.length));
      }
    } catch (e) { /* no storage: nothing kept */ }
    lessons.sort().forEach(function (lesson) {
      var data = load(lesson);
      Object.keys(data).sort().forEach(function (qid) {
        var entry = entryOf(data, qid);
        if (!entry) return;
        var notebook = (typeof entry.notebook === "string" && NOTEBOOK_ID.test(entry.notebook)) ? entry.notebook : notebookOf(lesson);
        var history = Array.isArray(entry.history) && entry.history.length <= entry.attempts ? entry.history : [];
        var n = Math.floor(entry.attempts);
        history.forEach(function (answer, k) {
          rows.push([notebook, qid, k + 1, record(notebook, qid, k + 1, answer, k === n - 1 ? entry.correct : null)]);
        });
        if (history.length < n) rows.push([notebook, qid, n, record(notebook, qid, n, entry.answer, entry.correct)]);
      });
    });
    rows.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]; });
    return '{"format": "middlepowers-progress", "version": 1, "source": "website", "browser": "' + browserId() +
      '", "attempts": [\n' + rows.map(function (r) { return r[3]; }).join(",\n") + "\n]}\n";
  }
  var EXPORT_NAME = "middlepowers-site-answers.json";
  function download(summaryBox) {
    var text = exportText(), status = summaryBox.querySelector(".mp-summary-text");
    var n = (text.match(/\n\{/g) || []).length;
    if (!n) { status.textContent = "Nothing answered in this browser yet: there is nothing to download."; return; }
    var url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = EXPORT_NAME;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    status.textContent = "Downloaded " + EXPORT_NAME + ": " + n + " attempt" + (n === 1 ? "" : "s") +
      " from every page of this site in this browser. Give the file to your instructor.";
  }

  function reset(lesson) {
    try { window.localStorage.removeItem(storeKey(lesson)); } catch (e) { /* nothing saved */ }
    each(".mp-check[data-lesson='" + lesson + "']", function (box) {
      if (box.mpQuestion) writeAnswer(box, box.mpQuestion, null);
      box.querySelector(".mp-feedback").textContent = "";
      delete box.dataset.verdict;
    });
    summarise(lesson);
  }

  // One check that cannot be set up must not stop the others, the summaries or the reset buttons.
  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (el) {
      try { fn(el); } catch (e) { if (window.console) console.warn("mpcheck: " + selector + ": " + e); }
    });
  }
  function start() {
    each(".mp-check", setUp);
    each(".mp-summary", function (s) {
      s.querySelector("button.mp-reset").addEventListener("click", function () { reset(s.dataset.lesson); });
      var exporter = s.querySelector("button.mp-export");
      if (exporter) exporter.addEventListener("click", function () { download(s); });
      summarise(s.dataset.lesson);
    });
    each(".mp-states select", function (sel) {
      sel.addEventListener("change", function () {
        var root = sel.closest(".mp-states");
        Array.prototype.forEach.call(root.querySelectorAll(".mp-state"), function (st) { st.hidden = st.dataset.state !== sel.value; });
      });
    });
    document.documentElement.dataset.mpReady = "1";
    window.mpReadyAt = performance.now();  // when every check on the page answers a click (make bench)
  }

  window.mpcheck = { check: check, reveal: reveal, lines: lines, parseNumber: parseNumber, shown: shown, pyRepr: pyRepr,
                     exportText: exportText };
  // Start as soon as the page is parsed ("interactive"), before the theme's deferred scripts
  // (its icon font script alone is 1.5 MB) run and DOMContentLoaded fires.
  function whenParsed() {
    if (document.readyState === "loading") return;
    document.removeEventListener("readystatechange", whenParsed);
    start();
  }
  if (document.readyState === "loading") document.addEventListener("readystatechange", whenParsed);
  else start();
})();
