"""Date & Time node v1/v2 and the Luxon look-alike, against values Luxon 3.4 / moment produce."""

from __future__ import annotations

import pytest
from util_harness import run_node

from automatelanka.engine.errors import NodeError
from automatelanka.engine.luxon_format import LDateTime, LZone, from_format, normalize_zone
from automatelanka.engine.nodes.date_time import parse_js_date

DT = "n8n-nodes-base.dateTime"


def v2(params, items=None, **kw):
    out, _ = run_node(DT, 2, params, items or [{"json": {"keep": 1}}], **kw)
    return out[0]


def test_add_and_subtract_print_luxon_iso_in_the_workflow_zone():
    assert v2({"operation": "addToDate", "magnitude": "2024-02-27T10:00:00.000Z", "timeUnit": "days",
               "duration": 3, "outputFieldName": "later"}) == [{"json": {"later": "2024-03-01T10:00:00.000Z"},
                                                              "pairedItem": {"item": 0}}]
    berlin = v2({"operation": "subtractFromDate", "magnitude": "2024-03-31T12:00:00Z", "timeUnit": "months",
                 "duration": 1}, timezone="Europe/Berlin")
    assert berlin[0]["json"] == {"newDate": "2024-02-29T14:00:00.000+01:00"}
    # an IANA UTC zone prints +00:00, a fixed UTC zone prints Z (as Luxon)
    assert v2({"operation": "addToDate", "magnitude": "2024-01-01T00:00:00Z", "duration": 0},
              timezone="Etc/UTC")[0]["json"]["newDate"] == "2024-01-01T00:00:00.000+00:00"


def test_days_follow_the_wall_clock_and_hours_elapsed_time_across_dst():
    base = {"operation": "addToDate", "magnitude": "2024-03-30T10:00:00Z", "duration": 1}
    assert v2({**base, "timeUnit": "days"}, timezone="Europe/Berlin")[0]["json"]["newDate"] == \
        "2024-03-31T11:00:00.000+02:00"
    assert v2({**base, "timeUnit": "hours", "duration": 24}, timezone="Europe/Berlin")[0]["json"]["newDate"] == \
        "2024-03-31T12:00:00.000+02:00"


def test_format_date_with_presets_custom_and_from_format():
    assert v2({"operation": "formatDate", "date": "2024-02-29T13:45:00.000Z", "format": "custom",
               "customFormat": "dd/MM/yyyy HH:mm", "options": {"timezone": True}})[0]["json"] == \
        {"formattedDate": "29/02/2024 13:45"}
    assert v2({"operation": "formatDate", "date": "2024-02-29T13:45:00Z", "format": "MMMM dd yyyy"}
              )[0]["json"]["formattedDate"] == "February 29 2024"
    assert v2({"operation": "formatDate", "date": "31.12.2023", "format": "yyyy-MM-dd",
               "options": {"fromFormat": "dd.MM.yyyy"}})[0]["json"]["formattedDate"] == "2023-12-31"
    assert v2({"operation": "formatDate", "date": 1700000000, "format": "x"})[0]["json"]["formattedDate"] == \
        "1700000000000"
    # an offset in the input string picks an Etc/GMT zone when no timezone option is set
    assert v2({"operation": "formatDate", "date": "2024-01-01T10:00:00+05:00", "format": "custom",
               "customFormat": "HH:mm ZZ"})[0]["json"]["formattedDate"] == "10:00 +05:00"


def test_round_between_extract_and_include_input_fields():
    assert v2({"operation": "roundDate", "date": "2024-05-17T10:20:00Z", "mode": "roundDown", "toNearest": "week"}
              )[0]["json"] == {"roundedDate": "2024-05-13T00:00:00.000Z"}
    assert v2({"operation": "roundDate", "date": "2024-05-17T10:20:00Z", "mode": "roundUp", "to": "month"}
              )[0]["json"] == {"roundedDate": "2024-06-01T00:00:00.000Z"}
    between = v2({"operation": "getTimeBetweenDates", "startDate": "2024-01-01T00:00:00Z",
                  "endDate": "2024-03-15T12:00:00Z", "units": ["month", "day"],
                  "options": {"includeInputFields": True}})
    assert between[0]["json"] == {"keep": 1, "timeDifference": {"months": 2, "days": 14.5}}
    iso = v2({"operation": "getTimeBetweenDates", "startDate": "2024-01-01", "endDate": "2024-01-02T06:00:00Z",
              "units": ["day", "hour"], "options": {"isoString": True}})
    assert iso[0]["json"]["timeDifference"] == "P1DT6H"
    assert v2({"operation": "extractDate", "date": "2024-05-17T10:20:00Z", "part": "week"})[0]["json"] == \
        {"datePart": 20}


def test_invalid_dates_fail_or_become_error_items():
    with pytest.raises(NodeError, match="Invalid date format"):
        v2({"operation": "formatDate", "date": "not a date", "format": "yyyy"})
    assert v2({"operation": "formatDate", "date": "not a date", "format": "yyyy"}, continue_on_fail=True) == \
        [{"json": {"error": "Invalid date format"}}]
    with pytest.raises(NodeError, match="timezone Mars/Base is not valid"):
        v2({"operation": "getCurrentDate", "options": {"timezone": "Mars/Base"}})


def test_v1_format_and_calculate_use_moment_tokens():
    out, _ = run_node(DT, 1, {"action": "format", "value": "2024-02-29T13:45:00Z",
                              "toFormat": "MMMM Do YYYY, h:mm a", "dataPropertyName": "x"}, [{"json": {"a": 1}}])
    assert out[0][0]["json"] == {"a": 1, "x": "February 29th 2024, 1:45 pm"}
    out, _ = run_node(DT, 1, {"action": "format", "value": "2024-02-29T13:45:00Z", "toFormat": "YYYY-MM-DD HH:mm",
                              "options": {"toTimezone": "Asia/Tokyo"}}, [{"json": {}}])
    assert out[0][0]["json"]["data"] == "2024-02-29 22:45"
    out, _ = run_node(DT, 1, {"action": "calculate", "value": "2024-01-31T00:00:00Z", "operation": "add",
                              "duration": 1, "timeUnit": "months", "dataPropertyName": "d"}, [{"json": {}}])
    assert out[0][0]["json"]["d"] == "2024-02-29T00:00:00.000Z"


def test_luxon_formatter_tokens_and_parser():
    moment = LDateTime(parse_js_date("2024-05-05T01:02:03.004Z"), normalize_zone("Asia/Kolkata"))
    assert moment.to_format("yyyy-MM-dd HH:mm:ss.SSS ZZ Z ZZZ a h EEE EEEE MMM d o W kkkk q 'at' D") == \
        "2024-05-05 06:32:03.004 +05:30 +5:30 +0530 AM 6 Sun Sunday May 5 126 18 2024 2 at 5/5/2024"
    parsed = from_format("15/03/2024 14:05", "dd/MM/yyyy HH:mm", LZone("Etc/UTC"))
    assert parsed is not None and parsed.to_iso() == "2024-03-15T14:05:00.000+00:00"
    assert from_format("nope", "dd/MM/yyyy", LZone("Etc/UTC")) is None
    assert normalize_zone("UTC+3").fixed == 180 and normalize_zone("Nowhere/City") is None
