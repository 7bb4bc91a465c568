"""Writes cases.json, the expressions whose n8n results make.mjs records."""
import json
from pathlib import Path

D = "DateTime.fromISO('2024-01-15T10:20:30.456Z')"
E = []
def x(expr, tz=None):
    E.append({"expr": expr, **({"tz": tz} if tz else {})})
# ---- Luxon
for e in [
 f"{D}.toISO()", "DateTime.fromISO('2024-01-15').toISO()", "DateTime.fromISO('2024-01-15T10:00:00+05:30').toISO()",
 "DateTime.fromISO('2024-01-15T10:00:00+05:30', {setZone: true}).toISO()",
 "DateTime.fromFormat('15/01/2024 14:05', 'dd/MM/yyyy HH:mm').toISO()",
 "DateTime.fromFormat('January 5, 2024', 'MMMM d, yyyy').toISODate()",
 "DateTime.fromFormat('Mon Jan 15 2024', 'EEE MMM dd yyyy').toISO()",
 "DateTime.fromFormat('bad', 'yyyy').isValid", "DateTime.fromFormat('bad', 'yyyy').invalidReason",
 "DateTime.fromFormat('bad', 'yyyy').toISO()", "DateTime.fromFormat('bad', 'yyyy').toString()",
 "DateTime.fromMillis(1705314000000).toISO()", "DateTime.fromSeconds(1705314000).toFormat('yyyy-MM-dd HH:mm:ss')",
 "DateTime.fromISO('2024-01-15T10:00:00Z').toRelative({base: DateTime.fromISO('2024-01-18T10:00:00Z')})",
 "DateTime.fromISO('2024-01-15T10:00:00Z').toRelative({base: DateTime.fromISO('2024-01-15T08:00:00Z')})",
 "DateTime.fromISO('2024-01-15T10:00:00Z').toRelativeCalendar({base: DateTime.fromISO('2024-01-16T10:00:00Z')})",
 "DateTime.fromRFC2822('Mon, 15 Jan 2024 10:00:00 +0100').toISO()", "DateTime.fromHTTP('Mon, 15 Jan 2024 10:00:00 GMT').toISO()",
 "DateTime.fromSQL('2024-01-15 10:00:00').toISO()", "DateTime.local(2024, 1, 15, 10).toISO()",
 "DateTime.fromObject({year: 2024, month: 7, day: 4, hour: 12}, {zone: 'America/New_York'}).toUTC().toISO()",
 "DateTime.fromISO('2024-03-10T02:30:00', {zone: 'America/New_York'}).toISO()",
 "DateTime.fromISO('2024-11-03T01:30:00', {zone: 'America/New_York'}).toISO()",
 "DateTime.fromISO('2024-03-10T01:30:00', {zone: 'America/New_York'}).plus({hours: 1}).toISO()",
 "DateTime.fromISO('2024-03-09T12:00:00', {zone: 'America/New_York'}).plus({days: 1}).toISO()",
 "DateTime.fromISO('2024-03-10T06:59:59Z').setZone('America/New_York').toISO()",
 "DateTime.fromISO('2024-03-10T07:00:00Z').setZone('America/New_York').toISO()",
 "DateTime.fromISO('2024-11-03T05:30:00Z').setZone('America/New_York').toISO()",
 "DateTime.fromISO('2024-11-03T06:30:00Z').setZone('America/New_York').toISO()",
 "DateTime.fromISO('2024-07-01T12:00:00Z').setZone('America/New_York').toFormat('ZZZZ ZZZZZ z ZZ')",
 "DateTime.fromISO('2024-01-01T12:00:00Z').setZone('America/New_York').toFormat('ZZZZ ZZZZZ')",
 "DateTime.fromISO('2024-01-01T12:00:00Z').setZone('America/New_York').isInDST",
 "DateTime.fromISO('2024-07-01T12:00:00Z').setZone('America/New_York').isInDST",
 "DateTime.fromISO('2024-07-01T12:00:00Z').setZone('America/New_York').offsetNameShort",
 "DateTime.fromISO('2024-07-01T12:00:00Z').setZone('America/New_York').offsetNameLong",
 f"{D}.setZone('Asia/Kolkata').toISO()", f"{D}.setZone('Asia/Kolkata').offset", f"{D}.setZone('Asia/Kolkata').toFormat('ZZZZ ZZZZZ')",
 f"{D}.setZone('Asia/Kolkata').offsetNameLong", f"{D}.setZone('Asia/Kolkata').startOf('day').toISO()",
 "DateTime.fromISO('1940-06-01T00:00:00Z').setZone('Asia/Kolkata').toISO()",
 "DateTime.fromISO('2024-06-15T12:00:00Z').setZone('Europe/London').toFormat('ZZZZ ZZZZZ HH:mm')",
 f"{D}.setZone('Invalid/Zone').isValid", f"{D}.setZone('Invalid/Zone').invalidReason", f"{D}.setZone('Invalid/Zone').toISO()",
 f"{D}.setZone('UTC+3').toISO()", f"{D}.setZone('UTC-5:30').toISO()",
 f"{D}.setZone('America/New_York').startOf('day').toISO()", f"{D}.setZone('America/New_York').endOf('day').toISO()",
 f"{D}.toLocal().toISO()", f"{D}.setZone('Asia/Kolkata').toUTC().toISO()",
 f"{D}.setZone('America/New_York', {{keepLocalTime: true}}).toISO()",
]:
    x(e)
