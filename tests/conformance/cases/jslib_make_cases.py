"""Writes the jslib_* conformance workflows (expression extension methods and Luxon
in Set node assignments). Record goldens with /work/shared/conformance/make_golden.py."""

import json
import uuid
from pathlib import Path

HERE = Path(__file__).parent
DATA = [
    {"name": "ada lovelace", "email": "Ada <ada@example.org>", "when": "2024-03-10T06:30:00.000Z", "n": 1234.5678,
     "tags": ["math", "poetry", "math"], "obj": {"a": 1, "b": None, "c": "nil", "d": "keep me"}},
    {"name": "the lord of the rings", "email": "none", "when": "2024-11-03T05:45:10.250Z", "n": -2.5,
     "tags": [], "obj": {}},
]


def uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def workflow(name: str, assignments: list[tuple[str, str, str]], timezone: str | None = None) -> dict:
    code = "return " + json.dumps([{"json": d} for d in DATA]) + ";"
    settings: dict = {"executionOrder": "v1"}
    if timezone:
        settings["timezone"] = timezone
    return {
        "name": name,
        "nodes": [
            {"id": uid(name, "start"), "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
             "position": [220, 300], "parameters": {}},
            {"id": uid(name, "data"), "name": "Data", "type": "n8n-nodes-base.code", "typeVersion": 2,
             "position": [440, 300], "parameters": {"jsCode": code}},
            {"id": uid(name, "set"), "name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4,
             "position": [660, 300], "parameters": {
                 "assignments": {"assignments": [
                     {"id": uid(name, field), "name": field, "value": value, "type": kind}
                     for field, value, kind in assignments]},
                 "includeOtherFields": False, "options": {}}},
        ],
        "connections": {
            "Start": {"main": [[{"node": "Data", "type": "main", "index": 0}]]},
            "Data": {"main": [[{"node": "Set", "type": "main", "index": 0}]]},
        },
        "settings": settings,
        "active": False,
        "id": uid(name),
    }


STRINGS = [
    ("title", "={{ $json.name.toTitleCase() }}", "string"),
    ("sentence", "={{ $json.name.toUpperCase().toSentenceCase() }}", "string"),
    ("snake", "={{ $json.name.toSnakeCase() }}", "string"),
    ("md5", "={{ $json.name.hash() }}", "string"),
    ("sha256", "={{ $json.name.hash('sha256') }}", "string"),
    ("sha3", "={{ $json.name.hash('sha3') }}", "string"),
    ("b64", "={{ $json.name.base64Encode() }}", "string"),
    ("b64back", "={{ $json.name.base64Encode().base64Decode() }}", "string"),
    ("email", "={{ $json.email.extractEmail() }}", "string"),
    ("domain", "={{ $json.email.extractDomain() }}", "string"),
    ("isEmail", "={{ $json.email.isEmail() }}", "boolean"),
    ("len", "={{ $json.name.length() }}", "number"),
    ("quoted", "={{ $json.name.quote() }}", "string"),
    ("url", "={{ ('https://x.io/' + $json.name).urlEncode() }}", "string"),
    ("ascii", "={{ ('Ñandú ' + $json.name).replaceSpecialChars() }}", "string"),
    ("words", "={{ $json.name.split(' ').length }}", "number"),
    ("notEmpty", "={{ $json.name.isNotEmpty() }}", "boolean"),
    ("isoQuirk", "={{ $json.when.format('yyyy') }}", "string"),
    ("isoYear", "={{ $json.when.toDateTime().year }}", "number"),
]
NUMBERS = [
    ("rounded", "={{ $json.n.round(2) }}", "number"),
    ("formatted", "={{ $json.n.format() }}", "string"),
    ("euro", "={{ $json.n.format('de-DE', {style: 'currency', currency: 'EUR'}) }}", "string"),
    ("pct", "={{ ($json.n / 10000).format('en-US', {style: 'percent', maximumFractionDigits: 1}) }}", "string"),
    ("int", "={{ $json.n.toInt() }}", "number"),
    ("unique", "={{ $json.tags.unique() }}", "array"),
    ("tagCount", "={{ $json.tags.removeDuplicates().length }}", "number"),
    ("firstTag", "={{ $json.tags.first() }}", "string"),
    ("emptyTags", "={{ $json.tags.isEmpty() }}", "boolean"),
    ("chunks", "={{ [1, 2, 3, 4, 5].chunk(2) }}", "array"),
    ("sum", "={{ [$json.n, 1, 2].sum() }}", "number"),
    ("compact", "={{ $json.obj.compact() }}", "object"),
    ("keys", "={{ $json.obj.keys() }}", "array"),
    ("hasA", "={{ $json.obj.hasField('a') }}", "boolean"),
    ("objEmpty", "={{ $json.obj.isEmpty() }}", "boolean"),
    ("query", "={{ $json.obj.urlEncode() }}", "string"),
    ("json", "={{ $json.obj.toJsonString() }}", "string"),
    ("jmes", "={{ $jmespath($json, 'tags[0]') }}", "string"),
]
DATES = [
    ("iso", "={{ $json.when.toDateTime().toISO() }}", "string"),
    ("ny", "={{ $json.when.toDateTime().setZone('America/New_York').toISO() }}", "string"),
    ("kolkata", "={{ $json.when.toDateTime().setZone('Asia/Kolkata').toFormat('EEEE d MMMM yyyy, h:mm a ZZZZ') }}", "string"),
    ("nyName", "={{ $json.when.toDateTime().setZone('America/New_York').toFormat('ZZZZ') }}", "string"),
    ("local", "={{ DateTime.fromISO('2024-07-01T09:00').toISO() }}", "string"),
    ("plusDay", "={{ $json.when.toDateTime().plus(1, 'days').toISO() }}", "string"),
    ("minusHrs", "={{ $json.when.toDateTime().minus(3, 'hrs').toISO() }}", "string"),
    ("startMonth", "={{ $json.when.toDateTime().beginningOf('month').toISO() }}", "string"),
    ("endMonth", "={{ $json.when.toDateTime().endOfMonth().toISO() }}", "string"),
    ("week", "={{ $json.when.toDateTime().extract() }}", "number"),
    ("weekend", "={{ $json.when.toDateTime().isWeekend() }}", "boolean"),
    ("dst", "={{ $json.when.toDateTime().setZone('America/New_York').isDst() }}", "boolean"),
    ("diffDays", "={{ $json.when.toDateTime().diffTo('2024-01-01T00:00:00Z', 'days') }}", "number"),
    ("human", "={{ $json.when.toDateTime().toLocaleString(DateTime.DATETIME_MED) }}", "string"),
    ("fromMs", "={{ (1705314000000).toDateTime().toFormat('yyyy-MM-dd HH:mm') }}", "string"),
    ("dtObject", "={{ $json.when.toDateTime().setZone('Asia/Kolkata') }}", "string"),
]

if __name__ == "__main__":
    cases = {
        "jslib_string_extensions": workflow("jslib_string_extensions", STRINGS),
        "jslib_number_array_object_extensions": workflow("jslib_number_array_object_extensions", NUMBERS),
        "jslib_luxon_new_york": workflow("jslib_luxon_new_york", DATES, "America/New_York"),
        "jslib_luxon_utc": workflow("jslib_luxon_utc", DATES, "UTC"),
    }
    for name, wf in cases.items():
        (HERE / f"{name}.json").write_text(json.dumps(wf, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(HERE / f"{name}.json")
