"""Workflow search: keywords and whole sentences, scoped to a workspace (plus public workflows).

Hooks for the workflow service: call :func:`index_workflow` after a workflow is created or
updated and :func:`remove_workflow` after it is deleted (same connection, same transaction).
:func:`sync` brings the index up to date with the workflows table (new, changed and deleted
workflows) and is cheap when nothing changed.

Ranking: the query is read into concepts (node types, see :mod:`automatelanka.search.query`);
workflows using every product the query names are found with the full-text index, then ordered
by how well their nodes cover all concepts, plus BM25 over names, descriptions and node names.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from automatelanka.search import document, vocab
from automatelanka.search.index import Filters, Index, Match, for_connection
from automatelanka.search.query import ParsedQuery, parse
from automatelanka.search.text import STOP_WORDS, stem, words
from automatelanka.store.db import read_only
from automatelanka.store.schema import runs, workflows

MAX_LIMIT = 200
POOL = 100  # candidates re-ranked per query (at least twice the page)
FACET_POOL = 1000  # matches facets are counted over
RANK_ALL = 2000  # above this many matches, only those matching an optional word are ranked
MAX_TOTAL = RANK_ALL + 1  # totals are counted up to this (more shows as 2001)
ANALYZE_AFTER = 200  # a sync changing this many documents refreshes the planner's statistics
MAX_SOFT_TYPES = 5  # node types per capability word sent to the index
RESULT_COLUMNS = [workflows.c[n] for n in (
    "id", "workspace_id", "name", "filename", "description", "active", "public", "tags", "nodes_count",
    "integrations", "category", "trigger_type", "updated_at",
)]
_ensured: set[tuple[int, str]] = set()


# --- index maintenance ------------------------------------------------------------------------


def _index(conn: Connection) -> Index:
    """The index for ``conn``, created (and filled) on first use inside the caller's transaction."""
    idx = for_connection(conn)
    key = _engine_key(conn.engine)
    if key not in _ensured:
        if idx.ensure():
            sync(conn, _idx=idx)
        else:
            _ensured.add(key)  # it exists: no need to look again in this process
    return idx


def _engine_key(engine: Engine) -> tuple[int, str]:
    return (id(engine), str(engine.url))


def prepare(engine: Engine) -> None:
    """Create the index if needed (filling it from the workflows table) and commit. Cheap once done."""
    if _engine_key(engine) in _ensured:
        return
    with engine.begin() as conn:
        _index(conn)
    _ensured.add(_engine_key(engine))


def rebuild(engine: Engine) -> dict[str, int]:
    """Drop the index and build it again from every workflow, then optimise it."""
    with engine.begin() as conn:
        idx = for_connection(conn)
        idx.drop()
        idx.ensure()
        counts = sync(conn, _idx=idx)
    with engine.connect() as conn:
        for_connection(conn).optimize()
        conn.commit()
    _ensured.add(_engine_key(engine))
    return counts


_checked: dict[tuple[tuple[int, str], uuid.UUID], float] = {}
FRESH_S = 2.0


def refresh(engine: Engine, workspace_id: uuid.UUID, *, max_age: float = FRESH_S) -> bool:
    """Make sure the index has the workspace's latest workflows, even ones saved without the hooks.

    Compares the workflow count and newest ``updated_at`` with the index (two index-only queries),
    at most every ``max_age`` seconds per workspace, and syncs the workspace when they differ. On
    PostgreSQL it also refreshes the index's planner statistics once many documents changed.
    Returns whether it wrote anything (a reader that began before must begin again to see it).
    """
    created = _engine_key(engine) not in _ensured
    prepare(engine)
    key = (_engine_key(engine), workspace_id)
    now = time.monotonic()
    if now - _checked.get(key, -1e9) < max_age:
        return created
    with read_only(engine.connect()) as conn:
        have = conn.execute(select(func.count(), func.max(workflows.c.updated_at))
                            .where(workflows.c.workspace_id == workspace_id)).one()
        indexed = for_connection(conn).summary(workspace_id)
        stale_stats = _stats_due(conn, now)
    changed = have[0] != indexed[0] or (str(have[1]) != str(indexed[1]) and have[1] != indexed[1])
    if changed or stale_stats:
        with engine.begin() as conn:
            counts = sync(conn, workspace_id) if changed else {"indexed": 0, "removed": 0}
            if stale_stats and counts["indexed"] + counts["removed"] < ANALYZE_AFTER:  # else sync did
                for_connection(conn).analyze()
    _checked[key] = now
    return created or changed or stale_stats


