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
