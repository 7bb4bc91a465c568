"""Hunter node against a local fake of the Hunter API v2."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"hunterApi": {"apiKey": "hk"}}
DOMAIN = {"domain": "stripe.com", "organization": "Stripe", "emails": [
    {"value": "a@stripe.com", "type": "personal", "confidence": 92},
    {"value": "b@stripe.com", "type": "generic", "confidence": 80}]}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.hunter", 1, params, credentials=CREDS, base_urls={"hunter": server.url}, **kw)


def test_domain_search_only_emails(fake_server):
    fake_server.route("GET", "/domain-search", (200, {}, {"data": DOMAIN, "meta": {"results": 2}}))
    out = output(run(fake_server, {"domain": "stripe.com", "limit": 10,
                                   "filters": {"seniority": ["senior", "executive"], "type": "personal"}}))
    assert [o["json"]["value"] for o in out] == ["a@stripe.com", "b@stripe.com"]
    req = fake_server.last()
    assert req.arg("api_key") == "hk" and req.arg("domain") == "stripe.com" and req.arg("limit") == "10"
    assert req.arg("seniority") == "senior,executive" and req.arg("type") == "personal"


def test_domain_search_all_pages_merges_company(fake_server):
    def page(req):
        offset = int(req.arg("offset"))
        emails = DOMAIN["emails"][offset // 100: offset // 100 + 1]
        return 200, {}, {"data": {**DOMAIN, "emails": emails}, "meta": {"results": 101, "offset": offset}}

    fake_server.route("GET", "/domain-search", page)
    out = output(run(fake_server, {"domain": "stripe.com", "returnAll": True, "onlyEmails": False}))
    assert len(out) == 1 and out[0]["json"]["organization"] == "Stripe"
    assert [e["value"] for e in out[0]["json"]["emails"]] == ["a@stripe.com", "b@stripe.com"]
    # n8n stops once meta.offset passes meta.results
    assert [r.arg("offset") for r in fake_server.requests] == ["0", "100", "200"]


def test_email_verifier(fake_server):
    fake_server.route("GET", "/email-verifier", (200, {}, {"data": {"status": "valid", "result": "deliverable",
                                                                     "score": 100, "email": "a@stripe.com"}}))
    out = output(run(fake_server, {"operation": "emailVerifier", "email": "a@stripe.com"}))
    assert out == [{"json": {"status": "valid", "result": "deliverable", "score": 100, "email": "a@stripe.com"},
                    "pairedItem": {"item": 0}}]
    assert fake_server.last().arg("email") == "a@stripe.com"


def test_email_finder_error(fake_server):
    fake_server.route("GET", "/email-finder", (401, {}, {"errors": [{"id": "authentication_failed",
                                                                     "details": "No user found for the API key"}]}))
    execution = run(fake_server, {"operation": "emailFinder", "domain": "x.com", "firstname": "A", "lastname": "B"})
    assert error(execution)["message"]
    assert fake_server.last().arg("first_name") == "A" and fake_server.last().arg("last_name") == "B"
