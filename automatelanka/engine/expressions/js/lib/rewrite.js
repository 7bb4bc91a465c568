/* AutomateLanka: n8n's expression-extension rewrite, on source text.
 *
 * n8n parses every expression that calls an extension name and turns
 *   recv.fn(args)     into  extend(recv, "fn", [args])
 *   recv?.fn(args)    into  recv == null ? undefined : extend(recv, "fn", [args])
 *   recv.fn?.(args)   into  extendOptional(recv, "fn")?.(args)
 * where recv is the member/call chain before `.fn`. Extensions live nowhere else
 * (no prototype has them), so `"x".toTitleCase` alone stays undefined, as in n8n.
 *
 * A small tokenizer (strings, template literals, regex literals, comments,
 * brackets) finds the calls; one call is rewritten per pass until none is left.
 *   __al_rewriteExtensions(code) -> code
 */
(function (g) {
  "use strict";
  // Every extension name of n8n 1.123 (extensions.js defines them; a test checks the two agree).
  var NAME_LIST = [
    "abs", "append", "average", "base64Decode", "base64Encode", "beginningOf", "ceil", "chunk", "compact",
    "diffTo", "diffToNow", "difference", "endOfMonth", "extract", "extractDomain", "extractEmail",
    "extractUrl", "extractUrlPath", "first", "floor", "format", "hasField", "hash", "intersection",
    "isBetween", "isDomain", "isDst", "isEmail", "isEmpty", "isEven", "isInLast", "isInteger", "isNotEmpty",
    "isNumeric", "isOdd", "isUrl", "isWeekend", "keepFieldsContaining", "keys", "last", "length", "max",
    "merge", "min", "minus", "parseJson", "pluck", "plus", "quote", "randomItem", "removeDuplicates",
    "removeField", "removeFieldsContaining", "removeMarkdown", "removeTags", "renameKeys",
    "replaceSpecialChars", "round", "smartJoin", "sum", "toBoolean", "toDate", "toDateTime",
    "toDecimalNumber", "toFloat", "toInt", "toJsonString", "toNumber", "toSentenceCase", "toSnakeCase",
    "toTitleCase", "toWholeNumber", "union", "unique", "urlDecode", "urlEncode", "values"
  ];
  var NAMES = new Set(NAME_LIST);
  var GATE = new RegExp("\\.(" + NAME_LIST.join("|") + ")\\s*(\\?\\.)?\\s*\\(");
  // Words after which `(`/`[` starts a new expression rather than a call or index.
  var KEYWORDS = new Set(["typeof", "void", "delete", "in", "instanceof", "return", "new", "await", "yield",
    "case", "else", "do", "of", "throw", "extends"]);
  var ID_START = /[A-Za-z_$\u0080-\uffff\\]/;
  var ID_PART = /[A-Za-z0-9_$\u0080-\uffff\\]/;
  var NUMBER = /(?:0[xXoObB][\da-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?/y;
  var SPACE = /\s/;

  function SyntaxFail() {}

  // Token: {t: type, v: text for ids/punctuation, s: start, e: end}. Types: id, num,
  // str, re, tpl (template without substitutions), th / tm / tt (template head,
  // middle, tail around `${ }`), p (punctuation).
  function tokenize(src) {
    var toks = [];
    var stack = [];
    var i = 0;
    var n = src.length;
    var push = function (t, s, e, v) { toks.push({ t: t, s: s, e: e, v: v }); };
    function regexAllowed() {
      var t = toks.length ? toks[toks.length - 1] : null;
      if (!t) return true;
      if (t.t === "id") return KEYWORDS.has(t.v);
      if (t.t === "p") return t.v !== ")" && t.v !== "]" && t.v !== "}";
      return t.t === "th" || t.t === "tm";
    }
    function templatePart(j) { // j: just after ` or }; returns [end, closed]
      while (j < n) {
        var c = src[j];
        if (c === "\\") { j += 2; continue; }
        if (c === "`") return [j + 1, true];
        if (c === "$" && src[j + 1] === "{") return [j + 2, false];
        j++;
      }
      throw new SyntaxFail();
    }
    while (i < n) {
      var c = src[i];
      var s = i;
      if (SPACE.test(c)) { i++; continue; }
      if (c === "/" && src[i + 1] === "/") {
        while (i < n && src[i] !== "\n" && src[i] !== "\r") i++;
        continue;
      }
      if (c === "/" && src[i + 1] === "*") {
        var close = src.indexOf("*/", i + 2);
        if (close < 0) throw new SyntaxFail();
        i = close + 2;
        continue;
      }
      if (c === '"' || c === "'") {
        i++;
        while (i < n && src[i] !== c) {
          if (src[i] === "\n") throw new SyntaxFail();
          i += src[i] === "\\" ? 2 : 1;
        }
        if (i >= n) throw new SyntaxFail();
        i++;
        push("str", s, i);
        continue;
      }
      if (c === "`" || (c === "}" && stack.length && stack[stack.length - 1] === "${")) {
        if (c === "}") stack.pop();
        var part = templatePart(i + 1);
        i = part[0];
        if (!part[1]) stack.push("${");
        push(c === "`" ? (part[1] ? "tpl" : "th") : (part[1] ? "tt" : "tm"), s, i);
        continue;
      }
      if (ID_START.test(c)) {
        i++;
        while (i < n && ID_PART.test(src[i])) i++;
        push("id", s, i, src.slice(s, i));
        continue;
      }
      if ((c >= "0" && c <= "9") || (c === "." && src[i + 1] >= "0" && src[i + 1] <= "9")) {
        NUMBER.lastIndex = i;
        var m = NUMBER.exec(src);
        i = m ? NUMBER.lastIndex : i + 1;
        push("num", s, i);
        continue;
      }
      if (c === "/" && regexAllowed()) {
        var inClass = false;
        i++;
        while (i < n && (inClass || src[i] !== "/")) {
          if (src[i] === "\n") throw new SyntaxFail();
          if (src[i] === "\\") { i += 2; continue; }
          if (src[i] === "[") inClass = true;
          else if (src[i] === "]") inClass = false;
          i++;
        }
        if (i >= n) throw new SyntaxFail();
        i++;
        while (i < n && ID_PART.test(src[i])) i++;
        push("re", s, i);
        continue;
      }
      if (c === "?" && src[i + 1] === "." && !(src[i + 2] >= "0" && src[i + 2] <= "9")) {
        i += 2;
        push("p", s, i, "?.");
        continue;
      }
      if (c === "." && src[i + 1] === "." && src[i + 2] === ".") {
        i += 3;
        push("p", s, i, "...");
        continue;
      }
      if (c === "(" || c === "[" || c === "{") stack.push(c);
      else if (c === ")" || c === "]" || c === "}") stack.pop();
      i++;
      push("p", s, i, c);
    }
    return toks;
  }

  // match[k]: index of the bracket (or template end) pairing with token k.
  function pairs(toks) {
    var match = new Array(toks.length);
    var stack = [];
    for (var k = 0; k < toks.length; k++) {
      var t = toks[k];
      if (t.t === "th" || (t.t === "p" && (t.v === "(" || t.v === "[" || t.v === "{"))) {
        stack.push(k);
      } else if (t.t === "tt" || (t.t === "p" && (t.v === ")" || t.v === "]" || t.v === "}"))) {
        if (!stack.length) throw new SyntaxFail();
        var o = stack.pop();
        match[o] = k;
        match[k] = o;
      }
    }
    if (stack.length) throw new SyntaxFail();
    return match;
  }

  var isP = function (t, v) { return t !== undefined && t.t === "p" && t.v === v; };
  // Can token t end an expression that a following `(`, `[` or template applies to?
  function endsCallee(t) {
    if (t === undefined) return false;
    if (t.t === "id") return !KEYWORDS.has(t.v);
    if (t.t === "p") return t.v === ")" || t.v === "]" || t.v === "?.";
    return t.t === "tt" || t.t === "tpl" || t.t === "str";
  }

  // Index of the first token of the member/call chain that ends at token p.
  function chainStart(toks, match, p) {
    for (;;) {
      var t = toks[p];
      if (t === undefined) return -1;
      var open;
      if (t.t === "p" && (t.v === ")" || t.v === "]")) open = match[p];
      else if (t.t === "tt") open = match[p];
      else if (t.t === "p" && t.v === "}") return withNew(toks, match[p]);
      else if (t.t === "id" || t.t === "num" || t.t === "str" || t.t === "re" || t.t === "tpl") {
        if (t.t === "id" && KEYWORDS.has(t.v)) return -1;
        var before = toks[p - 1];
        if (t.t === "id" && (isP(before, ".") || isP(before, "?."))) { p -= 2; continue; }
        if (t.t === "tpl" && endsCallee(before)) { p -= 1; continue; }
        return withNew(toks, p);
      } else {
        return -1;
      }
      var prev = toks[open - 1];
      if (endsCallee(prev)) { p = open - 1; continue; }
      return withNew(toks, open);
    }
  }
  function withNew(toks, start) {
    while (start > 0 && toks[start - 1].t === "id" && toks[start - 1].v === "new") start--;
    return start;
  }

  // The last `?.` of the chain toks[from..to) outside brackets, or -1.
  function lastOptional(toks, match, from, to) {
    var found = -1;
    for (var k = from; k < to; k++) {
      var t = toks[k];
      if (t.t === "th" || (t.t === "p" && (t.v === "(" || t.v === "[" || t.v === "{"))) k = match[k];
      else if (isP(t, "?.")) found = k;
    }
    return found;
  }

  // Rewrites the first extension call found; returns null when there is none.
  function rewriteOne(src) {
    var toks = tokenize(src);
    var match = pairs(toks);
    for (var k = 0; k + 2 < toks.length; k++) {
      var dot = toks[k];
      if (!(isP(dot, ".") || isP(dot, "?."))) continue;
      var name = toks[k + 1];
      if (name.t !== "id" || !NAMES.has(name.v)) continue;
      var optionalCall = isP(toks[k + 2], "?.");
      var paren = optionalCall ? k + 3 : k + 2;
      if (!isP(toks[paren], "(")) continue;
      var start = chainStart(toks, match, k - 1);
      if (start < 0) continue;
      var close = match[paren];
      var args = src.slice(toks[paren].e, toks[close].s);
      var fn = JSON.stringify(name.v);
      var call = function (recv) {
        return optionalCall
          ? "__al_extendOptional(" + recv + ", " + fn + ")?.(" + args + ")"
          : "__al_extend(" + recv + ", " + fn + ", [" + args + "])";
      };
      var opt = isP(dot, "?.") ? k : lastOptional(toks, match, start, k);
      var text;
      if (opt < 0) {
        text = call(src.slice(toks[start].s, toks[k - 1].e));
      } else {
        // `a?.b.fn()`: undefined when `a` is null/undefined, as n8n's chain polyfill does.
        var head = src.slice(toks[start].s, toks[opt - 1].e);
        var rest = opt === k ? "" : src.slice(toks[opt].e, toks[k - 1].e);
        var restText = rest === "" || /^\s*[[(]/.test(rest) ? rest : "." + rest;
        text = "((__al_v) => __al_v == null ? undefined : " + call("__al_v" + restText) + ")(" + head + ")";
      }
      return src.slice(0, toks[start].s) + text + src.slice(toks[close].e);
    }
    return null;
  }

  function rewrite(code) {
    if (!GATE.test(code)) return code;
    try {
      for (var pass = 0; pass < 500; pass++) {
        var next = rewriteOne(code);
        if (next === null) return code;
        code = next;
      }
    } catch (e) {
      if (!(e instanceof SyntaxFail)) throw e;
    }
    return code; // unbalanced source: left as is, compiling it reports the syntax error
  }

  g.__al_rewriteExtensions = rewrite;
})(globalThis);
