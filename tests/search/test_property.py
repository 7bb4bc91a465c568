"""Any string a user can type: never an error, never another workspace's workflow."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automatelanka.services import search

FTS_SYNTAX = st.sampled_from(['"', "'", "*", "-", "(", ")", "NEAR", "AND", "OR", "NOT", ":", "^", "+", "{", "}",
                              "NEAR(", "\\", "%", "_", "&", "|", "!", "<->", ":*", "\x00"])
WORDS = st.sampled_from(["slack", "google", "sheets", "telegram", "email", "twitter", "openai", "bot", "the",
                         "slak", "gogle", "webhook", "a", "zz", "n8n", "zzpublic", "zzalldocs"])
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(FTS_SYNTAX, WORDS, st.text(max_size=8)), max_size=12).map(" ".join),
    st.lists(st.one_of(FTS_SYNTAX, WORDS), max_size=12).map("".join),
)


def test_arbitrary_queries_never_fail_and_stay_in_the_workspace(db, spaces) -> None:
    mine, other = spaces
    theirs = {str(i) for i in other.ids.values()}
    public = {str(other.ids["bot"])}

    @settings(max_examples=150 if db.backend == "sqlite" else 60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(query=QUERIES, include_public=st.booleans(), offset=st.integers(0, 5))
    def check(query: str, include_public: bool, offset: int) -> None:
        with db.engine.connect() as conn:
            found = search.search_workflows(conn, mine.id, query, limit=50, offset=offset,
                                            include_public=include_public, facets=True)
            ids = {r["id"] for r in found.results}
            assert not ids & (theirs - public)
            if not include_public:
                assert not ids & theirs
            search.suggestions(conn, mine.id, query or "x", include_public=include_public)

    check()