for fmt in ["EEEE, MMMM d, yyyy 'at' h:mm a", "EEE MMM d", "ccc LLL cccc LLLL", "DDD", "DD", "D", "DDDD", "t", "tt", "ttt", "tttt", "T", "TT",
            "f", "ff", "fff", "ffff", "F", "FF", "FFF", "ooo", "kkkk-'W'WW-c", "q qq", "x X", "ZZ Z", "z", "ZZZZ", "ZZZZZ", "yy y yyyyyy", "S SSS u",
            "h hh H HH m mm s ss a", "d dd M MM MMM MMMM MMMMM E EEEEE G GG GGGGG", "W WW o ooo n nn"]:
    x(f"{D}.toFormat({json.dumps(fmt)})")
for fmt in ["D", "f", "tttt"]:
    x(f"{D}.setZone('America/New_York').toFormat({json.dumps(fmt)})")
    x(f"{D}.setZone('Asia/Kolkata').toFormat({json.dumps(fmt)})")
for m in ["", "DateTime.DATE_SHORT", "DateTime.DATE_MED", "DateTime.DATE_MED_WITH_WEEKDAY", "DateTime.DATE_FULL", "DateTime.DATE_HUGE",
          "DateTime.TIME_SIMPLE", "DateTime.TIME_WITH_SECONDS", "DateTime.TIME_WITH_SHORT_OFFSET", "DateTime.TIME_WITH_LONG_OFFSET",
          "DateTime.TIME_24_SIMPLE", "DateTime.TIME_24_WITH_SECONDS", "DateTime.DATETIME_SHORT", "DateTime.DATETIME_MED",
          "DateTime.DATETIME_FULL", "DateTime.DATETIME_HUGE", "DateTime.DATETIME_SHORT_WITH_SECONDS", "DateTime.DATETIME_MED_WITH_WEEKDAY",
          "{weekday: 'long', month: 'long', day: 'numeric'}", "{month: 'short', year: 'numeric'}", "{hour: '2-digit', minute: '2-digit'}"]:
    x(f"{D}.toLocaleString({m})")
    x(f"{D}.setZone('America/New_York').toLocaleString({m})")