_stats_checked: dict[tuple[int, str], float] = {}


def _stats_due(conn: Connection, now: float) -> bool:
    """Whether the index's planner statistics need refreshing (looked at most every FRESH_S per engine)."""
    key = _engine_key(conn.engine)
    if now - _stats_checked.get(key, -1e9) < FRESH_S:
        return False
    _stats_checked[key] = now
    return for_connection(conn).stale_statistics()


def index_workflow(conn: Connection, row: dict[str, Any]) -> None:
    """Add or refresh one workflow (a row of the workflows table; its definition is read if absent)."""
    if row.get("definition") is None or "workspace_id" not in row:
        full = conn.execute(select(workflows).where(workflows.c.id == row["id"])).mappings().first()
        if full is None:
            return
        row = dict(full)
    _index_row(conn, _index(conn), row)


def _index_row(conn: Connection, idx: Index, row: dict[str, Any]) -> None:
    definition = row["definition"]
    doc = document.build({**row, "integrations": document.integrations(definition)})
    tags = row.get("tags") or []
    meta = {
        "public": row.get("public"), "active": row.get("active"), "nodes_count": row.get("nodes_count"),
        "updated_at": row.get("updated_at"), "title": row.get("name"), "filename": row.get("filename"),
        "integration_list": json.dumps(list(row.get("integrations") or [])),
        "tag_list": json.dumps([t.get("name") if isinstance(t, dict) else t for t in tags]
                               if isinstance(tags, list) else []),
    }
    idx.upsert(row["id"], row["workspace_id"], doc, meta)


def remove_workflow(conn: Connection, workflow_id: uuid.UUID) -> None:
    """Drop a deleted workflow from the index."""
    _index(conn).delete([workflow_id])


def sync(conn: Connection, workspace_id: uuid.UUID | None = None, *, batch: int = 500,
         _idx: Index | None = None) -> dict[str, int]:
    """Index new and changed workflows, drop deleted ones (one workspace, or all). Returns counts."""
    idx = _idx or _index(conn)
    indexed = idx.indexed(workspace_id)
    stmt = select(workflows.c.id, workflows.c.updated_at)
    if workspace_id is not None:
        stmt = stmt.where(workflows.c.workspace_id == workspace_id)
    current = {r.id: r.updated_at for r in conn.execute(stmt)}
    stale = [wid for wid, at in current.items() if wid not in indexed or (str(indexed[wid]) != str(at)
             and indexed[wid] != at)]
    gone = [wid for wid in indexed if wid not in current]
    for start in range(0, len(stale), batch):
        ids = stale[start : start + batch]
        for row in conn.execute(select(workflows).where(workflows.c.id.in_(ids))).mappings():
            _index_row(conn, idx, dict(row))
    idx.delete(gone)
    if len(stale) + len(gone) >= ANALYZE_AFTER:
        idx.analyze()
    return {"indexed": len(stale), "removed": len(gone)}


# --- search -----------------------------------------------------------------------------------


@dataclass
class SearchFilters:
    """Filters of ``/api/workflows?q=`` and ``/api/ai-search/semantic``."""

    trigger_type: str | None = None
    integration: str | None = None
    complexity: str | None = None  # simple | medium | complex
    active: bool | None = None
    public: bool | None = None


@dataclass
class SearchResults:
    query: str
    total: int
    results: list[dict[str, Any]]
    understood: dict[str, Any] = field(default_factory=dict)
    facets: dict[str, list[dict[str, Any]]] | None = None


