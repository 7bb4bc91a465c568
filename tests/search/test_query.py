"""Reading queries: vocabulary, synonyms, typos, and strings that must not break anything."""

from __future__ import annotations

import pytest

from automatelanka.search import vocab
from automatelanka.search.query import parse
from automatelanka.search.synonyms import SYNONYMS


def concepts(text: str) -> dict[str, set[str]]:
    return {c.text: set(c.types) for c in parse(text).concepts}


def test_product_names_and_their_triggers() -> None:
    found = concepts("slack google sheets")
    assert found["slack"] >= {"slack", "slackTrigger"}
    assert found["google sheets"] >= {"googleSheets", "googleSheetsTrigger"}
    assert all(c.strong for c in parse("slack google sheets").concepts)


@pytest.mark.parametrize(("said", "means"), [
    ("spreadsheet", {"googleSheets"}), ("sheet", {"googleSheets"}), ("email", {"gmail", "emailSend", "emailReadImap"}),
    ("tweet", {"twitter"}), ("chatgpt", {"openAi"}), ("scrape", {"httpRequest", "html"}),
    ("every day", {"scheduleTrigger", "cron"}), ("sms", {"twilio"}), ("resize", {"editImage"}),
])
def test_everyday_words_mean_nodes(said: str, means: set[str]) -> None:
    assert means <= set().union(*concepts(f"please {said} things").values())


def test_sentences_keep_their_products_and_drop_filler() -> None:
    parsed = parse("I want to send a Slack message whenever a Google Sheet is updated")
    assert {c.text for c in parsed.concepts if c.strong} == {"slack", "google sheet"}
    assert "want" not in parsed.terms and "a" not in parsed.terms


@pytest.mark.parametrize(("typo", "product"), [("slak", "slack"), ("telgram", "telegram"), ("hubspt", "hubspot"),
                                               ("airtabel", "airtable"), ("gogle sheets", "googleSheets")])
def test_typos_in_product_names_are_corrected(typo: str, product: str) -> None:
    parsed = parse(typo)
    assert any(product in c.types and c.fuzzy for c in parsed.concepts)


def test_real_words_are_not_corrected_into_products() -> None:
    assert parse("process the data").concepts == []
    assert not any(c.fuzzy for c in parse("post a message to the channel").concepts)
    # common English one edit from a node name ("remove", "active") stays itself
    assert not any(c.fuzzy for c in parse("run a command on a remote server over ssh").concepts)
    assert "archive" in parse("unzip an archive of files").terms


@pytest.mark.parametrize(("typo", "node_type"), [
    ("google calender slack", "googleCalendar"),  # calendar (1 edit), not calendly (2)
    ("webhook postgress", "postgres"), ("calendy", "calendlyTrigger"), ("grapql", "graphql"),
    ("googel sheets", "googleSheets"), ("hubspot google shets", "googleSheets"),
])
def test_the_closest_name_wins(typo: str, node_type: str) -> None:
    assert any(node_type in c.types and c.fuzzy for c in parse(typo).concepts)


@pytest.mark.parametrize(("typo", "node_type"), [("emial", "gmail"), ("eror trigger", "errorTrigger"),
                                                 ("uplod to dropbox", "googleDrive")])
def test_typos_in_everyday_words_are_corrected(typo: str, node_type: str) -> None:
    assert node_type in set().union(*concepts(typo).values())


def test_a_core_node_first_word_only_ranks_up() -> None:
    (remove,) = parse("remove the old rows").concepts
    assert remove.types.keys() == {"removeDuplicates"} and not remove.strong


def test_where_data_goes_prefers_the_action_node() -> None:
    (sheet,) = [c for c in parse("export hubspot contacts to a google sheet").concepts if c.text == "google sheet"]
    assert sheet.types["googleSheets"] > sheet.types["googleSheetsTrigger"]
    (source,) = [c for c in parse("when a google sheet is updated").concepts if c.text == "google sheet"]
    assert source.types["googleSheetsTrigger"] >= 0.85


@pytest.mark.parametrize("nasty", ['"', '"unbalanced', "a AND", "NEAR(a b", "*", "-", "((", ")", "x:y", "^",
                                   "a OR OR b", "NOT", "'; DROP TABLE workflows; --", "\x00", "🙂 emoji", " " * 50,
                                   "word " * 500])
def test_any_string_parses(nasty: str) -> None:
    parse(nasty)  # never raises


def test_every_synonym_names_real_node_types() -> None:
    known = set(vocab.nodes())
    unknown = {t for types in SYNONYMS.values() for t in types} - known
    # a few community/new nodes may be missing from the reference install; keep that list short
    assert unknown == set()