for e in [
 f"{D}.plus({{months: 1}}).toISO()", "DateTime.fromISO('2024-01-31T00:00:00Z').plus({months: 1}).toISO()",
 f"{D}.minus({{days: 1, hours: 2}}).toISO()", f"{D}.startOf('week').toISO()", f"{D}.endOf('quarter').toISO()",
 f"{D}.startOf('month').toISO()", f"{D}.endOf('year').toISO()", f"{D}.set({{hour: 3, minute: 4}}).toISO()",
 "DateTime.fromISO('2024-03-01').diff(DateTime.fromISO('2024-01-15'), ['months', 'days']).toObject()",
 "DateTime.fromISO('2024-03-01').diff(DateTime.fromISO('2024-01-15'), 'hours').hours",
 "DateTime.fromISO('2024-03-01').diff(DateTime.fromISO('2024-01-15')).toObject()",
 "DateTime.fromISO('2024-03-11', {zone: 'America/New_York'}).diff(DateTime.fromISO('2024-03-10', {zone: 'America/New_York'}), 'hours').hours",
 "DateTime.fromISO('2024-01-01') < DateTime.fromISO('2024-01-02')", "DateTime.fromISO('2024-01-01').equals(DateTime.fromISO('2024-01-01'))",
 "+DateTime.fromISO('2024-01-01')", "DateTime.fromISO('2024-01-01').hasSame(DateTime.fromISO('2024-01-25'), 'month')",
 "DateTime.max(DateTime.fromISO('2024-01-01'), DateTime.fromISO('2024-05-01')).toISO()",
 "DateTime.min(DateTime.fromISO('2024-01-01'), DateTime.fromISO('2024-05-01')).toISO()",
 "Interval.fromDateTimes(DateTime.fromISO('2024-01-01'), DateTime.fromISO('2024-03-01')).length('days')",
 "Interval.after(DateTime.fromISO('2024-01-01'), {days: 3}).toISO()",
 "Interval.fromDateTimes(DateTime.fromISO('2024-01-01'), DateTime.fromISO('2024-03-01')).contains(DateTime.fromISO('2024-02-01'))",
 "Interval.fromDateTimes(DateTime.fromISO('2024-01-01'), DateTime.fromISO('2024-03-01')).toDuration(['months']).toObject()",
 "Duration.fromObject({hours: 2, minutes: 30}).as('minutes')", "Duration.fromObject({hours: 2, minutes: 30}).toISO()",
 "Duration.fromObject({hours: 2, minutes: 30}).toFormat('hh:mm')", "Duration.fromObject({hours: 2, minutes: 30}).shiftTo('minutes').toObject()",
 "Duration.fromObject({days: 1, hours: 2, minutes: 3}).toHuman()", "Duration.fromObject({days: 1, hours: 2}).toHuman({unitDisplay: 'short'})",
 "Duration.fromObject({days: 1, hours: 2}).toHuman({listStyle: 'long'})",
 "Duration.fromISO('P1DT2H').toMillis()", "Duration.fromMillis(90061001).shiftTo('days', 'hours', 'minutes', 'seconds').toObject()",
 f"[{D}.weekNumber, {D}.weekYear, {D}.ordinal, {D}.daysInMonth, {D}.isInLeapYear, {D}.monthLong, {D}.weekdayShort, {D}.quarter, {D}.weekdayLong, {D}.monthShort]",
 f"[{D}.toISODate(), {D}.toISOTime(), {D}.toISOWeekDate(), {D}.toSQL(), {D}.toHTTP(), {D}.toRFC2822(), {D}.toMillis(), {D}.toSeconds(), {D}.toUnixInteger()]",
 f"{D}.toJSDate().toISOString()", f"{D}.toObject()", f"{D}.toString()", f"{D}.valueOf()", f"JSON.stringify({{d: {D}}})",
 f"{D}.setZone('America/New_York').toString()", f"{D}.toISO({{suppressMilliseconds: true}})", f"{D}.toISO({{includeOffset: false}})",
 f"{D}.toISO({{format: 'basic'}})", f"{D}.toISODate({{format: 'basic'}})",
 f"{D} + ''", f"`${{{D}}}`", f"{D}.setLocale('fr').locale",
 "DateTime.fromISO('2024-01-15').toISO()", "DateTime.fromMillis(0).toISO()",
]:
    x(e)
for tz in ["America/New_York", "Asia/Kolkata"]:
    for e in ["DateTime.fromISO('2024-01-15').toISO()", "DateTime.fromISO('2024-07-15T12:00').toISO()", "DateTime.fromMillis(0).toISO()",
              "'2024-01-15'.toDateTime().toISO()", "'2024-01-15T10:00:00.000Z'.toDateTime().toISO()", "DateTime.local(2024, 7, 1).toISO()",
              "DateTime.fromISO('2024-07-15T12:00:00Z').toFormat('ZZZZ')", "(1705314000000).toDateTime().toISO()",
              "DateTime.fromISO('2024-01-15T10:00:00Z').toLocaleString(DateTime.DATETIME_FULL)", "'2024-01-15T10:00:00Z'.toDateTime().beginningOf('day').toISO()"]:
        x(e, tz)

