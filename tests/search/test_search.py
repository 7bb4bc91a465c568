"""Searching a workspace's workflows (SQLite FTS5 and PostgreSQL full-text), as the API and CLI do."""

from __future__ import annotations

import itertools
import uuid

import pytest

from automatelanka.services import search
from automatelanka.store.repositories import workflows as repo

from .conftest import SAMPLES, add, workflow


def names(found) -> list[str]:
    return [r["name"] for r in found.results]


def test_a_sentence_finds_the_workflow_it_describes(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.connect() as conn:
        found = search.search_workflows(conn, mine.id, "send a slack message when a google sheet is updated")
        assert names(found)[0] == "Post new rows to the team"
        assert names(search.search_workflows(conn, mine.id, "email me new rss feed items"))[0] == "Morning digest"
        assert names(search.search_workflows(conn, mine.id, "scrape a web page"))[0] == "Price watcher"


def test_keywords_synonyms_and_typos(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.connect() as conn:
        assert names(search.search_workflows(conn, mine.id, "tweet"))[0] == "Tweet new posts"
        assert names(search.search_workflows(conn, mine.id, "spreadsheet slack"))[0] == "Post new rows to the team"
        assert names(search.search_workflows(conn, mine.id, "telgram chatgpt bot"))[0] == "Support bot"
        found = search.search_workflows(conn, mine.id, "gmial attachments to gogle drive")
        assert names(found)[0] == "Invoice archive"
        assert any(c["corrected"] for c in found.understood["integrations"])


def test_results_carry_what_a_caller_shows(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.connect() as conn:
        top = search.search_workflows(conn, mine.id, "rss twitter").results[0]
    assert top["id"] == str(mine.ids["tweets"]) and top["filename"] == "mine_tweets.json"
    assert set(top["integrations"]) >= {"twitter"} and top["score"] > 0
    assert top["trigger_type"] and top["complexity"] == "simple"


def test_only_the_workspace_unless_public_is_asked_for(db, spaces) -> None:
    mine, other = spaces
    with db.engine.connect() as conn:
        found = search.search_workflows(conn, mine.id, "telegram openai", limit=50)
        assert {r["workspace_id"] for r in found.results} == {str(mine.id)}
        found = search.search_workflows(conn, mine.id, "telegram openai", limit=50, include_public=True)
        assert {r["id"] for r in found.results} == {str(mine.ids["bot"]), str(other.ids["bot"])}
        private = search.search_workflows(conn, mine.id, "slack", include_public=True, limit=50)
        assert str(other.ids["sheet_to_slack"]) not in {r["id"] for r in private.results}


def test_filters_and_facets(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.begin() as conn:
        repo.update_workflow(conn, mine.id, mine.ids["hook"], active=True)
        search.index_workflow(conn, repo.get_workflow(conn, mine.id, mine.ids["hook"]))
    with db.engine.connect() as conn:
        f = search.SearchFilters
        assert names(search.search_workflows(conn, mine.id, "", filters=f(trigger_type="webhook"))) == ["Order webhook"]
        assert names(search.search_workflows(conn, mine.id, "", filters=f(active=True))) == ["Order webhook"]
        assert names(search.search_workflows(conn, mine.id, "", filters=f(complexity="medium"))) == ["Price watcher"]
        assert set(names(search.search_workflows(conn, mine.id, "", filters=f(integration="Gmail")))) == {
            "Morning digest", "Invoice archive"}
        assert names(search.search_workflows(conn, mine.id, "new posts", filters=f(integration="twitter"))) == [
            "Tweet new posts"]
        found = search.search_workflows(conn, mine.id, "", facets=True, limit=1)
        assert found.total == len(SAMPLES) and len(found.results) == 1
        triggers = {f["value"]: f["count"] for f in found.facets["trigger_type"]}
        assert triggers["webhook"] == 1 and sum(triggers.values()) == len(SAMPLES)
        assert {"value": "Slack", "count": 1} in found.facets["integration"]
        with pytest.raises(ValueError, match="complexity"):
            search.search_workflows(conn, mine.id, "x", filters=f(complexity="huge"))


def test_paging(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.connect() as conn:
        everything = search.search_workflows(conn, mine.id, "", limit=50)
        pages = [search.search_workflows(conn, mine.id, "", limit=3, offset=o).results for o in (0, 3, 6)]
    assert [r["id"] for p in pages for r in p] == [r["id"] for r in everything.results]


def test_the_index_follows_updates_and_deletes(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.begin() as conn:
        row = repo.update_workflow(conn, mine.id, mine.ids["tweets"], name="Mastodon poster",
                                   definition=workflow("Mastodon poster", "rssFeedReadTrigger", "discord"))
        search.index_workflow(conn, row)
        repo.delete_workflow(conn, mine.id, mine.ids["rss_mail"])
        search.remove_workflow(conn, mine.ids["rss_mail"])
    with db.engine.connect() as conn:
        assert "Tweet new posts" not in names(search.search_workflows(conn, mine.id, "twitter", limit=50))
        assert names(search.search_workflows(conn, mine.id, "discord"))[0] == "Mastodon poster"
        assert "Morning digest" not in names(search.search_workflows(conn, mine.id, "gmail rss", limit=50))


def test_sync_catches_up_with_workflows_saved_without_the_hook(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.begin() as conn:
        quiet = repo.create_workflow(conn, mine.id, name="Quiet one", definition=workflow("Quiet", "notion"))
        repo.delete_workflow(conn, mine.id, mine.ids["hook"])  # no remove_workflow: sync must notice
        assert search.sync(conn, mine.id) == {"indexed": 1, "removed": 1}
        assert search.sync(conn, mine.id) == {"indexed": 0, "removed": 0}
    with db.engine.connect() as conn:
        assert search.search_workflows(conn, mine.id, "notion").results[0]["id"] == str(quiet["id"])


def test_deleted_workflows_never_show_even_if_the_index_lags(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.begin() as conn:
        repo.delete_workflow(conn, mine.id, mine.ids["tweets"])
    with db.engine.connect() as conn:
        assert "Tweet new posts" not in names(search.search_workflows(conn, mine.id, "twitter", limit=50))


def test_similar_workflows_share_integrations(db, spaces) -> None:
    mine, other = spaces
    with db.engine.begin() as conn:
        twin = add(conn, mine.id, "twin", workflow("Sheet alerts", "googleSheets", "slack", "if"))
    with db.engine.connect() as conn:
        found = search.similar(conn, mine.id, mine.ids["sheet_to_slack"])
        assert found[0]["id"] == str(twin)
        assert str(mine.ids["sheet_to_slack"]) not in {r["id"] for r in found}
        with pytest.raises(LookupError):
            search.similar(conn, mine.id, other.ids["sheet_to_slack"])  # another workspace's id
        with pytest.raises(LookupError):
            search.similar(conn, mine.id, uuid.uuid4())


def test_suggestions_complete_integrations_and_names(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.connect() as conn:
        texts = [s["text"] for s in search.suggestions(conn, mine.id, "goog")]
        assert "Google Sheets" in texts and "Google Drive" in texts
        found = search.suggestions(conn, mine.id, "Price")
        assert {"text": "Price watcher", "kind": "workflow"} in found
        assert search.suggestions(conn, mine.id, "") == []


def test_recommendations_follow_what_the_workspace_runs(db, spaces) -> None:
    from automatelanka.store.repositories import runs

    mine, other = spaces
    with db.engine.begin() as conn:
        for _ in range(3):
            runs.create_run(conn, mine.id, mine.ids["bot"], trigger_type="manual")
    with db.engine.connect() as conn:
        found = search.recommend(conn, mine.id)
        assert found and found[0]["id"] == str(other.ids["bot"])  # the public twin of what it runs
        assert str(mine.ids["bot"]) not in {r["id"] for r in found}
        assert search.recommend(conn, mine.id, include_public=False) == [] or all(
            r["workspace_id"] == str(mine.id) for r in search.recommend(conn, mine.id, include_public=False))


def test_search_as_you_type_matches_the_word_being_typed(db, spaces) -> None:
    mine, _ = spaces
    with db.engine.connect() as conn:
        def typed(q: str) -> list[str]:
            return names(search.search_workflows(conn, mine.id, q, prefix=True, limit=50))

        assert typed("invo") == ["Invoice archive"]
        assert names(search.search_workflows(conn, mine.id, "invo")) == []  # without prefix: whole words
        steps = [set(typed(q)) for q in ("pr", "pri", "pric", "price")]
        assert all(later <= earlier for earlier, later in itertools.pairwise(steps))
        assert steps[-2] == steps[-1] == {"Price watcher"} and len(steps[0]) >= 1
        assert typed("slack po") == ["Post new rows to the team"]  # a product, then a word being typed
        assert typed("gmail archi")[0] == "Invoice archive"
        assert "Morning digest" in typed("gmail")  # a whole product name is still understood
        assert typed("invo ") == []  # a trailing space ends the word