def _index_filters(filters: SearchFilters | None) -> Filters:
    if filters is None:
        return Filters()
    low = high = None
    if filters.complexity:
        buckets = {name: (lo, hi) for name, lo, hi in document.COMPLEXITY}
        if filters.complexity not in buckets:
            raise ValueError(f"complexity must be one of {', '.join(buckets)}")
        low, high = buckets[filters.complexity]
    types_any: tuple[tuple[str, ...], ...] = ()
    if filters.integration:
        types_any = (tuple(document.type_token(t) for t in _integration_types(filters.integration)),)
    return Filters(trigger=filters.trigger_type, active=filters.active, public=filters.public,
                   min_nodes=low, max_nodes=high, types_any=types_any)


def _integration_types(name: str) -> list[str]:
    """Node types an integration filter means: a node type (``googleSheets``) or a product name."""
    if name in vocab.nodes():
        fam = vocab.family(name)
        return [t for t in vocab.nodes() if vocab.family(t) == fam] or [name]
    parsed = parse(name)
    strong = [c for c in parsed.concepts if c.strong] or parsed.concepts
    if strong:
        return [t for t, w in strong[0].types.items() if w >= 0.85]
    return [name]


def _groups(parsed: ParsedQuery) -> tuple[list[list[str]], list[str]]:
    """Required groups (one per product named, else one per capability) and optional tokens."""
    required = [c for c in parsed.concepts if c.strong] or parsed.concepts
    groups = [[document.type_token(t) for t in c.types] for c in required]
    optional: list[str] = []
    for c in parsed.concepts:
        if not c.strong:
            best = sorted((t for t, w in c.types.items() if w >= 0.7), key=lambda t: -c.types[t])[:MAX_SOFT_TYPES]
            optional += [f"types:{document.type_token(t)}" for t in best]
    optional += [w for w in parsed.terms if w.isalnum()]
    return groups, list(dict.fromkeys(optional))


@dataclass(frozen=True)
class _Scorer:
    """A parsed query compiled to index tokens, to score candidates quickly."""

    concepts: tuple[tuple[float, dict[str, float]], ...]
    union: dict[str, float]

    @classmethod
    def of(cls, parsed: ParsedQuery) -> _Scorer:
        concepts = []
        union: dict[str, float] = {}
        for c in parsed.concepts:
            tokens = {document.type_token(t): w for t, w in c.types.items()}
            concepts.append((1.0 if c.strong else 0.8, tokens))
            for tok, w in tokens.items():
                union[tok] = max(union.get(tok, 0.0), w)
        return cls(tuple(concepts), union)

    def score(self, m: Match, best_rank: float, text_weight: float = 0.5) -> float:
        types = m.types
        cover = 0.0
        for conf, tokens in self.concepts:
            common = tokens.keys() & types  # set operations run in C: this is the hot loop
            if common:
                cover += max(map(tokens.__getitem__, common)) * conf
        union = self.union
        bonus = sum(map(union.__getitem__, union.keys() & types))
        text = m.rank / best_rank if best_rank > 0 else 0.0
        return cover + 0.15 * min(bonus, 3.0) + text_weight * text


def _partial(query: str, parsed: ParsedQuery) -> str | None:
    """The word being typed at the end of ``query`` when it is a free word (not a product or other
    concept): searched as a prefix in search-as-you-type. A stop word only counts alone (``do`` on
    the way to ``double``; ``send email to`` is not asking for words starting with "to")."""
    if not query or query[-1].isspace():
        return None
    typed = words(query)
    last = typed[-1] if typed else ""
    if len(last) < 2:
        return None
    if parsed.terms and parsed.terms[-1] == stem(last):
        return last
    return last if typed == [last] and last in STOP_WORDS else None


