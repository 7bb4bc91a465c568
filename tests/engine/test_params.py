"""node_parameters() against goldens produced by the real n8n NodeHelpers.getNodeParameters.

Goldens are regenerated with ``node tests/engine/params_golden/generate.mjs`` (needs the n8n
reference install); these tests only read the committed JSON.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from automatelanka.engine.params import ParameterResolutionError, node_parameters
from automatelanka.engine.schemas import covered
from automatelanka.engine.workflow import Node

GOLDEN = Path(__file__).parent / "params_golden"


def _cases(name: str) -> list[dict[str, Any]]:
    return json.loads((GOLDEN / name).read_text("utf-8"))


def _node(case: dict[str, Any]) -> Node:
    return Node(name="N", type=case["type"], type_version=case["version"],
                parameters=copy.deepcopy(case["parameters"]))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [f"{c['type'][15:]}@{c['version']}:{c['source'].rsplit('/', 1)[-1]}" for c in cases]


def _check(case: dict[str, Any]) -> None:
    node = _node(case)
    if "error" in case:
        with pytest.raises(ParameterResolutionError):
            node_parameters(node)
        return
    got = node_parameters(node)
    assert got == case["expected"]
    assert json.dumps(got) == json.dumps(case["expected"]), "key order differs from n8n"
    assert node.parameters == case["parameters"], "saved parameters must not be mutated"


DEFAULTS = _cases("defaults.json")
CONFORMANCE = _cases("conformance.json")
CORPUS = _cases("corpus.json")
FUZZ = _cases("fuzz.json")


@pytest.mark.parametrize("case", DEFAULTS, ids=_ids(DEFAULTS))
def test_defaults_match_n8n(case: dict[str, Any]) -> None:
    _check(case)


@pytest.mark.parametrize("case", CONFORMANCE, ids=_ids(CONFORMANCE))
def test_conformance_nodes_match_n8n(case: dict[str, Any]) -> None:
    _check(case)


@pytest.mark.parametrize("case", CORPUS, ids=_ids(CORPUS))
def test_corpus_sample_matches_n8n(case: dict[str, Any]) -> None:
    _check(case)


@pytest.mark.parametrize("case", FUZZ, ids=_ids(FUZZ))
def test_fuzzed_parameters_match_n8n(case: dict[str, Any]) -> None:
    _check(case)


def test_every_schema_version_has_a_defaults_golden() -> None:
    have = {(c["type"], str(c["version"])) for c in DEFAULTS}
    want = {(t, v) for t, versions in covered().items() for v in versions}
    assert want == have


def test_unknown_type_or_version_returns_saved_parameters() -> None:
    params = {"foo": 1}
    assert node_parameters(Node(name="a", type="n8n-nodes-base.nope", type_version=1, parameters=params)) is params
    assert node_parameters(Node(name="b", type="n8n-nodes-base.set", type_version=99, parameters=params)) is params
    assert node_parameters(Node(name="c", type="@n8n/other.set", type_version=1, parameters=params)) is params


def test_spec_examples() -> None:
    def resolve(short: str, version: float, params: dict[str, Any]) -> dict[str, Any]:
        return node_parameters(Node(name="n", type=f"n8n-nodes-base.{short}", type_version=version,
                                    parameters=params))

    assert resolve("set", 3.4, {}) == {"mode": "manual", "duplicateItem": False, "assignments": {},
                                       "includeOtherFields": False, "options": {}}
    assert resolve("splitInBatches", 3, {})["batchSize"] == 1
    # values present but not displayed are dropped; noDataExpression strips a leading "="
    out = resolve("set", 3.4, {"mode": "=raw", "assignments": {"assignments": []}, "bogus": 1})
    assert out["mode"] == "raw" and "assignments" not in out and "bogus" not in out
    # collection children are never defaulted
    assert resolve("set", 3.4, {"options": {"dotNotation": False}})["options"] == {"dotNotation": False}


def test_defaults_are_not_shared_between_results() -> None:
    first = node_parameters(Node(name="a", type="n8n-nodes-base.switch", type_version=3.2, parameters={}))
    first["rules"]["values"].clear()
    second = node_parameters(Node(name="b", type="n8n-nodes-base.switch", type_version=3.2, parameters={}))
    assert second["rules"]["values"]


def test_resolution_is_fast() -> None:
    nodes = [_node(c) for c in (CONFORMANCE + CORPUS)[:100]]
    for n in nodes:  # warm the schema cache
        node_parameters(n)
    start = time.perf_counter()
    for n in nodes:
        node_parameters(n)
    assert time.perf_counter() - start < 0.05
