"""Orbit (deprecated: always fails as in n8n) and Cortex nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, run_service

pytest_plugins = ("fakes",)

ORBIT = {"orbitApi": {"accessToken": "orbit-token"}}
ORBIT_MESSAGE = "Service is deprecated, From July 11th Orbit will no longer function."


def test_orbit_fails_with_n8n_deprecation_error_and_sends_nothing(fake_server):
    params = {"operation": "upsert", "workspaceId": "543",
              "identityUi": {"identityValue": {"source": "github", "searchBy": "username", "username": "octo"}},
              "additionalFields": {"name": "Octo"}}
    err = error(run_service("n8n-nodes-base.orbit", 1, params, credentials=ORBIT,
                            base_urls={"orbit": fake_server.url}))
    assert err["message"] == ORBIT_MESSAGE
    assert err.get("description") is None
    assert fake_server.requests == []
    for resource in ("activity", "note", "post"):
        err = error(run_service("n8n-nodes-base.orbit", 1, {"resource": resource, "workspaceId": "1"},
                                credentials=ORBIT))
        assert err["message"] == ORBIT_MESSAGE


def test_orbit_continue_on_fail_passes_input_through():
    execution = run_service("n8n-nodes-base.orbit", 1, {"operation": "getAll", "returnAll": True},
                            items=[{"json": {"a": 1}}], credentials=ORBIT, continue_on_fail=True)
    task = execution.run_data["N"][-1]
    assert task["error"]["message"] == ORBIT_MESSAGE  # n8n keeps the error on the task too
    assert [it["json"] for it in task["data"]["main"][0]] == [{"a": 1}]
