/* AutomateLanka: n8n's expression extension methods ("abc".toTitleCase(),
 * [1,2].sum(), $now.plus(1, 'days'), ...), behaving as n8n 1.123 does.
 *
 * Two ways in:
 *   __al_extend(value, name, argsArray)  n8n's extend(): type dispatch, native
 *                                        fallback, generic isEmpty, its errors
 *   __al_extendOptional(value, name)     n8n's extendOptional() (for `?.`)
 * Expressions reach them through rewrite.js, which turns `x.fn(a)` into
 * `__al_extend(x, "fn", [a])` as n8n does; no prototype is extended. */
(function (g) {
  "use strict";
  var L = g.luxon;
  var DateTime = L.DateTime;
  var codec = g.__al_codec;
  var hasOwn = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var MARK = typeof Symbol === "function" ? Symbol("al.extension") : "__al_extension";
  var nativeDT = {}; // Luxon methods that an extension of the same name replaces

  // ------------------------------------------------------------------ errors
  function ExpressionExtensionError(message, options) {
    var e = new Error(message);
    Object.setPrototypeOf(e, ExpressionExtensionError.prototype);
    if (options && options.description) e.description = options.description;
    return e;
  }
  ExpressionExtensionError.prototype = Object.create(Error.prototype, {
    constructor: { value: ExpressionExtensionError, writable: true, configurable: true },
    name: { value: "ExpressionExtensionError", writable: true, configurable: true }
  });
  function fail(message, description) {
    throw new ExpressionExtensionError(message, description ? { description: description } : undefined);
  }

  // ----------------------------------------------------------------- helpers
  function isDateTime(v) { return v ? DateTime.isDateTime(v) : false; }
  function isOurs(f) { return typeof f === "function" && f[MARK] === true; }
  function hasField(obj, key) {
    if (hasOwn(obj, key)) return true;
    return key in obj && !isOurs(obj[key]);
  }
  function hasReadableField(obj, key) {
    if (hasOwn(obj, key)) return true;
    var proto = Object.getPrototypeOf(obj);
    return key in obj && (proto === null || !(key in proto));
  }
  function defineField(target, key, value) {
    Object.defineProperty(target, key, { value: value, writable: true, enumerable: true, configurable: true });
  }

  // Deep equality with lodash isEqual's rules for JSON-like data.
  function deepEqual(a, b, seen) {
    if (a === b || (a !== a && b !== b)) return true;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
      if (a instanceof Object || b instanceof Object) return false;
      return false;
    }
    var ta = Object.prototype.toString.call(a), tb = Object.prototype.toString.call(b);
    if (ta !== tb) return false;
    if (ta === "[object Date]") return +a === +b || (a.getTime() !== a.getTime() && b.getTime() !== b.getTime());
    if (ta === "[object RegExp]") return String(a) === String(b);
    if (ta === "[object Number]" || ta === "[object String]" || ta === "[object Boolean]") return deepEqual(a.valueOf(), b.valueOf());
    seen = seen || [];
    for (var s = 0; s < seen.length; s++) if (seen[s][0] === a) return seen[s][1] === b;
    seen.push([a, b]);
    var result;
    if (Array.isArray(a)) {
      result = a.length === b.length;
      for (var i = 0; result && i < a.length; i++) result = deepEqual(a[i], b[i], seen);
    } else {
      if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) &&
        !(isPlainLike(a) && isPlainLike(b))) result = false;
      else {
        var ka = Object.keys(a), kb = Object.keys(b);
        result = ka.length === kb.length;
        for (var j = 0; result && j < ka.length; j++) {
          result = hasOwn(b, ka[j]) && deepEqual(a[ka[j]], b[ka[j]], seen);
        }
      }
    }
    seen.pop();
    return result;
  }
  function isPlainLike(o) {
    var p = Object.getPrototypeOf(o);
    return p === null || p === Object.prototype;
  }
  function uniqWith(arr, eq) {
    var out = [];
    for (var i = 0; i < arr.length; i++) {
      var dup = false;
      for (var j = 0; j < out.length; j++) if (eq(arr[i], out[j])) { dup = true; break; }
      if (!dup) out.push(arr[i]);
    }
    return out;
  }
  function findIndexEqual(arr, v) {
    for (var i = 0; i < arr.length; i++) if (deepEqual(arr[i], v)) return i;
    return -1;
  }

  // Minimal WHATWG URL pathname, for extractUrlPath().
  var SPECIAL = { http: 1, https: 1, ftp: 1, ws: 1, wss: 1, file: 1 };
  function urlPathname(input) {
    var s = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
    var m = /^([A-Za-z][A-Za-z0-9+.\-]*):(.*)$/.exec(s);
    if (!m) throw new TypeError("Invalid URL");
    var scheme = m[1].toLowerCase(), rest = m[2];
    var special = hasOwn(SPECIAL, scheme);
    if (special) rest = rest.replace(/\\/g, "/");
    var path;
    if (special || rest.slice(0, 2) === "//") {
      if (rest.slice(0, 2) !== "//") {
        if (!special) throw new TypeError("Invalid URL");
        rest = "//" + rest.replace(/^\/*/, "");
      }
      var after = rest.slice(2).replace(/^\/+/, special ? "" : "");
      var end = after.search(/[\/?#]/);
      var host = end < 0 ? after : after.slice(0, end);
      host = host.slice(host.lastIndexOf("@") + 1);
      if (special && scheme !== "file" && !host) throw new TypeError("Invalid URL");
      if (/[\s<>^|%]/.test(host.replace(/%[0-9A-Fa-f]{2}/g, "")) && special) throw new TypeError("Invalid URL");
      var portMatch = /:(.*)$/.exec(host.replace(/^\[.*\]/, ""));
      if (portMatch && portMatch[1] && !/^\d+$/.test(portMatch[1])) throw new TypeError("Invalid URL");
      path = end < 0 ? "" : after.slice(end);
    } else {
      path = rest;
      path = path.split(/[?#]/)[0];
      return encodePath(path, false);
    }
    path = path.split(/[?#]/)[0];
    if (special && path === "") path = "/";
    var segs = path.split("/"), out = [];
    for (var i = 1; i < segs.length; i++) {
      var seg = segs[i], low = seg.toLowerCase();
      if (seg === "." || low === "%2e") { if (i === segs.length - 1) out.push(""); continue; }
      if (seg === ".." || low === ".%2e" || low === "%2e." || low === "%2e%2e") {
        out.pop();
        if (i === segs.length - 1) out.push("");
        continue;
      }
      out.push(seg);
    }
    return encodePath("/" + out.join("/"), true);
  }
  function encodePath(path, hierarchical) {
    var out = "";
    var bytes;
    for (var i = 0; i < path.length; i++) {
      var ch = path[i], c = path.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < path.length) { ch += path[i + 1]; i++; }
      if (c > 0x7e || c < 0x21 || (hierarchical && /["#<>?`{}]/.test(ch)) || (!hierarchical && c < 0x20)) {
        if (!hierarchical && c === 0x20) { out += ch; continue; }
        bytes = codec.utf8Encode(ch);
        for (var b = 0; b < bytes.length; b++) out += "%" + bytes[b].toString(16).toUpperCase().padStart(2, "0");
      } else out += ch;
    }
    return out;
  }
  function formEncode(s) {
    var bytes = codec.utf8Encode(String(s)), out = "";
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
        b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) out += String.fromCharCode(b);
      else if (b === 0x20) out += "+";
      else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
    }
    return out;
  }

  // ------------------------------------------------------------------ String
  var CURRENCY_RE = new RegExp("(Lek|\u060b|\\$|\u0192|\u20bc|Br|BZ\\$|\\$b|KM|P|\u043b\u0432|R\\$|\u17db|\u00a5|\u20a1|kn|\u20b1|K\u010d|kr|RD\\$|\u00a3|\u20ac|\u00a2|Q|L|Ft|\u20b9|Rp|\ufdfc|\u20aa|J\\$|\u20a9|\u20ad|\u0434\u0435\u043d|RM|\u20a8|\u20ae|MT|C\\$|\u20a6|B\\/\\.|Gs|S\\/\\.|z\u0142|lei|\u20bd|\u0414\u0438\u043d\\.|S|R|CHF|NT\\$|\u0e3f|TT\\$|\u20ba|\u20b4|\\$U|Bs|\u20ab|Z\\$)", "gu");
  var DOMAIN_EXTRACT_RE = /^(?:(?:https?|ftp):\/\/)?(?:mailto:)?(?:\/\/)?((?:www\.)?(?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$/i;
  var DOMAIN_RE = /^(?:www\.)?((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$/i;
  var EMAIL_RE = /(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@(?<domain>(\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))/;
  var URL_EXACT_RE = /^(?:(?:https?|ftp):\/\/)(?:www\.)?((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?#]*)?(?:\?[^\s#]*)?(?=([^\s]+#.*)?)#?[^\s]*$/i;
  var URL_RE = /(?:(?:https?|ftp):\/\/)(?:www\.)?((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?#]*)?(?:\?[^\s#]*)?(?=([^\s]+#.*)?)#?[^\s]*/i;
  var LETTER_RE = /\p{L}/u;
  var SENTENCE_END_RE = /[!?.]/;
  var SHA_VARIANTS = { sha1: "SHA-1", sha224: "SHA-224", sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512", sha3: "SHA3-512" };
  var HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3"];

  var MARKDOWN_STEPS = [
    [/^([\s\t]*)([*\-+]|\d\.)\s+/gm, "$1"],
    [/\n={2,}/g, "\n"], [/~~/g, ""], [/`{3}.*\n/g, ""],
    [/<[\w|\s|=|'|"|:|(|)|,|;|/|0-9|.|-]+[>|\\>]/g, ""],
    [/^[=-]{2,}\s*$/g, ""], [/\[\^.+?\](: .*?$)?/g, ""], [/\s{0,2}\[.*?\]: .*?$/g, ""],
    [/!\[.*?\][[(].*?[\])]/g, ""], [/\[(.*?)\][[(].*?[\])]/g, "$1"], [/>/g, ""],
    [/^\s{1,2}\[(.*?)\]: (\S+)( ".*?")?\s*$/g, ""], [/^#{1,6}\s*([^#]*)\s*(#{1,6})?/gm, "$1"],
    [/([*_]{1,3})(\S.*?\S)\1/g, "$2"], [/(`{3,})(.*?)\1/gm, "$2"], [/^-{3,}\s*$/g, ""],
    [/`(.+?)`/g, "$1"], [/\n{2,}/g, "\n\n"]
  ];

  function strToDateTime(value, args) {
    var fmt = (args && args.length ? args : [""])[0];
    try {
      if (fmt) {
        if (fmt === "ms" || fmt === "s" || fmt === "us" || fmt === "excel") return N.toDateTime(Number(value), [fmt]);
        return DateTime.fromFormat(value, fmt);
      }
      return parseDateTime(value);
    } catch (e) {
      fail("cannot convert to Luxon DateTime");
    }
  }

  function parseDateTime(value) {
    if (isDateTime(value) && value.isValid) return value;
    if (value instanceof Date) {
      var fromJs = DateTime.fromJSDate(value);
      if (fromJs.isValid) return fromJs;
    }
    var s = String(value).trim();
    var tries = [DateTime.fromISO, DateTime.fromHTTP, DateTime.fromRFC2822, DateTime.fromSQL];
    for (var i = 0; i < tries.length; i++) {
      var dt = tries[i].call(DateTime, s, { setZone: true });
      if (dt.isValid) return dt;
    }
    var parsed = DateTime.fromMillis(Date.parse(s));
    if (parsed.isValid) return parsed;
    throw new Error("Value is not a valid date");
  }

  var S = {
    hash: function (v, a) {
      var alg = a[0] === undefined || a[0] === null ? "md5" : String(a[0]).toLowerCase();
      if (alg === "base64") return codec.base64Encode(v);
      if (alg === "md5") return codec.md5(v);
      if (hasOwn(SHA_VARIANTS, alg)) {
        var sha = new g.jsSHA(SHA_VARIANTS[alg], "TEXT");
        sha.update(v);
        return sha.getHash("HEX");
      }
      fail("Unknown algorithm " + alg + ". Available algorithms are: " + HASHES.join() + ", and Base64.");
    },
    removeMarkdown: function (v) {
      var out = v;
      try {
        for (var i = 0; i < MARKDOWN_STEPS.length; i++) out = out.replace(MARKDOWN_STEPS[i][0], MARKDOWN_STEPS[i][1]);
      } catch (e) {
        return v;
      }
      return out;
    },
    removeTags: function (v) { return v.replace(/<[^>]*>?/gm, ""); },
    toDate: function (v) {
      var d = new Date(Date.parse(v));
      if (d.toString() === "Invalid Date") fail("cannot convert to date");
      if (!/:/.test(v)) d.setHours(0, 0, 0);
      return d;
    },
    toDateTime: strToDateTime,
    toBoolean: function (v) {
      var s = v.toLowerCase();
      return s.length > 0 && s !== "false" && s !== "no" && s !== "0";
    },
    toNumber: function (v) {
      var n = Number(v.replace(CURRENCY_RE, ""));
      if (isNaN(n)) fail("cannot convert to number");
      return n;
    },
    toFloat: function (v) {
      if (v.includes(",")) fail("cannot convert to float, expected . as decimal separator");
      var f = parseFloat(v.replace(CURRENCY_RE, ""));
      if (isNaN(f)) fail("cannot convert to float");
      return f;
    },
    toInt: function (v, a) {
      var n = parseInt(v.replace(CURRENCY_RE, ""), a[0]);
      if (isNaN(n)) fail("cannot convert to integer");
      return n;
    },
    toSentenceCase: function (v) {
      var cur = v.slice(), buf = "";
      while (LETTER_RE.test(cur)) {
        var at = cur.search(LETTER_RE);
        cur = cur.slice(0, at) + cur[at].toLocaleUpperCase() + cur.slice(at + 1).toLocaleLowerCase();
        var stop = cur.search(SENTENCE_END_RE);
        if (stop === -1) { buf += cur; cur = ""; break; }
        buf += cur.slice(0, stop + 1);
        cur = cur.slice(stop + 1);
      }
      return buf;
    },
    toSnakeCase: function (v) {
      return v.toLocaleLowerCase().replace(/[ \-]/g, "_")
        .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,.\/:;<=>?@\[\]^`{|}~]/g, "");
    },
    toTitleCase: function (v) { return g.__al_titleCase(v); },
    urlDecode: function (v, a) { return a[0] ? decodeURI(v.toString()) : decodeURIComponent(v.toString()); },
    urlEncode: function (v, a) { return a[0] ? encodeURI(v.toString()) : encodeURIComponent(v.toString()); },
    quote: function (v, a) {
      var q = a[0] === undefined ? '"' : a[0];
      var escaped = v.replace(/\\/g, "\\\\");
      return "" + q + escaped.replace(new RegExp("\\" + q, "g"), "\\" + q) + q;
    },
    replaceSpecialChars: function (v) {
      if (typeof g.__al_transliterate === "function") return g.__al_transliterate(v, { unknown: "?" });
      return fallbackTransliterate(v);
    },
    length: function (v) { return v.length; },
    isDomain: function (v) { return DOMAIN_RE.test(v); },
    isEmail: function (v) {
      var ok = EMAIL_RE.test(v);
      return ok && v.includes(" ") ? false : ok;
    },
    isNumeric: function (v) {
      if (v.includes(" ")) return false;
      return !isNaN(v) && !isNaN(parseFloat(v));
    },
    isUrl: function (v) { return URL_EXACT_RE.test(v); },
    isEmpty: function (v) { return v === ""; },
    isNotEmpty: function (v) { return v !== ""; },
    toJsonString: function (v) { return JSON.stringify(v); },
    extractEmail: function (v) {
      var m = EMAIL_RE.exec(v);
      return m ? m[0] : undefined;
    },
    extractDomain: function (v) {
      if (S.isEmail(v)) {
        var m = EMAIL_RE.exec(v);
        return m ? (m.groups ? m.groups.domain : undefined) : undefined;
      }
      var d = v.match(DOMAIN_EXTRACT_RE);
      return d ? d[1] : undefined;
    },
    extractUrl: function (v) {
      var m = URL_RE.exec(v);
      return m ? m[0] : undefined;
    },
    extractUrlPath: function (v) {
      try {
        return urlPathname(v);
      } catch (e) {
        return undefined;
      }
    },
    parseJson: function (v) {
      try {
        return JSON.parse(v);
      } catch (e) {
        if (v.includes("'")) fail("Parsing failed. Check you're using double quotes");
        fail("Parsing failed");
      }
    },
    base64Encode: function (v) { return codec.base64Encode(v); },
    base64Decode: function (v) { return codec.base64Decode(v); }
  };
  S.toDecimalNumber = function (v, a) { return S.toFloat(v, a); };
  S.toWholeNumber = function (v, a) { return S.toInt(v, a); };

  function fallbackTransliterate(v) {
    var map = { "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u00f8": "o", "\u00d8": "O", "\u0153": "oe", "\u0152": "OE", "\u0111": "d", "\u0110": "D", "\u0142": "l", "\u0141": "L", "\u00fe": "th", "\u00de": "TH", "\u00f0": "d", "\u00d0": "D" };
    var out = "";
    var norm = v.normalize("NFD");
    for (var i = 0; i < norm.length; i++) {
      var ch = norm[i], c = norm.charCodeAt(i);
      if (c >= 0x300 && c <= 0x36f) continue;
      if (c < 0x80) out += ch;
      else if (hasOwn(map, ch)) out += map[ch];
      else out += "?";
    }
    return out;
  }

  // ------------------------------------------------------------------ Number
  var N = {
    ceil: function (v) { return Math.ceil(v); },
    floor: function (v) { return Math.floor(v); },
    format: function (v, a) {
      var locales = a[0] === undefined ? "en-US" : a[0], opts = a[1] === undefined ? {} : a[1];
      return new g.Intl.NumberFormat(locales, opts).format(v);
    },
    round: function (v, a) { return +v.toFixed(a[0] === undefined ? 0 : a[0]); },
    abs: function (v) { return Math.abs(v); },
    isInteger: function (v) { return Number.isInteger(v); },
    isEven: function (v) {
      if (!Number.isInteger(v)) fail("isEven() is only callable on integers");
      return v % 2 === 0;
    },
    isOdd: function (v) {
      if (!Number.isInteger(v)) fail("isOdd() is only callable on integers");
      return Math.abs(v) % 2 === 1;
    },
    toBoolean: function (v) { return v !== 0; },
    toInt: function (v) { return N.round(v, []); },
    toFloat: function (v) { return v; },
    toDateTime: function (v, a) {
      var fmt = a[0] === undefined ? "ms" : a[0];
      if (["ms", "s", "us", "excel"].indexOf(fmt) < 0) {
        fail("Unsupported format '" + String(fmt) + "'. toDateTime() supports 'ms', 's', 'us' and 'excel'.");
      }
      if (fmt === "excel") return DateTime.fromSeconds((v - (25567 + 2)) * 86400);
      if (fmt === "s") return DateTime.fromSeconds(v);
      if (fmt === "us") return DateTime.fromMillis(v / 1000);
      return DateTime.fromMillis(v);
    }
  };

  // ------------------------------------------------------------------- Array
  function ensureNumbers(arr, fn) {
    if (arr.some(function (x) { return typeof x !== "number"; })) fail(fn + "(): all array elements must be numbers");
  }
  function asNumber(x) { return typeof x === "string" ? parseFloat(x) : typeof x !== "number" ? NaN : x; }
  function unique(v, a) {
    var project = function (item) {
      if (a.length > 0 && item && typeof item === "object") {
        return a.reduce(function (acc, key) {
          defineField(acc, key, hasReadableField(item, key) ? item[key] : undefined);
          return acc;
        }, {});
      }
      return item;
    };
    return uniqWith(v, function (x, y) { return deepEqual(project(x), project(y)); });
  }
  function mergeInto(value, other) {
    if (!other) return value;
    if (typeof other !== "object") fail("merge(): expected object arg");
    var out = Object.assign({}, value);
    Object.keys(other).forEach(function (k) { if (!hasOwn(out, k)) defineField(out, k, other[k]); });
    return out;
  }
  function requireArray(x, fn) {
    if (!Array.isArray(x)) fail(fn + "(): expected array arg, e.g. ." + fn + "([1, 2, 3, 4])");
  }
  var A = {
    removeDuplicates: function (v, a) { return unique(v, a); },
    unique: unique,
    first: function (v) { return v[0]; },
    last: function (v) { return v[v.length - 1]; },
    pluck: function (v, a) {
      if (!a || a.length === 0) return v;
      return v.reduce(function (acc, cur) {
        if (cur && typeof cur === "object") {
          var picked = [];
          Object.keys(cur).forEach(function (k) {
            a.forEach(function (field) { if (field === k) picked.push(cur[k]); });
          });
          if (picked.length > 0) acc.push(picked.length === 1 ? picked[0] : picked);
        }
        return acc;
      }, []);
    },
    randomItem: function (v) {
      var n = v === undefined ? 0 : v.length;
      return n ? v[Math.floor(Math.random() * n)] : undefined;
    },
    sum: function (v) {
      ensureNumbers(v, "sum");
      return v.reduce(function (p, c) { return p + asNumber(c); }, 0);
    },
    min: function (v) {
      ensureNumbers(v, "min");
      return Math.min.apply(Math, v.map(asNumber));
    },
    max: function (v) {
      ensureNumbers(v, "max");
      return Math.max.apply(Math, v.map(asNumber));
    },
    average: function (v) {
      ensureNumbers(v, "average");
      return v.length === 0 ? 0 : A.sum(v) / v.length;
    },
    isNotEmpty: function (v) { return v.length > 0; },
    isEmpty: function (v) { return v.length === 0; },
    compact: function (v) {
      return v.filter(function (x) {
        if (x && typeof x === "object" && Object.keys(x).length === 0) return false;
        return x !== null && x !== undefined && x !== "nil" && x !== "";
      }).map(function (x) { return typeof x === "object" && x !== null ? O.compact(x) : x; });
    },
    smartJoin: function (v, a) {
      var kf = a[0], vf = a[1];
      if (!kf || !vf || typeof kf !== "string" || typeof vf !== "string") {
        fail('smartJoin(): expected two string args, e.g. .smartJoin("name", "value")');
      }
      return v.reduce(function (o, x) {
        if (typeof x === "object" && x !== null && hasReadableField(x, kf) && hasReadableField(x, vf)) defineField(o, x[kf], x[vf]);
        return o;
      }, {});
    },
    chunk: function (v, a) {
      var size = a[0];
      if (typeof size !== "number" || size === 0) fail("chunk(): expected non-zero numeric arg, e.g. .chunk(5)");
      var out = [];
      for (var i = 0; i < v.length; i += size) out.push(v.slice(i, i + size));
      return out;
    },
    renameKeys: function (v, a) {
      if (a.length === 0 || a.length % 2 !== 0) {
        fail('renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]. e.g. .renameKeys("name", "title")');
      }
      return v.map(function (x) {
        if (typeof x !== "object" || x === null) return x;
        var o = Object.assign({}, x);
        for (var i = 0; i < a.length; i += 2) {
          if (hasOwn(o, a[i])) { defineField(o, a[i + 1], o[a[i]]); delete o[a[i]]; }
        }
        return o;
      });
    },
    merge: function (v, a) {
      var others = a[0];
      if (others === undefined) {
        return v.reduce(function (acc, cur) {
          return cur !== null && typeof cur === "object" && !Array.isArray(cur) ? mergeInto(acc, cur) : acc;
        }, {});
      }
      if (!Array.isArray(others)) fail("merge(): expected array arg, e.g. .merge([{ id: 1, otherValue: 3 }])");
      var n = Math.max(v.length, others.length), out = {};
      for (var i = 0; i < n; i++) {
        if (v[i] !== undefined && typeof v[i] === "object" && typeof others[i] === "object") {
          var pair = mergeInto(v[i], others[i]);
          Object.keys(pair).forEach(function (k) { defineField(out, k, pair[k]); });
        }
      }
      return out;
    },
    union: function (v, a) {
      requireArray(a[0], "union");
      var out = Array.from(v);
      a[0].forEach(function (x) { if (findIndexEqual(out, x) === -1) out.push(x); });
      return unique(out, []);
    },
    difference: function (v, a) {
      requireArray(a[0], "difference");
      return unique(v.filter(function (x) { return findIndexEqual(a[0], x) === -1; }), []);
    },
    intersection: function (v, a) {
      requireArray(a[0], "intersection");
      var out = v.filter(function (x) { return findIndexEqual(a[0], x) !== -1; });
      a[0].forEach(function (x) { if (findIndexEqual(v, x) !== -1) out.push(x); });
      return unique(out, []);
    },
    append: function (v, a) { return v.concat(a); },
    toJsonString: function (v) { return JSON.stringify(v); },
    toInt: function () { return undefined; },
    toFloat: function () { return undefined; },
    toBoolean: function () { return undefined; },
    toDateTime: function () { return undefined; }
  };

  // ------------------------------------------------------------------ Object
  var O = {
    isEmpty: function (v) { return Object.keys(v).length === 0; },
    isNotEmpty: function (v) { return Object.keys(v).length !== 0; },
    hasField: function (v, a) { return hasField(v, a[0]); },
    removeField: function (v, a) {
      if (!hasField(v, a[0])) return v;
      var o = Object.assign({}, v);
      delete o[a[0]];
      return o;
    },
    removeFieldsContaining: function (v, a) {
      var m = a[0];
      if (typeof m !== "string" || m === "") fail("removeFieldsContaining(): expected non-empty string arg");
      var o = Object.assign({}, v);
      Object.keys(v).forEach(function (k) { if (typeof v[k] === "string" && v[k].includes(m)) delete o[k]; });
      return o;
    },
    keepFieldsContaining: function (v, a) {
      var m = a[0];
      if (typeof m !== "string" || m === "") fail("argument of keepFieldsContaining must be a non-empty string");
      var o = Object.assign({}, v);
      Object.keys(v).forEach(function (k) { if (typeof v[k] !== "string" || !v[k].includes(m)) delete o[k]; });
      return o;
    },
    compact: function (v) {
      var o = {};
      Object.keys(v).forEach(function (k) {
        var x = v[k];
        if (x === null || x === undefined || x === "nil" || x === "") return;
        if (typeof x === "object") {
          if (Object.keys(x).length === 0) return;
          defineField(o, k, O.compact(x));
        } else defineField(o, k, x);
      });
      return o;
    },
    urlEncode: function (v) {
      return Object.keys(v).map(function (k) { return formEncode(k) + "=" + formEncode(v[k]); }).join("&");
    },
    keys: function (v) { return Object.keys(v); },
    values: function (v) { return Object.values(v); },
    toJsonString: function (v) { return JSON.stringify(v); },
    toInt: function () { return undefined; },
    toFloat: function () { return undefined; },
    toBoolean: function () { return undefined; },
    toDateTime: function () { return undefined; }
  };

  // -------------------------------------------------------------------- Date
  var DURATION_UNITS = ["milliseconds", "seconds", "minutes", "hours", "days", "weeks", "months", "quarters", "years"];
  var DATE_PARTS = ["day", "week", "month", "year", "hour", "minute", "second", "millisecond", "weekNumber", "yearDayNumber", "weekday"];
  var DURATION_MAP = { day: "days", month: "months", year: "years", week: "weeks", hour: "hours", minute: "minutes", second: "seconds", millisecond: "milliseconds", ms: "milliseconds", sec: "seconds", secs: "seconds", hr: "hours", hrs: "hours", min: "minutes", mins: "minutes" };
  var UNIT_MAP = { days: "day", months: "month", years: "year", hours: "hour", minutes: "minute", seconds: "second", milliseconds: "millisecond", hrs: "hour", hr: "hour", mins: "minute", min: "minute", secs: "second", sec: "second", ms: "millisecond" };

  function unitOf(raw) { return hasOwn(UNIT_MAP, raw) ? UNIT_MAP[raw] : raw; }
  function durationOf(value, unit) {
    var o = {};
    o["" + (hasOwn(DURATION_MAP, unit) ? DURATION_MAP[unit] : unit)] = value;
    return o;
  }
  function asDateTime(d) { return isDateTime(d) ? d : DateTime.fromJSDate(d); }
  function dtPlus(dt, arg) { return nativeDT.plus.call(dt, arg); }
  function dtMinus(dt, arg) { return nativeDT.minus.call(dt, arg); }
  function convertToDateTime(value) {
    if (typeof value === "string") {
      var c = DateTime.fromJSDate(new Date(value));
      return c.invalidReason !== null ? undefined : c;
    }
    if (value instanceof Date) return DateTime.fromJSDate(value);
    if (DateTime.isDateTime(value)) return value;
    return undefined;
  }
  function toDateTimeAny(d) {
    if (isDateTime(d)) return d;
    if (typeof d === "string") return strToDateTime(d, [""]);
    return DateTime.fromJSDate(d);
  }
  function shift(date, args, op) {
    var arg;
    if (args.length === 1) arg = args[0];
    else arg = durationOf(args[0] === undefined ? 0 : args[0], args[1] === undefined ? "minutes" : args[1]);
    if (isDateTime(date)) return op(date, arg);
    return op(DateTime.fromJSDate(date), arg).toJSDate();
  }
  var D = {
    beginningOf: function (d, a) {
      var unit = unitOf(a[0] === undefined ? "week" : a[0]);
      if (isDateTime(d)) return d.startOf(unit);
      return DateTime.fromJSDate(d).startOf(unit).toJSDate();
    },
    endOfMonth: function (d) {
      if (isDateTime(d)) return d.endOf("month");
      return DateTime.fromJSDate(d).endOf("month").toJSDate();
    },
    extract: function (d, a) {
      var part = a[0] === undefined ? "week" : a[0];
      if (part === "yearDayNumber") {
        var js = isDateTime(d) ? d.toJSDate() : d;
        var jan0 = new Date(js.getFullYear(), 0, 0);
        var diff = js.getTime() - jan0.getTime() + (jan0.getTimezoneOffset() - js.getTimezoneOffset()) * 60000;
        return Math.floor(diff / 86400000);
      }
      if (part === "week") part = "weekNumber";
      return asDateTime(d).get(unitOf(part));
    },
    isBetween: function (d, a) {
      if (a.length !== 2) fail("isBetween(): expected exactly two args");
      var x = convertToDateTime(a[0]), y = convertToDateTime(a[1]);
      if (!x || !y) return undefined;
      if (x > y) return y < d && d < x;
      return y > d && d > x;
    },
    isDst: function (d) { return asDateTime(d).isInDST; },
    isInLast: function (d, a) {
      var past = dtMinus(DateTime.now(), durationOf(a[0] === undefined ? 0 : a[0], a[1] === undefined ? "minutes" : a[1]));
      var dt = isDateTime(d) ? d : DateTime.fromJSDate(d);
      return past <= dt && dt <= DateTime.now();
    },
    isWeekend: function (d) {
      var wd = asDateTime(d).weekday;
      return wd === 6 || wd === 7;
    },
    minus: function (d, a) { return shift(d, a, dtMinus); },
    plus: function (d, a) { return shift(d, a, dtPlus); },
    format: function (d, a) {
      var opts = Object.assign({}, a[1] === undefined ? {} : a[1]);
      return asDateTime(d).toFormat(a[0], opts);
    },
    toDateTime: function (d) { return toDateTimeAny(d); },
    diffTo: function (d, a) {
      var unit = a[1] === undefined ? "days" : a[1];
      var units = Array.isArray(unit) ? unit : [unit];
      if (units.length === 0) units = ["days"];
      for (var i = 0; i < units.length; i++) {
        if (DATE_PARTS.indexOf(units[i]) < 0 && DURATION_UNITS.indexOf(units[i]) < 0) {
          fail("Unsupported unit '" + String(units[i]) + "'. Supported: " +
            DURATION_UNITS.map(function (u) { return "'" + u + "'"; }).join(", ") + ".");
        }
      }
      var res = d.diff(toDateTimeAny(a[0]), units);
      return units.length > 1 ? res.toObject() : res.as(units[0]);
    },
    diffToNow: function (d, a) { return D.diffTo(d, [DateTime.now(), a[0]]); },
    toInt: function (d) { return isDateTime(d) ? d.toMillis() : d.getTime(); },
    toFloat: function (d) { return isDateTime(d) ? d.toMillis() : d.getTime(); },
    toBoolean: function () { return undefined; },
    isEmpty: function () { return false; },
    isNotEmpty: function () { return true; }
  };

  // ----------------------------------------------------------------- Boolean
  var B = {
    toBoolean: function (v) { return v; },
    toInt: function (v) { return v ? 1 : 0; },
    toFloat: function (v) { return v ? 1 : 0; },
    toNumber: function (v) { return v ? 1 : 0; },
    toDateTime: function () { return undefined; }
  };

  // ---------------------------------------------------------------- dispatch
  var TABLES = [[A, "Array"], [D, "Date"], [N, "Number"], [O, "Object"], [S, "String"], [B, "Boolean"]];
  var GENERIC = {
    isEmpty: function (v) { return v === null || v === undefined || !v; },
    isNotEmpty: function (v) { return !(v === null || v === undefined || !v); }
  };
  var UNSAFE = new Set(["__proto__", "prototype", "constructor", "getPrototypeOf", "setPrototypeOf",
    "getOwnPropertyDescriptor", "getOwnPropertyDescriptors", "defineProperty", "defineProperties", "mainModule",
    "binding", "_linkedBinding", "_load", "prepareStackTrace", "__lookupGetter__", "__lookupSetter__",
    "__defineGetter__", "__defineSetter__", "caller", "callee", "arguments", "getBuiltinModule", "dlopen",
    "execve", "loadEnvFile"]);
  var ISO_Z = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.\d{3}Z/;

  function isIsoZ(input) {
    if (typeof input !== "string" || !input.length || !ISO_Z.test(input)) return false;
    var d = new Date(input);
    return !isNaN(d.valueOf()) && d.toISOString() === input;
  }

  function own(table, name) { return hasOwn(table, name) ? table[name] : undefined; }

  function findFunction(input, fn) {
    var name = typeof fn === "string" ? fn : String(fn);
    if (UNSAFE.has(name)) fail('Cannot access "' + name + '" via expression extension due to security concerns');
    var found;
    if (Array.isArray(input)) found = own(A, name);
    else if (isIsoZ(input) && name !== "toDate" && name !== "toDateTime") found = own(D, name);
    else if (typeof input === "string") found = own(S, name);
    else if (typeof input === "number") found = own(N, name);
    else if (input && (DateTime.isDateTime(input) || input instanceof Date)) found = own(D, name);
    else if (input !== null && typeof input === "object") found = own(O, name);
    else if (typeof input === "boolean") found = own(B, name);
    if (!found) {
      if (input && name) {
        var candidate = input[name];
        if (typeof candidate === "function" && !isOurs(candidate)) return { native: true, fn: candidate };
      }
      found = own(GENERIC, name);
    }
    return found ? { native: false, fn: found } : undefined;
  }

  function extend(input, name, args) {
    var found = findFunction(input, name);
    args = args || [];
    if (!found) {
      if (input === undefined || input === null) {
        fail(name + " can't be used on " + String(input) + " value",
          "To ignore this error, add a ? to the variable before this function, e.g. my_var?." + name);
      }
      var types = TABLES.filter(function (t) { return hasOwn(t[0], name); }).map(function (t) { return '"' + t[1] + '"'; });
      if (!types.length) fail("Unknown expression function: " + name);
      if (types.length > 1) {
        var lastType = types.pop();
        fail(name + "() is only callable on types " + types.join(", ") + ", and " + lastType);
      }
      fail(name + "() is only callable on type " + types[0]);
    }
    if (found.native) return found.fn.apply(input, args);
    return found.fn(input, args);
  }

  function extendOptional(input, name) {
    var found = findFunction(input, name);
    if (!found) return undefined;
    if (found.native) return found.fn.bind(input);
    return function () { return found.fn(input, Array.prototype.slice.call(arguments)); };
  }

  g.__al_extend = extend;
  g.__al_extendOptional = extendOptional;
  g.__al_ExpressionExtensionError = ExpressionExtensionError;
  g.__al_parseDateTime = parseDateTime;
  g.__al_deepEqual = deepEqual;
  g.__al_extensionNames = (function () {
    var names = {};
    TABLES.forEach(function (t) { Object.keys(t[0]).forEach(function (k) { names[k] = true; }); });
    Object.keys(GENERIC).forEach(function (k) { names[k] = true; });
    return Object.keys(names);
  })();

  // No prototype gets extension methods: n8n reaches them only through the
  // rewrite of calls to extend() (rewrite.js), and Code nodes do not have them.
  nativeDT.plus = DateTime.prototype.plus;
  nativeDT.minus = DateTime.prototype.minus;
})(globalThis);
