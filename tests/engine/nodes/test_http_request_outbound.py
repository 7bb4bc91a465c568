"""Outbound policy and response size limit, through the HTTP Request node and directly."""

from __future__ import annotations

import pytest
from fakes import FakeServer
from test_http_request import out, run, workflow

from automatelanka.engine.outbound import make_policy
from automatelanka.engine.state import Limits, Services


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def fixed(table: dict[str, list[str]]):
    return lambda host: table[host]


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://metadata.google.internal/x",
                                 "http://[fd00:ec2::254]/", "http://100.100.100.200/"])
def test_metadata_always_denied_even_when_allowed(url: str) -> None:
    policy = make_policy(hosted=False, allow_hosts=("*",))
    with pytest.raises(ValueError, match="metadata"):
        policy(url)


def test_hosted_denies_private_and_loopback_including_via_dns() -> None:
    policy = make_policy(hosted=True, resolver=fixed({"intranet.example": ["10.0.0.5"],
                                                      "api.example": ["93.184.216.34"],
                                                      "rebind.example": ["93.184.216.34", "127.0.0.1"]}))
    for url in ("http://127.0.0.1:8080/", "http://192.168.1.1/", "http://[::1]/", "http://intranet.example/",
                "http://rebind.example/"):
        with pytest.raises(ValueError, match="private or local"):
            policy(url)
    policy("https://api.example/v1")  # public: allowed
    with pytest.raises(ValueError, match="http and https"):
        policy("file:///etc/passwd")


def test_allow_list_wins_over_private_default_and_deny_list_blocks() -> None:
    policy = make_policy(hosted=True, allow_hosts=("10.0.0.0/8", "*.corp.example"), deny_hosts=("bad.example",),
                         resolver=fixed({"db.corp.example": ["172.16.0.9"], "bad.example": ["93.184.216.34"]}))
    policy("http://10.1.2.3/")
    policy("http://db.corp.example/")
    with pytest.raises(ValueError, match="deny list"):
        policy("http://bad.example/")


def test_daemon_admin_api_denied_but_rest_of_daemon_allowed_when_not_hosted() -> None:
    policy = make_policy(hosted=False, daemon_base_url="http://127.0.0.1:5678",
                         resolver=fixed({"localhost": ["127.0.0.1"]}))
    for url in ("http://127.0.0.1:5678/api/admin/users", "http://localhost:5678/api//admin", "http://127.0.0.1:5678/API/Admin"):
        with pytest.raises(ValueError, match="admin API"):
            policy(url)
    policy("http://127.0.0.1:5678/webhook/x")
    policy("http://127.0.0.1:9999/api/admin")  # another service


def test_node_reports_policy_denial_and_checks_every_redirect_hop(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/hop", (302, {"Location": "http://169.254.169.254/latest"}, None))
    services = Services(outbound_policy=make_policy(hosted=False))
    execution, task = run(workflow({"url": fake_server.url + "/hop"}), services)
    assert execution.status == "error"
    assert "not allowed" in task["error"]["message"] and "metadata" in task["error"]["message"]
    hosted = Services(outbound_policy=make_policy(hosted=True))
    execution, task = run(workflow({"url": fake_server.url + "/hop"}), hosted)
    assert "private or local" in task["error"]["message"]
    assert len(fake_server.requests) == 1  # the hosted run never reached the fake


def test_response_size_limit_stops_reading(fake_server: FakeServer) -> None:
    fake_server.route("GET", "/big", (200, {}, b"x" * 5000))
    services = Services(limits=Limits(http_max_response_bytes=1000))
    execution, task = run(workflow({"url": fake_server.url + "/big"}), services)
    assert execution.status == "error" and "larger than the allowed" in task["error"]["message"]
    services = Services(limits=Limits(http_max_response_bytes=10_000))
    assert out(workflow({"url": fake_server.url + "/big"}), services)[0]["binary"]["data"]["fileSize"] == "5 kB"
