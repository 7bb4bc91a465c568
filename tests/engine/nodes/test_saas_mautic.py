"""Mautic node against a local fake of the Mautic REST API."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"mauticApi": {"url": "https://m.example.com/", "username": "admin", "password": "pw"}}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.mautic", 1, params, credentials=CREDS, base_urls={"mautic": server.url}, **kw)


def test_create_contact_basic_auth_and_raw_false(fake_server):
    contact = {"id": 47, "fields": {"all": {"id": 47, "email": "a@b.c", "firstname": "Ann"}}}
    fake_server.route("POST", "/api/contacts/new", (201, {}, {"contact": contact}))
    params = {"email": "a@b.c", "firstName": "Ann", "options": {"rawData": False},
              "additionalFields": {"phone": "123", "customFieldsUi": {"customFieldValues": [
                  {"fieldId": "plan", "fieldValue": "pro"}]}}}
    items = output(run(fake_server, params))
    assert items == [{"json": {"id": 47, "email": "a@b.c", "firstname": "Ann"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"admin:pw").decode()
    assert req.json == {"email": "a@b.c", "firstname": "Ann", "lastname": "", "company": "", "position": "",
                        "title": "", "plan": "pro", "phone": "123"}


def test_get_all_contacts_pages(fake_server):
    def contacts(req):
        start = int(req.arg("start"))
        assert req.arg("limit") == "30" and req.arg("orderBy") == "date_added"
        count = 30 if start == 0 else 1
        return 200, {}, {"total": "31", "contacts": {str(start + j): {"id": start + j} for j in range(1, count + 1)}}

    fake_server.route("GET", "/api/contacts", contacts)
    items = output(run(fake_server, {"operation": "getAll", "returnAll": True, "options": {"orderBy": "dateAdded"}}))
    assert len(items) == 31 and items[0]["json"] == {"id": 1}


def test_segment_remove_and_errors_in_ok_answer(fake_server):
    fake_server.route("POST", "/api/segments/3/contact/47/remove", (200, {}, {"success": 1}))
    items = output(run(fake_server, {"resource": "contactSegment", "operation": "remove", "segmentId": 3,
                                     "contactId": 47}))
    assert items[0]["json"] == {"success": 1}
    fake_server.route("PATCH", "/api/contacts/9/edit", (200, {}, {"errors": [{"code": 404, "message": "Item was not found."}]}))
    items = output(run(fake_server, {"operation": "update", "contactId": 9, "updateFields": {"email": "x@y.z"}},
                       continue_on_fail=True))
    assert items[0]["json"] == {"error": "Item was not found."}
    assert "not supported yet" in error(run(fake_server, {"resource": "company", "operation": "create"}))["message"]