def _ranked(idx: Index, workspace_id: uuid.UUID, parsed: ParsedQuery, *, include_public: bool,
            filters: Filters, want: int, partial: str | None = None) -> tuple[list[tuple[float, Match]], int]:
    """Candidates, scored: those with every required concept and an optional word first (ranked by
    BM25), then the other ones with every required concept, then (if still short) partial matches.
    A ``partial`` word (being typed) is required, as a prefix."""
    groups, optional = _groups(parsed)
    if partial is not None:
        optional = [o for o in optional if o != stem(partial)]
        groups = [*(groups or ([optional] if optional else [])), [f"{partial}*"]]
    if not groups and not optional:
        return [], 0
    groups = groups or [optional]
    required = {t for g in groups for t in g}
    extra_words = [o for o in optional if o not in required and o.removeprefix("types:") not in required]
    scorer = _Scorer.of(parsed)
    pool = max(POOL, 2 * want)
    kw = {"include_public": include_public, "filters": filters}
    total = idx.count(workspace_id, groups, optional, cap=MAX_TOTAL, **kw)
    ranked: list[tuple[float, Match]] = []
    seen: set[Any] = set()

    def add(matches: list[Match], text_weight: float, bonus: float = 0.0) -> None:
        best = max((m.rank for m in matches), default=0.0)
        scored = [(scorer.score(m, best, text_weight) + bonus, m) for m in matches if m.rowid not in seen]
        seen.update(m.rowid for _, m in scored)
        ranked.extend(scored)

    if extra_words:
        add(idx.match(workspace_id, [*groups, extra_words], optional, limit=pool, **kw), 0.5, 10.0)
    if len(ranked) < pool:
        add(idx.match(workspace_id, groups, optional, limit=pool, ranked=total <= RANK_ALL, **kw), 0.15, 10.0)
    if len(ranked) < want:
        typing = [[f"{partial}*"]] if partial is not None else []  # still required
        loose = sorted(required - {f"{partial}*"}) + [o for o in optional if o.startswith("types:")]
        add(idx.match(workspace_id, [loose, *typing] if loose else typing, optional, limit=2 * want + 20, **kw),
            0.5)
    ranked.sort(key=lambda p: -p[0])
    return ranked, max(total, len(ranked))


def _page(conn: Connection, idx: Index, workspace_id: uuid.UUID, page: list[tuple[float, Match]],
          include_public: bool) -> list[dict[str, Any]]:
    """Results for ``page``: shown from the index, each checked against the workflows table
    (still there, and in the workspace or public)."""
    if not page:
        return []
    docs = idx.fetch([m.rowid for _, m in page])
    mine = idx.raw_id(workspace_id)
    out = []
    for score, m in page:
        doc = docs.get(m.rowid)
        ws = doc["owner"] if doc is not None else None
        if ws is None or (ws != mine and not (include_public and doc["public"])):
            continue
        out.append(_result(m.workflow_id, workspace_id if ws == mine else idx.uuid_of(ws), doc, score))
    return out


def _result(workflow_id: uuid.UUID, workspace_id: uuid.UUID, doc: dict[str, Any], score: float) -> dict[str, Any]:
    nodes_count = int(doc.get("nodes_count") or 0)
    return {
        "id": str(workflow_id), "workspace_id": str(workspace_id), "name": doc["title"],
        "filename": doc["filename"], "integrations": json.loads(doc["integration_list"] or "[]"),
        "tags": json.loads(doc["tag_list"] or "[]"), "category": doc["category"] or None,
        "trigger_type": doc["trigger"] or None, "nodes_count": nodes_count,
        "complexity": document.complexity(nodes_count), "active": bool(doc["active"]),
        "public": bool(doc["public"]), "updated_at": str(doc["updated_at"]) if doc["updated_at"] else None,
        "score": round(score, 4),
    }


def understood(parsed: ParsedQuery) -> dict[str, Any]:
    """How the query was read, for display (``al search --explain``, the API's ``understood``)."""
    return {
        "integrations": [
            {"text": c.text, "node_types": sorted(c.types, key=lambda t: -c.types[t])[:6], "required": c.strong,
             "corrected": c.fuzzy}
            for c in parsed.concepts
        ],
        "terms": parsed.terms,
    }