# ---- extensions through the prototype methods (no null receivers, no .length())
for e in [
 "'hello world'.isEmpty()", "''.isEmpty()", "' '.isNotEmpty()", "'€12.50'.toNumber()", "'$1234'.toNumber()", "'12abc'.toNumber()",
 "'3.7'.toInt()", "'ff'.toInt(16)", "'abc'.toInt()", "'1,5'.toFloat()", "'2.5e3'.toFloat()", "'x'.toFloat()", "'42'.toWholeNumber()", "'4.2'.toDecimalNumber()",
 "'No'.toBoolean()", "'yes'.toBoolean()", "'0'.toBoolean()", "''.toBoolean()", "'FALSE'.toBoolean()",
 "'2024-01-15'.toDateTime().toISO()", "'2024-01-15T10:00:00+02:00'.toDateTime().toISO()", "'Mon, 15 Jan 2024 10:00:00 GMT'.toDateTime().toISO()",
 "'Mon, 15 Jan 2024 10:00:00 +0100'.toDateTime().toISO()", "'2024-01-15 10:00:00'.toDateTime().toISO()", "'31-01-2024'.toDateTime('dd-MM-yyyy').toISO()",
 "'1705314000000'.toDateTime('ms').toISO()", "'1705314000'.toDateTime('s').toISO()", "'garbage'.toDateTime()", "'2024-13-45'.toDateTime()",
 "'20240329'.toDateTime().toISO()", "'31-01-2024'.toDateTime('yyyy').isValid",
 "'2024-01-15'.toDate()", "'2024-01-15T10:00:00Z'.toDate()", "'nope'.toDate()",
 "'the lord of the rings'.toTitleCase()", "'hello-world foo:bar'.toTitleCase()", "'iPhone and macOS are for you'.toTitleCase()",
 "'a tale of two cities: the end'.toTitleCase()", "'HELLO wORLD'.toTitleCase()",
 "'hello WORLD. how ARE you? fine! ok'.toSentenceCase()", "'  123 abc'.toSentenceCase()",
 "'Hello World-foo Bar!'.toSnakeCase()", "'Some.Thing (x) [y]'.toSnakeCase()",
 "'Ñandú café Straße'.replaceSpecialChars()", "'Ελληνικά 你好 Привет'.replaceSpecialChars()",
 "'<p>Hello <b>world</b></p>'.removeTags()", "'a < b and c > d'.removeTags()",
 "'# Title\\n\\n**bold** and _it_ [link](http://x.com) `code`\\n- item\\n1. one'.removeMarkdown()",
 "'a b&c/d?é'.urlEncode()", "'a b&c/d?é'.urlEncode(true)", "'a%20b%26c%2Fd'.urlDecode()", "'a%20b%26c%2Fd'.urlDecode(true)",
 "'say \"hi\"'.quote()", "\"it's\".quote(\"'\")", "'back\\\\slash'.quote()",
 "'abc'.hash()", "'abc'.hash('sha1')", "'abc'.hash('sha224')", "'abc'.hash('sha256')", "'abc'.hash('sha384')", "'abc'.hash('sha512')",
 "'abc'.hash('sha3')", "'abc'.hash('base64')", "'abc'.hash('SHA256')", "'héllo wörld ✓'.hash('sha256')", "'héllo wörld ✓'.hash()", "''.hash()",
 "'x'.hash('crc32')", "'x'.repeat(1000).hash('md5')", "'x'.repeat(1000).hash('sha3')",
 "'héllo'.base64Encode()", "'aGVsbG8='.base64Decode()", "'aGVsbG8'.base64Decode()", "'aMOpbGxv'.base64Decode()", "'a-_b'.base64Decode().length",
 "'a@b.com'.isEmail()", "'not an email'.isEmail()", "'a b@c.com'.isEmail()", "'john.doe+x@mail.example.co.uk'.isEmail()",
 "'https://n8n.io/path?q=1#x'.isUrl()", "'n8n.io'.isUrl()", "'ftp://files.example.com'.isUrl()", "'n8n.io'.isDomain()", "'www.google.co.uk'.isDomain()",
 "'http://x'.isDomain()", "'localhost'.isDomain()",
 "'12.5'.isNumeric()", "'1e3'.isNumeric()", "'12 5'.isNumeric()", "'abc'.isNumeric()", "''.isNumeric()", "'-0.5'.isNumeric()",
 "'Contact me at john.doe@example.com today'.extractEmail()", "'none'.extractEmail()",
 "'Visit https://www.n8n.io/docs?x=1 now'.extractUrl()", "'no url'.extractUrl()",
 "'john@mail.example.com'.extractDomain()", "'https://www.example.com:8080/path'.extractDomain()", "'example.com'.extractDomain()", "'nothing'.extractDomain()",
 "'https://example.com/a/b/../c?x=1'.extractUrlPath()", "'not a url'.extractUrlPath()", "'http://ex.com'.extractUrlPath()",
 "'https://ex.com/a b/é'.extractUrlPath()", "'mailto:someone@x.com'.extractUrlPath()",
 "'{\"a\":1}'.parseJson()", "\"{'a':1}\".parseJson()", "'{bad'.parseJson()", "'abc'.toJsonString()",
 "'2024-01-15T10:00:00.000Z'.format('yyyy')", "'2024-01-15T10:00:00.000Z'.plus(1, 'days')", "'2024-01-15T10:00:00.000Z'.extract('year')",
 "'2024-01-15T10:00:00.000Z'.toDateTime().toISO()", "'2024-01-15T10:00:00.000Z'.isEmpty()", "'2024-01-15T10:00:00.000Z'.toDate()",
 "'2024-01-15T10:00:00.000Z'.isWeekend()", "'2024-01-15T10:00:00.000Z'.toInt()", "'2024-01-15T10:00:00Z'.toInt()",
 "(5.678).round(1)", "(5.5).round()", "(-2.5).round()", "(1.005).round(2)", "(5.9).floor()", "(5.1).ceil()", "(-3).abs()",
 "(5).isInteger()", "(5.5).isInteger()", "(4).isEven()", "(-3).isOdd()", "(3.5).isOdd()", "(0).toBoolean()", "(2.5).toInt()", "(2.5).toFloat()",
 "(1234.5678).format()", "(1234.5678).format('de-DE')", "(0.256).format('en-US', {style: 'percent'})",
 "(1234.5).format('en-US', {style: 'currency', currency: 'USD'})", "(-1234.5).format('en-US', {style: 'currency', currency: 'EUR'})",
 "(1234.5).format('en-US', {minimumFractionDigits: 2})", "(1234567.891).format('en-IN')", "(1234567.891).format('fr-FR')",
 "(0.1 + 0.2).format()", "(1.005).format('en-US', {maximumFractionDigits: 2})", "(-1234.5).format()", "(1e21).format()",
 "(1234.5).format('en-US', {style: 'currency', currency: 'JPY'})", "(5).format('en-US', {minimumIntegerDigits: 3})",
 "(123456).format('en-US', {maximumSignificantDigits: 3})", "(12345.678).format('en-US', {useGrouping: false})", "(0).format()",
 "(1705314000000).toDateTime().toISO()", "(1705314000).toDateTime('s').toISO()", "(1705314000000000).toDateTime('us').toISO()",
 "(45306.5).toDateTime('excel').toISO()", "(1).toDateTime('x')",
 "[1, 2, 3].first()", "[].first()", "[1, 2, 3].last()", "[].isEmpty()", "[1].isNotEmpty()",
 "[{a: 1, b: 2}, {a: 3}, {c: 4}].pluck('a')", "[{a: 1, b: 2}, {a: 3}, {c: 4}].pluck('a', 'b')", "[{a: 1}].pluck()",
 "[1, 2, 2, {a: 1}, {a: 1}, [1], [1]].unique()", "[{a: 1, b: 1}, {a: 1, b: 2}].unique('a')", "[3, 3, 1].removeDuplicates()",
 "[1, 2, 3].sum()", "[1, '2'].sum()", "[3, 1, 2].min()", "[3, 1, 2].max()", "[1, 2, 3, 4].average()", "[].average()", "[].sum()", "[].min()",
 "[null, undefined, '', 0, 'nil', {}, {a: null, b: 1}, [], false].compact()",
 "[{k: 'a', v: 1}, {k: 'b', v: 2}, {k: 'c'}].smartJoin('k', 'v')", "[{k: 'a'}].smartJoin('k')",
 "[1, 2, 3, 4, 5].chunk(2)", "[1].chunk(0)", "[{a: 1, b: 2}, 5].renameKeys('a', 'x')", "[{a: 1}].renameKeys('a')",
 "[{a: 1}, {b: 2}, {a: 3}].merge()", "[{a: 1}, {b: 2}].merge([{a: 9, c: 3}, {b: 5}])", "[{a: 1}].merge('x')",
 "[1, 2, 3].union([3, 4])", "[1, 2, 3].difference([2])", "[1, 2, 3].intersection([2, 3, 4])", "[1].union(5)",
 "[1].append(2, 3)", "[{a: 1}].toJsonString()", "[1].toInt()", "[1].randomItem()", "[].randomItem()", "[1,2,3].includes(2)",
 "({}).isEmpty()", "({a: 1}).isNotEmpty()", "({a: 1}).hasField('a')", "({a: 1}).hasField('isEmpty')", "({a: 1}).hasField('toString')",
 "({a: 1, b: 2}).removeField('a')", "({a: 1}).removeField('zz')", "({a: 'xy', b: 'z', c: 1}).removeFieldsContaining('x')",
 "({a: 'xy', b: 'z', c: 1}).keepFieldsContaining('x')", "({a: 1}).keepFieldsContaining('')", "({a: 1}).removeFieldsContaining(5)",
 "({a: null, b: '', c: 'nil', d: {e: null}, f: {g: 1}, h: [1, null], i: {} }).compact()",
 "({a: 1, b: [1, 2]}).keys()", "({a: 1, b: [1, 2]}).values()", "({a: 'x y', b: 'é&=', c: [1, 2], d: null}).urlEncode()",
 "({a: 1}).toJsonString()", "({a: 1}).toInt()",
 f"{D}.format('yyyy LLL dd')", f"{D}.plus(1, 'days').toISO()", f"{D}.plus(2, 'hrs').toISO()", f"{D}.plus(30, 'min').toISO()",
 f"{D}.minus(1, 'month').toISO()", f"{D}.plus({{weeks: 1}}).toISO()", f"{D}.minus(5, 'sec').toISO()", f"{D}.plus(1, 'ms').toISO()",
 f"{D}.plus(1).toISO()", f"{D}.plus(3, 'quarters').toISO()", f"{D}.plus(1, 'bogus')",
 f"{D}.beginningOf('month').toISO()", f"{D}.beginningOf().toISO()", f"{D}.beginningOf('year').toISO()", f"{D}.beginningOf('hours').toISO()", f"{D}.endOfMonth().toISO()",
 f"{D}.extract('year')", f"{D}.extract()", f"{D}.extract('yearDayNumber')", f"{D}.extract('hour')", f"{D}.extract('weekday')", f"{D}.extract('months')",
 f"{D}.isBetween('2024-01-01', '2024-02-01')", f"{D}.isBetween(DateTime.fromISO('2024-02-01'), DateTime.fromISO('2024-01-01'))",
 f"{D}.isBetween('2024-01-01')", f"{D}.isBetween('junk', '2024-02-01')",
 f"{D}.isDst()", "DateTime.fromISO('2024-07-01T12:00:00Z').setZone('America/New_York').isDst()",
 f"{D}.isWeekend()", "DateTime.fromISO('2024-01-13').isWeekend()",
 f"{D}.diffTo('2024-01-10T10:20:30.456Z')", f"{D}.diffTo('2024-01-10T10:20:30.456Z', 'hours')",
 f"{D}.diffTo('2024-01-10T08:00:00Z', ['days', 'hours'])", f"{D}.diffTo('2024-01-10', 'fortnights')", f"{D}.diffTo(DateTime.fromISO('2025-01-15'), 'months')",
 f"{D}.toInt()", f"{D}.toFloat()", f"{D}.isEmpty()", f"{D}.isNotEmpty()", f"{D}.toBoolean()",
 "DateTime.now().minus(5, 'minutes').isInLast(10, 'minutes')", "DateTime.now().minus(2, 'hours').isInLast(1, 'hours')",
 "DateTime.now().minus(2, 'days').isInLast(3, 'days')",
 "new Date('2024-01-15T10:00:00Z').plus(1, 'days')", "new Date('2024-01-15T10:00:00Z').format('yyyy-MM-dd')",
 "new Date('2024-01-15T10:00:00Z').beginningOf('month')", "new Date('2024-01-15T10:00:00Z').extract('month')",
 "new Date('2024-01-15T10:00:00Z').toInt()", "new Date('2024-01-15T10:00:00Z').toDateTime().toISO()", "new Date('2024-01-13T10:00:00Z').isWeekend()",
 "new Date('2024-01-15T10:00:00Z').endOfMonth()", "new Date('2024-01-15T10:00:00Z').minus(1, 'hour')",
 "true.toInt()", "false.toFloat()", "true.toNumber()", "true.toBoolean()", "true.toDateTime()",
 "(0).isEmpty()", "(5).isNotEmpty()", "true.isEmpty()", "false.isEmpty()",
 "(5).keys()", "false.length", "[1].format",
 "(5).first", "'abc'.sum",
]:
    x(e)
