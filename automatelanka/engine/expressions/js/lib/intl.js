/* AutomateLanka: a small en-US Intl polyfill for quickjs, enough for Luxon and
 * n8n's Number.format(). Time zones come from tables registered with
 * __al_registerZone(name, [[utcMillis, offsetMinutes], ...]). */
(function (g) {
  "use strict";
  if (g.Intl && g.Intl.DateTimeFormat) return;

  var MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  var MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAYS_LONG = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var DAYS_SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

  // ---------------------------------------------------------------- zones
  var zones = Object.create(null); // lower-case name -> {name, ts:[], off:[]}
  var UTC_ALIASES = ["utc", "etc/utc", "gmt", "etc/gmt", "etc/universal", "universal", "zulu",
    "etc/zulu", "uct", "etc/uct", "etc/greenwich", "greenwich", "gmt0", "etc/gmt0", "etc/gmt+0",
    "etc/gmt-0", "gmt+0", "gmt-0"];
  var utcAliases = Object.create(null);
  UTC_ALIASES.forEach(function (n) { utcAliases[n] = true; });

  function registerZone(name, transitions) {
    var ts = [], off = [];
    for (var i = 0; i < transitions.length; i++) {
      ts.push(transitions[i][0]);
      off.push(transitions[i][1]);
    }
    zones[String(name).toLowerCase()] = { name: String(name), ts: ts, off: off };
  }

  function fixedZone(name, minutes) {
    return { name: name, ts: [-8.64e15], off: [minutes] };
  }

  function lookupZone(name) {
    var lower = String(name).toLowerCase();
    if (utcAliases[lower]) return fixedZone("UTC", 0);
    var m = /^etc\/gmt([+-])(\d{1,2})$/.exec(lower);
    if (m && +m[2] <= 14) {
      var hours = +m[2];
      return fixedZone("Etc/GMT" + m[1] + hours, (m[1] === "+" ? -1 : 1) * hours * 60);
    }
    var zone = zones[lower];
    if (zone) return zone;
    // Remembered for the host, which registers the zone and evaluates again.
    if (/^[a-z][a-z0-9_+\-]*(\/[a-z0-9_+\-]+)*$/.test(lower) && !missing[lower]) {
      missing[lower] = true;
      missingList.push(String(name));
    }
    return null;
  }
  var missing = Object.create(null);
  var missingList = [];
  // Zone names asked for but not registered since the last call.
  g.__al_takeMissingZones = function () {
    if (!missingList.length) return null;
    var out = missingList;
    missingList = [];
    return out;
  };

  function zoneOffset(zone, ms) {
    var ts = zone.ts, lo = 0, hi = ts.length - 1;
    if (hi === 0 || ms < ts[1]) return zone.off[0];
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (ts[mid] <= ms) lo = mid; else hi = mid - 1;
    }
    return zone.off[lo];
  }

  var systemZone = "UTC";

  g.__al_registerZone = registerZone;
  g.__al_hasZone = function (name) { return lookupZone(name) !== null; };
  g.__al_zoneOffset = function (name, ms) {
    var z = lookupZone(name);
    return z ? zoneOffset(z, ms) : NaN;
  };

  // ---------------------------------------------------------------- helpers
  function pad(n, len) {
    var s = String(Math.abs(n));
    while (s.length < len) s = "0" + s;
    return (n < 0 ? "-" : "") + s;
  }

  function canonLocale(locales) {
    var loc = Array.isArray(locales) ? locales[0] : locales;
    if (loc === undefined || loc === null) return "en-US";
    loc = String(loc);
    var parts = loc.split("-u-")[0].split(/[-_]/);
    var out = parts[0].toLowerCase();
    for (var i = 1; i < parts.length; i++) {
      var p = parts[i];
      out += "-" + (p.length === 2 ? p.toUpperCase() : p.length === 4 ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p);
    }
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(out)) throw new RangeError("Incorrect locale information provided");
    return out;
  }

  function dtfLocale(locales) {
    canonLocale(locales);
    return "en-US";
  }

  // ------------------------------------------------------- DateTimeFormat
  var DT_FIELDS = ["weekday", "era", "year", "month", "day", "hour", "minute", "second", "timeZoneName"];

  function DateTimeFormat(locales, options) {
    if (!(this instanceof DateTimeFormat)) return new DateTimeFormat(locales, options);
    var o = options || {};
    var opts = {};
    var any = false;
    for (var i = 0; i < DT_FIELDS.length; i++) {
      if (o[DT_FIELDS[i]] !== undefined) {
        opts[DT_FIELDS[i]] = String(o[DT_FIELDS[i]]);
        if (DT_FIELDS[i] !== "era" && DT_FIELDS[i] !== "timeZoneName") any = true;
      }
    }
    if (o.fractionalSecondDigits !== undefined) { opts.fractionalSecondDigits = +o.fractionalSecondDigits; any = true; }
    if (o.dateStyle !== undefined || o.timeStyle !== undefined) {
      applyStyles(opts, o.dateStyle, o.timeStyle);
      any = true;
    }
    if (!any) { opts.year = "numeric"; opts.month = "numeric"; opts.day = "numeric"; }
    var tzName = o.timeZone === undefined ? systemZone : String(o.timeZone);
    var zone = lookupZone(tzName);
    if (!zone) throw new RangeError("Invalid time zone specified: " + tzName);
    this._zone = zone;
    this._locale = dtfLocale(locales);
    if (opts.hour !== undefined) {
      var hc = o.hourCycle;
      if (o.hour12 !== undefined) hc = o.hour12 ? "h12" : "h24";
      if (hc === undefined) hc = "h12";
      this._hc = String(hc);
      if (this._hc === "h23" || this._hc === "h24") {
        if (this._hc === "h23") opts.hour = "2-digit";
      }
    }
    this._opts = opts;
  }

  function applyStyles(opts, ds, ts) {
    if (ds === "full") { opts.weekday = "long"; opts.year = "numeric"; opts.month = "long"; opts.day = "numeric"; }
    else if (ds === "long") { opts.year = "numeric"; opts.month = "long"; opts.day = "numeric"; }
    else if (ds === "medium") { opts.year = "numeric"; opts.month = "short"; opts.day = "numeric"; }
    else if (ds === "short") { opts.year = "2-digit"; opts.month = "numeric"; opts.day = "numeric"; }
    if (ts) { opts.hour = "numeric"; opts.minute = "2-digit"; }
    if (ts === "full" || ts === "long" || ts === "medium") opts.second = "2-digit";
    if (ts === "full") opts.timeZoneName = "long";
    else if (ts === "long") opts.timeZoneName = "short";
  }

  function toMillis(date) {
    var ms = date === undefined ? Date.now() : date instanceof Date ? date.getTime() : Number(date);
    if (!isFinite(ms)) throw new RangeError("Invalid time value");
    return ms;
  }

  var US_NAMES = {
    "-300": ["EST", "Eastern Standard Time", "EDT", "Eastern Daylight Time"],
    "-360": ["CST", "Central Standard Time", "CDT", "Central Daylight Time"],
    "-420": ["MST", "Mountain Standard Time", "MDT", "Mountain Daylight Time"],
    "-480": ["PST", "Pacific Standard Time", "PDT", "Pacific Daylight Time"],
    "-540": ["AKST", "Alaska Standard Time", "AKDT", "Alaska Daylight Time"],
    "-600": ["HST", "Hawaii-Aleutian Standard Time", "HDT", "Hawaii-Aleutian Daylight Time"]
  };
  var US_BASE = {
    "america/new_york": -300, "us/eastern": -300, "america/detroit": -300, "america/indiana/indianapolis": -300,
    "america/toronto": -300, "est5edt": -300,
    "america/chicago": -360, "us/central": -360, "cst6cdt": -360, "america/denver": -420, "us/mountain": -420,
    "america/phoenix": -420, "america/los_angeles": -480, "us/pacific": -480, "pst8pdt": -480,
    "america/anchorage": -540, "pacific/honolulu": -600, "us/hawaii": -600
  };
  var LONG_NAMES = {
    "asia/kolkata": ["India Standard Time"], "asia/calcutta": ["India Standard Time"],
    "asia/colombo": ["India Standard Time"],
    "europe/london": ["Greenwich Mean Time", "British Summer Time"],
    "europe/berlin": ["Central European Standard Time", "Central European Summer Time"],
    "europe/paris": ["Central European Standard Time", "Central European Summer Time"],
    "europe/amsterdam": ["Central European Standard Time", "Central European Summer Time"],
    "europe/madrid": ["Central European Standard Time", "Central European Summer Time"],
    "europe/rome": ["Central European Standard Time", "Central European Summer Time"],
    "asia/tokyo": ["Japan Standard Time"], "australia/sydney": ["Australian Eastern Standard Time", "Australian Eastern Daylight Time"]
  };

  function gmtName(off, long) {
    if (off === 0) return "GMT";
    var sign = off < 0 ? "-" : "+", a = Math.abs(off), h = Math.floor(a / 60), m = Math.round(a % 60);
    if (long) return "GMT" + sign + pad(h, 2) + ":" + pad(m, 2);
    return "GMT" + sign + h + (m ? ":" + pad(m, 2) : "");
  }

  function zoneDisplayName(zone, ms, off, style) {
    var lower = zone.name.toLowerCase(), long = style === "long";
    if (zone.name === "UTC") return long ? "Coordinated Universal Time" : "UTC";
    var base = US_BASE[lower];
    if (base !== undefined) {
      var names = US_NAMES[String(base)];
      if (off === base) return names[long ? 1 : 0];
      if (off === base + 60) return names[long ? 3 : 2];
    }
    if (long && LONG_NAMES[lower]) {
      var longNames = LONG_NAMES[lower];
      var std = Math.min(zoneOffset(zone, ms - 182 * 864e5), zoneOffset(zone, ms + 182 * 864e5), off);
      return longNames[off !== std && longNames[1] ? 1 : 0];
    }
    return gmtName(off, long);
  }

  DateTimeFormat.prototype.formatToParts = function (date) {
    var ms = toMillis(date), o = this._opts, zone = this._zone;
    var off = zoneOffset(zone, ms);
    var d = new Date(ms + off * 60000);
    var y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate(), wd = d.getUTCDay();
    var h = d.getUTCHours(), mi = d.getUTCMinutes(), s = d.getUTCSeconds();
    var parts = [];
    function lit(v) { parts.push({ type: "literal", value: v }); }
    function part(t, v) { parts.push({ type: t, value: v }); }
    var era = y <= 0 ? 1 : 0, yy = y <= 0 ? 1 - y : y;
    var yearStr = o.year === "2-digit" ? pad(yy % 100, 2) : String(yy);
    var textMonth = o.month === "long" || o.month === "short" || o.month === "narrow";
    var monthStr = o.month === "long" ? MONTHS_LONG[mo] : o.month === "short" ? MONTHS_SHORT[mo]
      : o.month === "narrow" ? MONTHS_LONG[mo][0] : o.month === "2-digit" ? pad(mo + 1, 2) : String(mo + 1);
    var dayStr = o.day === "2-digit" ? pad(day, 2) : String(day);
    var eraStr = o.era === "long" ? (era ? "Before Christ" : "Anno Domini") : o.era === "narrow" ? (era ? "B" : "A") : (era ? "BC" : "AD");
    var hasDate = o.year || o.month || o.day || o.weekday;
    // weekday
    if (o.weekday) {
      part("weekday", o.weekday === "long" ? DAYS_LONG[wd] : o.weekday === "short" ? DAYS_SHORT[wd] : DAYS_LONG[wd][0]);
      if (o.year || o.month || o.day) lit(", ");
    }
    if (textMonth) {
      if (o.month) part("month", monthStr);
      if (o.day) { lit(" "); part("day", dayStr); }
      if (o.year) { lit(o.day ? ", " : " "); part("year", yearStr); }
    } else if (o.month || o.day) {
      var first = true;
      if (o.month) { part("month", monthStr); first = false; }
      if (o.day) { if (!first) lit("/"); part("day", dayStr); first = false; }
      if (o.year) { lit("/"); part("year", yearStr); }
    } else if (o.year) {
      part("year", yearStr);
    }
    if (o.era && o.year) { lit(" "); part("era", eraStr); }
    var hasTime = o.hour || o.minute || o.second;
    if (hasTime) {
      if (hasDate) lit(o.month === "long" && o.day ? " at " : ", ");
      var hc = this._hc || "h12";
      var twelve = hc === "h12" || hc === "h11";
      if (o.hour) {
        var hv = h;
        if (hc === "h12") hv = h % 12 === 0 ? 12 : h % 12;
        else if (hc === "h11") hv = h % 12;
        else if (hc === "h24") hv = h === 0 ? 24 : h;
        part("hour", o.hour === "2-digit" ? pad(hv, 2) : String(hv));
      }
      if (o.minute) { if (o.hour) lit(":"); part("minute", o.hour || o.minute === "2-digit" ? pad(mi, 2) : String(mi)); }
      if (o.second) { if (o.hour || o.minute) lit(":"); part("second", o.minute || o.second === "2-digit" ? pad(s, 2) : String(s)); }
      if (o.fractionalSecondDigits) {
        lit(".");
        part("fractionalSecond", pad(d.getUTCMilliseconds(), 3).slice(0, o.fractionalSecondDigits));
      }
      if (o.hour && twelve) { lit("\u202f"); part("dayPeriod", h < 12 ? "AM" : "PM"); }
    }
    if (o.timeZoneName) {
      lit(hasTime ? " " : ", ");
      part("timeZoneName", zoneDisplayName(zone, ms, off, o.timeZoneName === "long" || o.timeZoneName === "longGeneric" ? "long" : "short"));
    }
    return parts;
  };

  // Like V8: formatToParts keeps ICU's U+202F before AM/PM, format() uses a plain space.
  DateTimeFormat.prototype.format = function (date) {
    var parts = this.formatToParts(date), out = "";
    for (var i = 0; i < parts.length; i++) out += parts[i].value;
    return out.replace(/\u202f/g, " ");
  };

  DateTimeFormat.prototype.formatRange = function (a, b) {
    return this.format(a) + " – " + this.format(b);
  };

  DateTimeFormat.prototype.resolvedOptions = function () {
    var r = { locale: this._locale, calendar: "gregory", numberingSystem: "latn", timeZone: this._zone.name };
    if (this._hc) { r.hourCycle = this._hc; r.hour12 = this._hc === "h12" || this._hc === "h11"; }
    var o = this._opts;
    ["weekday", "era", "year", "month", "day", "hour", "minute", "second", "fractionalSecondDigits", "timeZoneName"].forEach(function (k) {
      if (o[k] !== undefined) r[k] = o[k];
    });
    return r;
  };

  DateTimeFormat.supportedLocalesOf = function (locales) {
    return (Array.isArray(locales) ? locales : locales === undefined ? [] : [locales]).map(canonLocale);
  };

  // --------------------------------------------------------- NumberFormat
  var SEPARATORS = {
    en: [",", "."], ja: [",", "."], zh: [",", "."], ko: [",", "."], th: [",", "."], he: [",", "."],
    de: [".", ","], es: [".", ","], it: [".", ","], nl: [".", ","], pt: [".", ","], id: [".", ","],
    tr: [".", ","], da: [".", ","], el: [".", ","], ro: [".", ","], hr: [".", ","], sl: [".", ","],
    fr: ["\u202f", ","], ru: ["\u00a0", ","], uk: ["\u00a0", ","], sv: ["\u00a0", ","], fi: ["\u00a0", ","],
    nb: ["\u00a0", ","], no: ["\u00a0", ","], pl: ["\u00a0", ","], cs: ["\u00a0", ","], sk: ["\u00a0", ","],
    hu: ["\u00a0", ","], bg: ["\u00a0", ","]
  };
  var REGION_SEPARATORS = { "de-CH": ["\u2019", "."], "de-AT": ["\u00a0", ","], "pt-PT": ["\u00a0", ","], "es-MX": [",", "."], "en-ZA": ["\u00a0", ","], "fr-CH": ["\u202f", "."] };
  var CURRENCY_SYMBOLS = { USD: "$", EUR: "\u20ac", GBP: "\u00a3", JPY: "\u00a5", INR: "\u20b9", CNY: "CN\u00a5", CAD: "CA$", AUD: "A$", KRW: "\u20a9", BRL: "R$", MXN: "MX$", ILS: "\u20aa", VND: "\u20ab", NZD: "NZ$", HKD: "HK$", TWD: "NT$", PHP: "\u20b1", XAF: "FCFA" };
  var CURRENCY_DIGITS = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, UGX: 0, XAF: 0, XOF: 0, PYG: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };
  var UNITS = {
    year: ["year", "years", "yr", "yrs", "y"], quarter: ["quarter", "quarters", "qtr", "qtrs", "q"],
    month: ["month", "months", "mth", "mths", "m"], week: ["week", "weeks", "wk", "wks", "w"],
    day: ["day", "days", "day", "days", "d"], hour: ["hour", "hours", "hr", "hr", "h"],
    minute: ["minute", "minutes", "min", "min", "m"], second: ["second", "seconds", "sec", "sec", "s"],
    millisecond: ["millisecond", "milliseconds", "ms", "ms", "ms"]
  };

  function NumberFormat(locales, options) {
    if (!(this instanceof NumberFormat)) return new NumberFormat(locales, options);
    var o = options || {};
    var loc = canonLocale(locales);
    var lang = loc.split("-")[0];
    var sep = REGION_SEPARATORS[loc] || SEPARATORS[lang];
    if (!sep) { loc = "en-US"; sep = SEPARATORS.en; }
    this._locale = loc;
    this._group = sep[0];
    this._decimal = sep[1];
    this._indian = loc === "en-IN" || lang === "hi";
    var style = o.style === undefined ? "decimal" : String(o.style);
    if (["decimal", "percent", "currency", "unit"].indexOf(style) < 0) throw new RangeError("Value " + style + " out of range for Intl.NumberFormat options property style");
    this._style = style;
    var minFD = 0, maxFD = style === "percent" ? 0 : 3;
    if (style === "currency") {
      if (o.currency === undefined) throw new TypeError("Currency code is required with currency style.");
      this._currency = String(o.currency).toUpperCase();
      var cd = CURRENCY_DIGITS[this._currency];
      minFD = maxFD = cd === undefined ? 2 : cd;
      this._currencyDisplay = o.currencyDisplay || "symbol";
    }
    if (style === "unit") {
      if (o.unit === undefined) throw new TypeError("Unit is required with unit style.");
      this._unit = String(o.unit);
      this._unitDisplay = o.unitDisplay || "short";
    }
    var mnfd = o.minimumFractionDigits, mxfd = o.maximumFractionDigits;
    if (mnfd !== undefined) mnfd = checkRange(mnfd, 0, 100, "minimumFractionDigits");
    if (mxfd !== undefined) mxfd = checkRange(mxfd, 0, 100, "maximumFractionDigits");
    if (mnfd !== undefined && mxfd === undefined) mxfd = Math.max(maxFD, mnfd);
    else if (mnfd === undefined && mxfd !== undefined) mnfd = Math.min(minFD, mxfd);
    else if (mnfd === undefined && mxfd === undefined) { mnfd = minFD; mxfd = maxFD; }
    else if (mnfd > mxfd) throw new RangeError("maximumFractionDigits value is out of range.");
    this._minFD = mnfd;
    this._maxFD = mxfd;
    this._minID = o.minimumIntegerDigits === undefined ? 1 : checkRange(o.minimumIntegerDigits, 1, 21, "minimumIntegerDigits");
    if (o.minimumSignificantDigits !== undefined || o.maximumSignificantDigits !== undefined) {
      this._minSD = o.minimumSignificantDigits === undefined ? 1 : checkRange(o.minimumSignificantDigits, 1, 21, "minimumSignificantDigits");
      this._maxSD = o.maximumSignificantDigits === undefined ? 21 : checkRange(o.maximumSignificantDigits, this._minSD, 21, "maximumSignificantDigits");
    }
    var ug = o.useGrouping;
    this._grouping = !(ug === false || ug === "false");
    this._signDisplay = o.signDisplay || "auto";
    this._notation = o.notation || "standard";
  }

  function checkRange(v, lo, hi, name) {
    var n = Number(v);
    if (!isFinite(n) || n < lo || n > hi) throw new RangeError(name + " value is out of range.");
    return Math.floor(n);
  }

  // Decimal digits of |x| as [digits string, exponent] where value = 0.digits * 10^exp
  function decimalDigits(x) {
    var s = x.toExponential(), m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
    var digits = m[1] + (m[2] || ""), exp = +m[3] + 1;
    digits = digits.replace(/0+$/, "");
    if (digits === "") digits = "0";
    return [digits, exp];
  }

  // Round a digit string (value 0.d * 10^exp) to `keep` digits, half away from zero.
  function roundDigits(digits, exp, keep) {
    if (keep < 0) return ["0", 1];
    if (digits.length <= keep) return [digits, exp];
    var head = digits.slice(0, keep).split("").map(Number);
    var up = digits.charCodeAt(keep) - 48 >= 5;
    if (up) {
      var i = head.length - 1;
      while (i >= 0) {
        if (head[i] === 9) { head[i] = 0; i--; } else { head[i]++; break; }
      }
      if (i < 0) { head.unshift(1); exp++; }
    }
    var out = head.join("").replace(/0+$/, "");
    if (out === "") return ["0", 1];
    return [out, exp];
  }

  function fixedString(x, minFD, maxFD, minSD, maxSD) {
    var dd = decimalDigits(x), digits = dd[0], exp = dd[1];
    if (digits === "0") exp = 1;
    var r, fracLen;
    if (maxSD !== undefined) {
      r = digits === "0" ? ["0", 1] : roundDigits(digits, exp, maxSD);
      digits = r[0]; exp = r[1];
      var sig = Math.max(digits.length, minSD);
      fracLen = Math.max(0, sig - exp);
    } else {
      r = digits === "0" ? ["0", 1] : roundDigits(digits, exp, exp + maxFD);
      digits = r[0]; exp = r[1];
      fracLen = Math.max(minFD, Math.min(maxFD, Math.max(0, digits.length - exp)));
    }
    var intPart, frac;
    if (digits === "0") { intPart = "0"; frac = ""; }
    else if (exp <= 0) { intPart = "0"; frac = new Array(-exp + 1).join("0") + digits; }
    else if (exp >= digits.length) { intPart = digits + new Array(exp - digits.length + 1).join("0"); frac = ""; }
    else { intPart = digits.slice(0, exp); frac = digits.slice(exp); }
    while (frac.length < fracLen) frac += "0";
    frac = frac.slice(0, fracLen);
    return [intPart, frac];
  }

  function groupInt(s, sep, indian) {
    if (!indian) return s.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    if (s.length <= 3) return s;
    var last3 = s.slice(-3), rest = s.slice(0, -3);
    return rest.replace(/\B(?=(\d{2})+(?!\d))/g, sep) + sep + last3;
  }

  NumberFormat.prototype.format = function (value) {
    var x = typeof value === "bigint" ? Number(value) : Number(value);
    var neg = x < 0 || (x === 0 && 1 / x < 0);
    var body;
    if (isNaN(x)) { body = "NaN"; neg = false; }
    else if (!isFinite(x)) body = "\u221e";
    else {
      var ax = Math.abs(x);
      if (this._style === "percent") ax = ax * 100;
      var suffix = "";
      if (this._notation === "compact") {
        var units = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
        for (var u = 0; u < units.length; u++) {
          if (ax >= units[u][0]) { ax = ax / units[u][0]; suffix = units[u][1]; break; }
        }
        var ip = fixedString(ax, 0, 0, 1, 2);
        var digitsBefore = ip[0].length;
        var pr = digitsBefore >= 2 ? fixedString(ax, 0, 0) : fixedString(ax, 0, 1);
        body = pr[0] + (pr[1] ? this._decimal + pr[1] : "") + suffix;
      } else {
        var p = fixedString(ax, this._minFD, this._maxFD, this._minSD, this._maxSD);
        var intPart = p[0];
        while (intPart.length < this._minID) intPart = "0" + intPart;
        if (this._grouping) intPart = groupInt(intPart, this._group, this._indian);
        body = intPart + (p[1] ? this._decimal + p[1] : "");
      }
      if (/^[0.,\u00a0\u202f\u2019]*$/.test(body) && this._signDisplay !== "negative") { /* keep -0 sign as ICU does */ }
    }
    if (this._style === "percent") body += "%";
    else if (this._style === "currency") body = this._currencyWrap(body);
    else if (this._style === "unit") body = this._unitWrap(body, Math.abs(x));
    var sign = "";
    if (this._signDisplay === "never") sign = "";
    else if (neg && this._signDisplay !== "negative") sign = "-";
    else if (neg && this._signDisplay === "negative" && x !== 0) sign = "-";
    else if (!neg && (this._signDisplay === "always" || (this._signDisplay === "exceptZero" && x !== 0))) sign = "+";
    return sign + body;
  };

  NumberFormat.prototype._currencyWrap = function (body) {
    var code = this._currency, disp = this._currencyDisplay;
    if (disp === "code") return code + "\u00a0" + body;
    if (disp === "name") return body + " " + code;
    var sym = CURRENCY_SYMBOLS[code];
    if (this._locale.split("-")[0] !== "en" && this._decimal === ",") return body + "\u00a0" + (sym || code);
    return sym ? sym + body : code + "\u00a0" + body;
  };

  NumberFormat.prototype._unitWrap = function (body, n) {
    var names = UNITS[this._unit];
    if (!names) return body + " " + this._unit;
    var d = this._unitDisplay;
    if (d === "long") return body + " " + (n === 1 ? names[0] : names[1]);
    if (d === "narrow") return body + names[4];
    return body + " " + (n === 1 ? names[2] : names[3]);
  };

  NumberFormat.prototype.formatToParts = function (value) {
    return [{ type: "literal", value: this.format(value) }];
  };

  NumberFormat.prototype.resolvedOptions = function () {
    var r = {
      locale: this._locale, numberingSystem: "latn", style: this._style,
      minimumIntegerDigits: this._minID, minimumFractionDigits: this._minFD,
      maximumFractionDigits: this._maxFD, useGrouping: this._grouping ? "auto" : false,
      notation: this._notation, signDisplay: this._signDisplay
    };
    if (this._currency) r.currency = this._currency;
    if (this._unit) r.unit = this._unit;
    if (this._maxSD !== undefined) { r.minimumSignificantDigits = this._minSD; r.maximumSignificantDigits = this._maxSD; }
    return r;
  };

  NumberFormat.supportedLocalesOf = DateTimeFormat.supportedLocalesOf;

  // ----------------------------------------------------------- ListFormat
  function ListFormat(locales, options) {
    if (!(this instanceof ListFormat)) return new ListFormat(locales, options);
    var o = options || {};
    this._locale = dtfLocale(locales);
    this._type = o.type || "conjunction";
    this._style = o.style || "long";
  }

  ListFormat.prototype.format = function (list) {
    var items = Array.from(list || [], String);
    if (items.length === 0) return "";
    if (items.length === 1) return items[0];
    var word = this._type === "disjunction" ? "or" : this._style === "short" && this._type === "conjunction" ? "&" : "and";
    if (this._type === "unit") {
      return this._style === "narrow" ? items.join(" ") : items.join(", ");
    }
    if (this._style === "narrow" && this._type === "conjunction") return items.join(", ");
    if (items.length === 2) return items[0] + " " + word + " " + items[1];
    return items.slice(0, -1).join(", ") + ", " + word + " " + items[items.length - 1];
  };

  ListFormat.prototype.resolvedOptions = function () {
    return { locale: this._locale, type: this._type, style: this._style };
  };

  // ---------------------------------------------------------- PluralRules
  function PluralRules(locales, options) {
    if (!(this instanceof PluralRules)) return new PluralRules(locales, options);
    this._locale = dtfLocale(locales);
    this._type = (options && options.type) || "cardinal";
  }

  PluralRules.prototype.select = function (n) {
    n = Number(n);
    if (this._type === "ordinal") {
      var m10 = n % 10, m100 = n % 100;
      if (m10 === 1 && m100 !== 11) return "one";
      if (m10 === 2 && m100 !== 12) return "two";
      if (m10 === 3 && m100 !== 13) return "few";
      return "other";
    }
    return n === 1 ? "one" : "other";
  };

  PluralRules.prototype.resolvedOptions = function () {
    return { locale: this._locale, type: this._type };
  };

  g.Intl = {
    DateTimeFormat: DateTimeFormat,
    NumberFormat: NumberFormat,
    ListFormat: ListFormat,
    PluralRules: PluralRules,
    getCanonicalLocales: function (l) { return DateTimeFormat.supportedLocalesOf(l); }
  };
  g.__al_setSystemZone = function (name) {
    var z = lookupZone(name);
    if (!z) throw new RangeError("Invalid time zone specified: " + name);
    systemZone = z.name;
  };
})(globalThis);
