# ruff: noqa: F811  (fixtures imported from ._execution)
"""The n8n Form Trigger's page through the real daemon: GET ``/form/<path>`` (``/form-test/<path>``
for the saved workflow) renders the form, and what a browser would post from that page (its own
``field-<i>`` names, multipart/form-data) is the submission that starts the run, as n8n's
``formWebhook`` serves both. The path is ``options.path`` (v2.2+), ``path`` (v2, v2.1) or the
webhookId; basic auth, bot filtering and the form ending (text / redirect) as n8n does them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any

from bs4 import BeautifulSoup

from ._execution import ann, create, create_active, wait_run, wclient  # noqa: F401

FIELDS = {"values": [
    {"fieldLabel": "Name", "requiredField": True, "placeholder": "Ada L."},
    {"fieldLabel": "Email", "fieldType": "email"},
    {"fieldLabel": "Colours", "fieldType": "checkbox", "fieldOptions": {"values": [{"option": "red"},
                                                                                  {"option": "blue"}]}},
    {"fieldLabel": "Plan", "fieldType": "dropdown", "fieldOptions": {"values": [{"option": "Free"},
                                                                               {"option": "Pro"}]}},
    {"fieldLabel": "Notes", "fieldType": "textarea"},
    {"fieldLabel": "CV", "fieldType": "file", "acceptFileTypes": ".pdf", "multipleFiles": False},
    {"fieldType": "hiddenField", "fieldName": "source", "fieldValue": "web"},
]}


def form_workflow(version: float = 2.2, **params: Any) -> tuple[dict[str, Any], str]:
    hook = str(uuid.uuid4())
    node = {"id": "form-node", "name": "On form submission", "type": "n8n-nodes-base.formTrigger",
            "typeVersion": version, "position": [0, 0], "webhookId": hook,
            "parameters": {"formTitle": "Contact us", "formDescription": "We answer <b>fast</b>",
                           "formFields": FIELDS, "options": {}, **params}}
    return {"name": f"form {hook[:8]}", "nodes": [node], "connections": {}}, hook


def page(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def runs(client: Any, headers: dict[str, str]) -> list[dict[str, Any]]:
    return client.get("/api/runs", params={"limit": 50}, headers=headers).json()["items"]


def trigger_output(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    [listed] = runs(client, headers)
    run = wait_run(client, headers, listed["id"])
    assert run["status"] == "success", run
    [node] = [n for n in run["nodes"] if n["node_name"] == "On form submission"]
    [item] = node["outputs"]["main"][0]
    return item["json"]


def test_get_renders_the_form_and_its_post_starts_the_run(wclient, ann) -> None:
    h = ann.headers
    definition, hook = form_workflow(options={"buttonLabel": "Send it"})
    create(wclient, h, definition)
    doc = page(wclient.get(f"/form-test/{hook}"))
    assert doc.title.string == "Contact us" and doc.h1.string == "Contact us"
    assert "This is a test version of your form" in doc.text
    assert doc.find("p", class_="description").b.string == "fast"  # sanitized HTML is kept
    form = doc.find("form", id="n8n-form")
    assert form["enctype"] == "multipart/form-data" and form["method"] == "POST"
    assert doc.find("label", attrs={"for": "field-0"}).string == "Name"
    name = form.find("input", attrs={"name": "field-0"})
    assert name.has_attr("required") and name["placeholder"] == "Ada L." and name["type"] == "text"
    assert form.find("input", attrs={"name": "field-1"})["type"] == "email"
    colours = form.find("fieldset", id="field-2")
    assert colours.legend.string == "Colours" and [i["value"] for i in colours.find_all("input")] == ["red", "blue"]
    assert [o.string for o in form.find("select", attrs={"name": "field-3"}).find_all("option")][1:] == ["Free", "Pro"]
    assert form.find("textarea", attrs={"name": "field-4"}) is not None
    cv = form.find("input", attrs={"name": "field-5"})
    assert cv["type"] == "file" and cv["accept"] == ".pdf" and not cv.has_attr("multiple")
    assert form.find("input", attrs={"name": "field-6"})["value"] == "web"
    assert form.find("button", type="submit").string == "Send it"
    assert runs(wclient, h) == []  # showing the form starts nothing

    # what the page's script posts: each named control, the multi-select as a JSON list
    data = {el["name"]: el.get("value", "") for el in form.find_all(["input", "select", "textarea"])
            if el.get("name") and el.get("type") != "file" and not el.find_parent("fieldset")}
    data.update({"field-0": "Ada", "field-1": "ada@example.com", "field-3": "Pro", "field-2": '["blue"]'})
    r = wclient.post(f"/form-test/{hook}", data=data, files={"field-5": ("cv.pdf", b"%PDF", "application/pdf")})
    assert (r.status_code, r.json()) == (200, {"status": 200})
    item = trigger_output(wclient, h)
    assert {k: item[k] for k in ("Name", "Email", "Colours", "Plan", "Notes", "source", "formMode")} == {
        "Name": "Ada", "Email": "ada@example.com", "Colours": ["blue"], "Plan": "Pro", "Notes": "",
        "source": "web", "formMode": "test"}
    assert item["CV"] == {"filename": "cv.pdf", "mimetype": "application/pdf", "size": 4}


def test_the_form_path_option_is_its_url_once_active(wclient, ann) -> None:
    h = ann.headers
    definition, hook = form_workflow(options={"path": "contact"})
    create_active(wclient, h, definition)
    doc = page(wclient.get("/form/contact?Name=Bo"))
    assert "test version" not in doc.text
    assert doc.find("input", attrs={"name": "field-0"})["value"] == "Bo"  # query parameters prefill by label
    assert wclient.get(f"/form/{hook}").status_code == 404
    r = wclient.post("/form/contact?ref=x", data={"field-0": "Bo"}, files={"none": ("", b"", "x/y")})
    assert r.status_code == 200, r.text
    item = trigger_output(wclient, h)
    assert item["Name"] == "Bo" and item["formMode"] == "production" and item["formQueryParameters"] == {"ref": "x"}
    assert wclient.get("/webhook/contact").status_code == 200  # n8n's /webhook/ serves forms too


def test_activation_and_the_webhook_list_show_the_form_url(wclient, ann) -> None:
    h = ann.headers
    definition, _ = form_workflow(options={"path": "signup"})
    wf = create(wclient, h, definition)
    activated = wclient.post(f"/api/workflows/{wf}/activate", headers=h).json()
    assert [w["url"] for w in activated["webhooks"]] == ["/form/signup"]
    [listed] = wclient.get(f"/api/workflows/{wf}/webhooks", headers=h).json()["items"]
    assert listed["production_url"].endswith("/form/signup") and listed["test_url"].endswith("/form-test/signup")
    page(wclient.get("/form/signup"))


def test_v2_1_uses_its_path_parameter(wclient, ann) -> None:
    definition, _ = form_workflow(2.1, path="signup")
    create(wclient, ann.headers, definition)
    assert page(wclient.get("/form-test/signup")).h1.string == "Contact us"


def test_form_ending_text_and_redirect_are_on_the_page(wclient, ann) -> None:
    h = ann.headers
    text, hook = form_workflow(options={"respondWithOptions": {"values": {"respondWith": "text",
                                                                          "formSubmittedText": "Thanks, <b>Ada</b>"}}})
    create(wclient, h, text)
    doc = page(wclient.get(f"/form-test/{hook}"))
    assert doc.find(id="submitted-content").string == "Thanks, <b>Ada</b>"  # shown as text
    assert doc.find(id="redirectUrl") is None

    redirect, hook = form_workflow(options={"respondWithOptions": {"values": {"respondWith": "redirect",
                                                                              "redirectUrl": "example.com/done"}}})
    create(wclient, h, redirect)
    assert page(wclient.get(f"/form-test/{hook}")).find(id="redirectUrl")["href"] == "https://example.com/done"

    unsafe, hook = form_workflow(options={"respondWithOptions": {"values": {"respondWith": "redirect",
                                                                            "redirectUrl": "javascript:alert(1)"}}})
    create(wclient, h, unsafe)
    doc = page(wclient.get(f"/form-test/{hook}"))
    assert doc.find(id="redirectUrl") is None
    assert doc.find(id="submitted-content").string == "Your response has been recorded"


def test_title_is_escaped_and_description_sanitized(wclient, ann) -> None:
    definition, hook = form_workflow(formTitle="<script>alert(1)</script>",
                                     formDescription='<img src="javascript:x" onerror="alert(1)"><script>x()</script>ok')
    create(wclient, ann.headers, definition)
    r = wclient.get(f"/form-test/{hook}")
    assert "<script>alert(1)</script>" not in r.text and "onerror" not in r.text and "x()" not in r.text
    doc = page(r)
    assert doc.h1.string == "<script>alert(1)</script>" and doc.find("p", class_="description").text.strip() == "ok"


def test_basic_auth_protects_the_page_and_the_page_token_posts(wclient, ann) -> None:
    h = ann.headers
    r = wclient.post("/api/credentials", json={"type": "httpBasicAuth", "name": "form login",
                                               "data": {"user": "ann", "password": "pw"}}, headers=h)
    cred = {"httpBasicAuth": {"id": r.json()["id"], "name": "form login"}}
    definition, hook = form_workflow(authentication="basicAuth")
    definition["nodes"][0]["credentials"] = cred
    create(wclient, h, definition)
    url = f"/form-test/{hook}"

    r = wclient.get(url)
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Basic realm="Enter credentials"'
    assert wclient.get(url, auth=("ann", "wrong")).status_code == 401
    body = wclient.get(url, auth=("ann", "pw")).text
    token = hmac.new(b"ann:pw", f"form-node-{hook}".encode(), hashlib.sha256).hexdigest()
    assert f'var authToken = "{token}";' in body  # n8n's generateFormPostBasicAuthToken

    form = {"field-0": "Ada"}
    empty = {"none": ("", b"", "x/y")}
    assert wclient.post(url, data=form, files=empty, headers={"x-auth-token": "0" * 64}).status_code == 401
    assert wclient.post(url, data=form, files=empty, headers={"x-auth-token": token}).status_code == 200
    basic = "Basic " + base64.b64encode(b"ann:pw").decode()
    assert wclient.post(url, data=form, files=empty, headers={"authorization": basic}).status_code == 200
    assert len(runs(wclient, h)) == 2


def test_ignore_bots_refuses_link_previewers(wclient, ann) -> None:
    definition, hook = form_workflow(options={"ignoreBots": True})
    create(wclient, ann.headers, definition)
    preview = {"user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}
    assert wclient.get(f"/form-test/{hook}", headers=preview).status_code == 401
    browser = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
    assert wclient.get(f"/form-test/{hook}", headers=browser).status_code == 200


def _then(definition: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    definition["nodes"].append({"id": "next", "position": [200, 0], **node})
    definition["connections"] = {"On form submission": {"main": [[{"node": node["name"], "type": "main",
                                                                     "index": 0}]]}}
    return definition


def test_last_node_answers_after_the_run_with_no_data(wclient, ann) -> None:
    h = ann.headers
    definition, hook = form_workflow(responseMode="lastNode")
    _then(definition, {"name": "Tag", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "parameters": {
        "assignments": {"assignments": [{"id": "a", "name": "tagged", "value": "yes", "type": "string"}]}}})
    create(wclient, ann.headers, definition)
    r = wclient.post(f"/form-test/{hook}", data={"field-0": "Ada"}, files={"none": ("", b"", "x/y")})
    assert (r.status_code, r.content) == (200, b"")  # responseData noData, once the run is over
    [listed] = runs(wclient, h)
    assert listed["status"] == "success"


def test_last_node_failure_answers_error_in_workflow(wclient, ann) -> None:
    definition, hook = form_workflow(responseMode="lastNode")
    _then(definition, {"name": "Fail", "type": "n8n-nodes-base.stopAndError", "typeVersion": 1,
                       "parameters": {"errorMessage": "nope"}})
    create(wclient, ann.headers, definition)
    r = wclient.post(f"/form-test/{hook}", data={"field-0": "Ada"}, files={"none": ("", b"", "x/y")})
    assert (r.status_code, r.json()) == (500, {"message": "Error in workflow"})  # the page shows its problem card


def test_v2_response_node_answers_what_the_respond_node_sends(wclient, ann) -> None:
    definition, _ = form_workflow(2.1, path="ask", responseMode="responseNode")
    _then(definition, {"name": "Respond", "type": "n8n-nodes-base.respondToWebhook", "typeVersion": 1.1,
                       "parameters": {"respondWith": "json",
                                      "responseBody": '={{ {"formSubmittedText": "Hi " + $json.Name} }}'}})
    create(wclient, ann.headers, definition)
    doc = page(wclient.get("/form-test/ask"))
    assert 'var useResponseData = true;' in str(doc)  # the page reads formSubmittedText / redirectURL
    r = wclient.post("/form-test/ask", data={"field-0": "Ada"}, files={"none": ("", b"", "x/y")})
    assert (r.status_code, r.json()) == (200, {"formSubmittedText": "Hi Ada"})