X = []
def ext(value, fn, args=""):
    X.append({"value": value, "fn": fn, "args": args})
for v, f, a in [
 ("'abc'", "length", ""), ("''", "length", ""), ("null", "isEmpty", ""), ("undefined", "isEmpty", ""), ("undefined", "isNotEmpty", ""),
 ("null", "isNotEmpty", ""), ("null", "toTitleCase", ""), ("undefined", "first", ""), ("null", "format", "'yyyy'"),
 ("'2024-01-15T10:00:00.000Z'", "plus", "1, 'days'"), ("'2024-01-15T10:00:00.000Z'", "format", "'yyyy'"),
 ("'2024-01-15T10:00:00.000Z'", "length", ""), ("'2024-01-15T10:00:00.000Z'", "toDateTime", ""),
 ("DateTime.fromISO('2024-01-15T10:00:00Z')", "plus", "1, 'days'"), ("DateTime.fromISO('2024-01-15T10:00:00Z')", "minus", "{hours: 3}"),
 ("DateTime.fromISO('2024-01-15T10:00:00Z')", "toISO", ""), ("({first: function () { return 42; }})", "first", ""),
 ("[1, 2]", "includes", "2"), ("'x'", "__proto__", ""), ("'x'", "constructor", ""), ("'abc'", "toUpperCase", ""), ("5", "toFixed", "2"),
 ("[1, 2]", "keys", ""), ("({a: 1})", "keys", ""), ("Duration.fromObject({hours: 1})", "isEmpty", ""), ("Duration.fromObject({hours: 1})", "keys", ""),
 ("0", "isEmpty", ""), ("''", "isNotEmpty", ""), ("5", "nosuchfn", ""), ("[1, 2, 3]", "sum", ""), ("'abc'", "toInt", ""),
 ("'2024-01-15T10:00:00.000Z'", "toDate", ""), ("({})", "first", ""), ("({a: 1})", "format", "'x'"),
 ("DateTime.fromISO('2024-01-13T10:00:00Z')", "isWeekend", ""), ("'x'", "getPrototypeOf", ""),
 ("[1]", "toTitleCase", ""), ("5", "toTitleCase", ""), ("true", "format", ""), ("'x'", "sum", ""), ("5", "keys", ""), ("'2024-01-15T10:00:00.000Z'", "extract", "'year'"), ("true", "length", ""),
]:
    ext(v, f, a)