def search_workflows(conn: Connection, workspace_id: uuid.UUID, query: str, *, limit: int = 20, offset: int = 0,
                     filters: SearchFilters | None = None, include_public: bool = False,
                     facets: bool = False, prefix: bool = False) -> SearchResults:
    """Workflows of the workspace (and public ones when ``include_public``) matching ``query``.

    Never raises on the query text; raises ValueError on a bad filter value. An empty query
    lists the workspace's workflows (filtered), most recently updated first. With ``prefix``
    (search as you type) a free word at the very end must match the start of a word
    (``doub`` finds "Double it"), so each key typed narrows the results.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    idx = _index(conn)
    parsed = parse(query or "")
    index_filters = _index_filters(filters)
    partial = _partial(query, parsed) if prefix else None
    if parsed.empty and partial is None:
        return _browse(conn, idx, workspace_id, query or "", limit, offset, index_filters, include_public, facets)
    ranked, total = _ranked(idx, workspace_id, parsed, include_public=include_public, filters=index_filters,
                            want=max(limit + offset, FACET_POOL if facets else 0), partial=partial)
    results = _page(conn, idx, workspace_id, ranked[offset : offset + limit], include_public)
    return SearchResults(query or "", total, results, understood(parsed),
                         _facets([m for _, m in ranked]) if facets else None)


def _browse(conn: Connection, idx: Index, workspace_id: uuid.UUID, query: str, limit: int, offset: int,
            filters: Filters, include_public: bool, facets: bool) -> SearchResults:
    matches = idx.match(workspace_id, [], [], include_public=include_public, filters=filters,
                        limit=max(offset + limit, FACET_POOL if facets else 0))
    results = _page(conn, idx, workspace_id, [(0.0, m) for m in matches[offset : offset + limit]], include_public)
    total = idx.count(workspace_id, [], [], include_public=include_public, filters=filters)
    return SearchResults(query, total, results, {"integrations": [], "terms": []},
                         _facets(matches) if facets else None)


def _facets(matches: list[Match]) -> dict[str, list[dict[str, Any]]]:
    """Counts per trigger type, complexity, integration and visibility over the matches."""
    counts: dict[str, dict[str, int]] = {"trigger_type": {}, "complexity": {}, "integration": {}, "public": {}}
    for m in matches:
        _bump(counts["trigger_type"], m.trigger or "none")
        _bump(counts["complexity"], document.complexity(m.nodes_count))
        _bump(counts["public"], "public" if m.public else "private")
        for name in {_type_name(t) for t in m.types if t.startswith("t")} - {None}:
            _bump(counts["integration"], name)
    out = {k: [{"value": v, "count": n} for v, n in sorted(c.items(), key=lambda p: (-p[1], p[0]))]
           for k, c in counts.items()}
    out["integration"] = out["integration"][:20]
    return out


def _bump(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1


def _type_name(token: str) -> str | None:
    t = _token_types().get(token)
    if t is None or t in document.NOISE_TYPES:
        return None
    meta = vocab.nodes().get(t)
    if meta and "Core Nodes" in meta["categories"]:
        return None
    return vocab.display_name(vocab.family(t)) if vocab.family(t) in vocab.nodes() else vocab.display_name(t)


_TOKENS: dict[str, str] = {}


def _token_types() -> dict[str, str]:
    if not _TOKENS:
        _TOKENS.update({document.type_token(t): t for t in vocab.nodes()})
    return _TOKENS


# --- similar, suggestions, recommendations ----------------------------------------------------


def similar(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, *, limit: int = 10,
            include_public: bool = False) -> list[dict[str, Any]]:
    """Workflows sharing integrations and structure with ``workflow_id`` (LookupError if absent)."""
    row = conn.execute(select(workflows).where(workflows.c.workspace_id == workspace_id,
                                               workflows.c.id == workflow_id)).mappings().first()
    if row is None:
        raise LookupError("workflow not found")
    types = [t for t in document.node_types(row["definition"]) if t not in document.NOISE_TYPES]
    if not types:
        return []
    mine = {document.type_token(t) for t in types}
    idx = _index(conn)
    tokens = [document.type_token(t) for t in types]
    matches = idx.match(workspace_id, [tokens], [f"types:{t}" for t in tokens], include_public=include_public,
                        filters=Filters(), limit=POOL)
    scored = []
    for m in matches:
        if m.workflow_id == workflow_id:
            continue
        theirs = {t for t in m.types if t.startswith("t")} - {document.type_token(t) for t in document.NOISE_TYPES}
        shared = mine & theirs
        jaccard = len(shared) / len(mine | theirs) if mine | theirs else 0.0
        size = 1.0 - abs(m.nodes_count - int(row["nodes_count"] or 0)) / max(m.nodes_count, row["nodes_count"] or 1, 1)
        scored.append((jaccard + 0.2 * size, m))
    scored.sort(key=lambda p: -p[0])
    return _page(conn, idx, workspace_id, scored[:limit], include_public)


def suggestions(conn: Connection, workspace_id: uuid.UUID, prefix: str, *, limit: int = 10,
                include_public: bool = False) -> list[dict[str, str]]:
    """Completions for ``prefix``: integrations the workspace uses, its workflow names, then other
    products n8n knows."""
    limit = max(1, min(int(limit), 50))
    raw = " ".join((prefix or "").split())
    last = (words(raw) or [""])[-1]
    if not last:
        return []
    used: dict[str, int] = {}
    names: list[str] = []
    for column, value in _index(conn).prefix_terms(workspace_id, last, include_public=include_public, limit=200):
        if column == "title":
            names.append(value)
            continue
        for name in value.split(", "):
            if any(w.startswith(last) for w in words(name)):
                used[name] = used.get(name, 0) + 1
    out: dict[str, str] = {}
    for name in sorted(used, key=lambda n: (-used[n], n)):
        out.setdefault(name, "integration")
    for name in sorted(set(names), key=lambda n: (not n.lower().startswith(raw.lower()), len(n), n)):
        out.setdefault(name, "workflow")
    for name, name_words in _products():
        if len(out) >= limit * 2:
            break
        if any(w.startswith(last) for w in name_words):
            out.setdefault(name, "integration")
    return [{"text": text, "kind": kind} for text, kind in list(out.items())[:limit]]


@lru_cache(maxsize=1)
def _products() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every product n8n knows (display names, sorted), with their words."""
    names = sorted({vocab.display_name(vocab.family(t)) for t in vocab.nodes() if vocab.family(t) in vocab.nodes()})
    return tuple((name, tuple(words(name))) for name in names)


