/* The course website's checks, without a kernel.
 *
 * Each check on a page is the HTML that mpcourse.sitechecks generates from a
 * quiz file (data/quizzes/*.toml), with the question itself as JSON beside it.
 * The texts (verdicts, warnings) come from middlepowers.checks through
 * window.MP_TEXTS (mpcheck-texts.js, written at build time). The rules below
 * follow middlepowers.checks.check_single / check_multiple / check_classify /
 * parse_number / check_numeric line by line; tests/site/test_parity.py feeds
 * the same answers to both and fails when a verdict or a feedback text differs; checks.reveal
 * (the explanation after explain_after attempts) is followed too, with the attempts kept here.
 *
 * Progress: localStorage["mp-progress:<lesson>"] = {qid: {answer, attempts, correct}}.
 */
(function () {
  "use strict";
  var T = window.MP_TEXTS;

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

  // Python's float() on a stripped string: digits with single underscores, a point, an exponent; inf / nan.
  var PY_FLOAT = /^[+-]?((\d(_?\d)*)(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$/;
  var PY_SPECIAL = /^[+-]?(inf|infinity|nan)$/i;
  function parseNumber(text) {
    var s = String(text === null || text === undefined ? "" : text).trim().replace(/\u2212/g, "-");
    if (!s) return [null, "The box is empty: type a number, then press Check."];
    if (/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) s = s.replace(/,/g, "");
    var value;
    if (PY_FLOAT.test(s)) value = parseFloat(s.replace(/_/g, ""));
    else if (PY_SPECIAL.test(s)) value = /nan/i.test(s) ? NaN : (s.charAt(0) === "-" ? -Infinity : Infinity);
    else return [null, pyRepr(Array.from(s).slice(0, 40).join("")) + " is not a number: type digits only, e.g. 27 (no words or units)."];
    if (isNaN(value)) return [null, "'nan' is not a number we can check: type an ordinary number."];
    if (!isFinite(value)) return [null, "That number is too large (or infinite) to check: type an ordinary number."];
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
  function storeKey(lesson) { return "mp-progress:" + lesson; }
  function load(lesson) {
    try { return JSON.parse(window.localStorage.getItem(storeKey(lesson)) || "{}") || {}; } catch (e) { return {}; }
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
  function writeAnswer(box, q, answer) {
    if (q.type === "single") {
      Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (r) { r.checked = r.value === answer; });
    } else if (q.type === "multiple") {
      Array.prototype.forEach.call(box.querySelectorAll("input[type=checkbox]"), function (c) { c.checked = (answer || []).indexOf(c.value) >= 0; });
    } else if (q.type === "classify") {
      Array.prototype.forEach.call(box.querySelectorAll("select[data-item]"), function (s) { s.value = (answer || {})[s.dataset.item] || ""; });
    } else {
      box.querySelector("input[type=text]").value = answer || "";
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
      var s = data[b.dataset.qid];
      if (s && s.attempts) { answered++; if (s.correct) correct++; }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".mp-summary[data-lesson='" + lesson + "'] .mp-summary-text"), function (el) {
      el.textContent = "On this page: " + answered + " of " + boxes.length + " checks answered, " + correct +
        " correct, " + (answered - correct) + " to revisit. Your answers are kept in this browser only.";
    });
  }

  function setUp(box) {
    var q = JSON.parse(box.querySelector("script.mp-data").textContent);
    var lesson = box.dataset.lesson;
    box.mpQuestion = q;
    var saved = load(lesson)[q.id];
    if (saved && saved.attempts) {
      writeAnswer(box, q, saved.answer);
      show(box, reveal(q, check(q, saved.answer), saved.attempts));
    }
    box.querySelector("button.mp-check-button").addEventListener("click", function () {
      var answer = readAnswer(box, q);
      var result = check(q, answer);
      if (result.counts) {
        var data = load(lesson);
        var entry = data[q.id] || { attempts: 0 };
        entry.attempts += 1;
        entry.answer = answer;
        entry.correct = result.correct === true;
        data[q.id] = entry;
        save(lesson, data);
        result = reveal(q, result, entry.attempts);
      }
      show(box, result);
      summarise(lesson);
    });
    box.dataset.ready = "1";
  }

  function reset(lesson) {
    try { window.localStorage.removeItem(storeKey(lesson)); } catch (e) { /* nothing saved */ }
    Array.prototype.forEach.call(document.querySelectorAll(".mp-check[data-lesson='" + lesson + "']"), function (box) {
      writeAnswer(box, box.mpQuestion, box.mpQuestion.type === "multiple" ? [] : (box.mpQuestion.type === "classify" ? {} : ""));
      box.querySelector(".mp-feedback").textContent = "";
      delete box.dataset.verdict;
    });
    summarise(lesson);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".mp-check"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll(".mp-summary"), function (s) {
      s.querySelector("button.mp-reset").addEventListener("click", function () { reset(s.dataset.lesson); });
      summarise(s.dataset.lesson);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".mp-states select"), function (sel) {
      sel.addEventListener("change", function () {
        var root = sel.closest(".mp-states");
        Array.prototype.forEach.call(root.querySelectorAll(".mp-state"), function (st) { st.hidden = st.dataset.state !== sel.value; });
      });
    });
    document.documentElement.dataset.mpReady = "1";
    window.mpReadyAt = performance.now();  // when every check on the page answers a click (make bench)
  }

  window.mpcheck = { check: check, reveal: reveal, lines: lines, parseNumber: parseNumber, pyRepr: pyRepr };
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
