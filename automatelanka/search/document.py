"""What the index stores for a workflow: the text fields and the node types it uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automatelanka.search import vocab
from automatelanka.search.text import split_camel

#: Node types that say nothing about what a workflow does.
NOISE_TYPES = frozenset({"stickyNote", "noOp", "start", "manualTrigger", "stopAndError", "set", "if", "merge"})
TRIGGER_KINDS = (
    ("webhook", ("webhook", "formTrigger", "chatTrigger")),
    ("schedule", ("scheduleTrigger", "cron", "interval")),
    ("manual", ("manualTrigger", "start")),
)
#: Complexity buckets by node count: (name, lowest count, highest count).
COMPLEXITY = (("simple", 0, 5), ("medium", 6, 15), ("complex", 16, 10**9))
#: The always-present token: lets a query add optional words without requiring them.
ALL_TOKEN = "zzalldocs"


def short_type(node_type: str) -> str:
    """``n8n-nodes-base.googleSheets`` -> ``googleSheets``."""
    return str(node_type).rsplit(".", 1)[-1]


def type_token(node_type: str) -> str:
    """The index token of a node type: lower case, one word (``googlesheets``)."""
    return "t" + "".join(ch for ch in short_type(node_type).lower() if ch.isalnum())


def _nodes(definition: Any) -> list[dict[str, Any]]:
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    return [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else []


def node_types(definition: Any) -> list[str]:
    """Distinct short node types of a workflow, in first-use order."""
    seen: dict[str, None] = {}
    for node in _nodes(definition):
        t = short_type(node.get("type") or "")
        if t:
            seen.setdefault(t, None)
    return list(seen)


def integrations(definition: Any) -> list[str]:
    """Display names of the products a workflow talks to (core helper nodes left out)."""
    out: dict[str, None] = {}
    for t in node_types(definition):
        meta = vocab.nodes().get(t)
        if t in NOISE_TYPES or (meta and "Core Nodes" in meta["categories"] and t not in _CORE_INTEGRATIONS):
            continue
        name = vocab.display_name(t)
        for suffix in (" Trigger", " Tool"):
            name = name.removesuffix(suffix)
        out.setdefault(name, None)
    return list(out)


_CORE_INTEGRATIONS = frozenset({"httpRequest", "emailSend", "emailReadImap", "rssFeedRead", "rssFeedReadTrigger",
                                "ftp", "ssh", "git", "n8n", "webhook", "scheduleTrigger", "cron"})


def trigger_type(definition: Any) -> str | None:
    """``webhook``, ``schedule``, ``manual``, ``event`` (a product's trigger) or None."""
    types = node_types(definition)
    for kind, members in TRIGGER_KINDS:
        if any(t in members for t in types):
            return kind
    if any(t.endswith("Trigger") for t in types):
        return "event"
    return None


def complexity(nodes_count: int) -> str:
    for name, low, high in COMPLEXITY:
        if low <= nodes_count <= high:
            return name
    return "complex"


def description_text(definition: Any, stored: str = "") -> str:
    """The workflow's description, sticky notes and node notes, as one text."""
    parts = [stored] if stored else []
    if isinstance(definition, dict):
        for key in ("description",):
            if isinstance(definition.get(key), str) and definition[key] not in parts:
                parts.append(definition[key])
    for node in _nodes(definition):
        if short_type(node.get("type") or "") == "stickyNote":
            content = (node.get("parameters") or {}).get("content")
            if isinstance(content, str):
                parts.append(content)
        notes = node.get("notes")
        if isinstance(notes, str) and notes:
            parts.append(notes)
    return "\n".join(parts)[:20000]


@dataclass(frozen=True)
class Document:
    """One row of the search index."""

    name: str
    description: str
    nodes: str  # display names and split type names
    types: str  # type tokens, one per distinct node type, plus ALL_TOKEN
    integrations: str
    tags: str
    category: str
    trigger: str


def build(row: dict[str, Any]) -> Document:
    """The index document of a workflow row (``name``, ``definition``, ``tags``...)."""
    definition = row.get("definition") or {}
    types = [t for t in node_types(definition)]
    names = []
    for t in types:
        names.append(vocab.display_name(t))
        names.append(split_camel(t))
    tags = row.get("tags") or []
    tag_names = [str(t.get("name") if isinstance(t, dict) else t) for t in tags] if isinstance(tags, list) else []
    integ = row.get("integrations") or integrations(definition)
    return Document(
        name=" ".join(filter(None, [str(row.get("name") or ""), _filename_words(row.get("filename"))])),
        description=description_text(definition, str(row.get("description") or "")),
        nodes=" ".join(names),
        types=" ".join([*(type_token(t) for t in types if t not in ("stickyNote",)), ALL_TOKEN]),
        integrations=", ".join(str(i) for i in integ),
        tags=" ".join(tag_names),
        category=str(row.get("category") or ""),
        trigger=str(row.get("trigger_type") or trigger_type(definition) or ""),
    )


def _filename_words(filename: Any) -> str:
    if not filename:
        return ""
    stem = str(filename).rsplit("/", 1)[-1].removesuffix(".json")
    return " ".join(p for p in stem.replace("-", "_").split("_") if p and not p.isdigit())