def recommend(conn: Connection, workspace_id: uuid.UUID, *, limit: int = 10,
              include_public: bool = True) -> list[dict[str, Any]]:
    """Workflows the workspace may want next: like the ones it runs most and recently edited,
    using its integrations, but not already its own copies."""
    limit = max(1, min(int(limit), 50))
    recent_runs = conn.execute(
        select(runs.c.workflow_id).where(runs.c.workspace_id == workspace_id)
        .order_by(runs.c.created_at.desc()).limit(200)
    ).scalars().all()
    recent_edits = conn.execute(
        select(workflows.c.id).where(workflows.c.workspace_id == workspace_id)
        .order_by(workflows.c.updated_at.desc()).limit(20)
    ).scalars().all()
    weight: dict[uuid.UUID, float] = {}
    for n, wid in enumerate(recent_runs):
        weight[wid] = weight.get(wid, 0.0) + 1.0 / (1 + n / 20)
    for n, wid in enumerate(recent_edits):
        weight[wid] = weight.get(wid, 0.0) + 0.5 / (1 + n)
    if not weight:
        return []
    seeds = sorted(weight, key=lambda w: -weight[w])[:10]
    definitions = conn.execute(select(workflows.c.id, workflows.c.definition).where(
        workflows.c.workspace_id == workspace_id, workflows.c.id.in_(seeds))).all()
    type_weight: dict[str, float] = {}
    for wid, definition in definitions:
        for t in document.node_types(definition):
            if t not in document.NOISE_TYPES:
                tok = document.type_token(t)
                type_weight[tok] = type_weight.get(tok, 0.0) + weight[wid]
    if not type_weight:
        return []
    top = sorted(type_weight, key=lambda t: -type_weight[t])[:12]
    idx = _index(conn)
    matches = idx.match(workspace_id, [top], [f"types:{t}" for t in top], include_public=include_public,
                                 filters=Filters(), limit=POOL)
    scored = []
    for m in matches:
        if m.workflow_id in weight:
            continue
        scored.append((sum(type_weight.get(t, 0.0) for t in m.types) / (1 + len(m.types) / 10), m))
    scored.sort(key=lambda p: -p[0])
    return _page(conn, idx, workspace_id, scored[:limit], include_public)


__all__ = [
    "STOP_WORDS", "SearchFilters", "SearchResults", "index_workflow", "recommend", "remove_workflow",
    "search_workflows", "similar", "suggestions", "sync", "understood",
]