J = [
 ["{a: {b: [1, 2, 3]}}", "a.b[1]"], ["{people: [{name: 'a', age: 30}, {name: 'b', age: 20}]}", "people[?age > `25`].name"],
 ["[{n: 1}, {n: 2}]", "[*].n"], ["{a: [3, 1, 2]}", "sort(a)"], ["{a: 'x'}", "length(a)"], ["{a: {b: 1, c: 2}}", "keys(a)"],
 ["{a: [1, 2]}", "max(a)"], ["{a: 1}", "b.c"], ["{x: [{y: 1}, {y: 2}]}", "x[].y | sum(@)"], ["{a: 'x'}", "a | to_string(@)"],
]
P = ["Info.months('long')", "Info.months('short')", "Info.months('narrow')", "Info.weekdays('short')", "Info.weekdays('long')",
     "Info.meridiems()", "Info.eras('long')", "Info.normalizeZone('America/New_York').name", "Info.isValidIANAZone('Asia/Kolkata')",
     "new Intl.NumberFormat('en-US').format(1234.5)", "new Intl.DateTimeFormat('en-US', {timeZone: 'Asia/Kolkata'}).format(new Date(0))",
     "new Intl.DateTimeFormat().resolvedOptions().locale", "FixedOffsetZone.instance(330).name",
     "IANAZone.isValidZone('America/New_York')", "IANAZone.isValidZone('Foo/Bar')",
     "new Intl.DateTimeFormat('en-US', {timeZone: 'UTC', hour: 'numeric', minute: '2-digit'}).formatToParts(new Date(0))"]
CASES = {"plain": P, "exprs": E, "extend": X, "jmespath": [{"data": d, "query": q} for d, q in J]}
Path(__file__).with_name("cases.json").write_text(json.dumps(CASES, indent=1, ensure_ascii=False), encoding="utf-8")
print(len(E), len(X), len(J))
