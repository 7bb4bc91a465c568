"""Google Cloud Storage, Google BigQuery and Google Contacts against local fakes."""

from __future__ import annotations

import base64
import re

from fakes import FakeServer
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

NOT_FOUND = {"error": {"code": 404, "message": "No such object: b1/missing.txt",
                       "errors": [{"message": "No such object: b1/missing.txt", "reason": "notFound"}]}}

# -- Google Cloud Storage --------------------------------------------------------------------------

GCS = "n8n-nodes-base.googleCloudStorage"
GCS_CREDS = {"googleCloudStorageOAuth2Api": {"oauthTokenData": {"access_token": "gcs-token"}}}


def _gcs(server: FakeServer, params: dict, *, items=None, continue_on_fail: bool = False):
    return run_service(GCS, 1, params, items=items, credentials=GCS_CREDS,
                       base_urls={"googleCloudStorage": server.url}, continue_on_fail=continue_on_fail)


def _gcs_authed(req) -> None:
    assert req.headers["authorization"] == "Bearer gcs-token"


def test_gcs_object_get_all_return_all_pages(fake_server):
    """The corpus shape: object getAll, returnAll, a prefix filter."""
    pages = {None: {"kind": "storage#objects", "items": [{"name": "agricultural-crops/a.jpg"}],
                    "nextPageToken": "T2"},
             "T2": {"kind": "storage#objects", "items": [{"name": "agricultural-crops/b.jpg"}]}}

    def listing(req):
        _gcs_authed(req)
        assert req.arg("prefix") == "agricultural-crops" and req.arg("projection") == "noAcl"
        assert "maxResults" not in req.query
        return 200, {}, pages[req.arg("pageToken")]

    fake_server.route("GET", "/storage/v1/b/n8n-qdrant-demo/o/", listing)
    params = {"resource": "object", "returnAll": True, "bucketName": "n8n-qdrant-demo",
              "listFilters": {"prefix": "agricultural-crops"}, "requestOptions": {}}
    out = output(_gcs(fake_server, params))
    assert out == [{"json": {"name": "agricultural-crops/a.jpg"}, "pairedItem": {"item": 0}},
                   {"json": {"name": "agricultural-crops/b.jpg"}, "pairedItem": {"item": 0}}]
    assert [r.arg("pageToken") for r in fake_server.requests] == [None, "T2"]


def test_gcs_object_get_all_limit_is_one_page(fake_server):
    fake_server.route("GET", "/storage/v1/b/b1/o/", (200, {}, {"items": [{"name": "x"}], "nextPageToken": "N"}))
    params = {"resource": "object", "bucketName": "b1", "maxResults": 5,
              "listFilters": {"versions": True, "delimiter": "/"}}
    out = output(_gcs(fake_server, params))
    assert [it["json"] for it in out] == [{"name": "x"}]
    assert len(fake_server.requests) == 1
    assert fake_server.last().query == {"projection": ["noAcl"], "versions": ["true"], "delimiter": ["/"],
                                        "maxResults": ["5"]}


def test_gcs_bucket_get_all_default_limit_and_create(fake_server):
    fake_server.route("GET", "/storage/v1/b/", (200, {}, {"items": [{"name": "b1"}, {"name": "b2"}],
                                                          "nextPageToken": "N"}))
    out = output(_gcs(fake_server, {"projectId": "proj", "projection": "full"}))
    assert [it["json"] for it in out] == [{"name": "b1"}, {"name": "b2"}]
    assert fake_server.last().query == {"project": ["proj"], "prefix": [""], "projection": ["full"],
                                        "maxResults": ["200"]}

    def create(req):
        _gcs_authed(req)
        assert req.query == {"project": ["proj"], "projection": ["noAcl"], "predefinedAcl": ["private"]}
        assert req.json == {"name": "nb", "labels": {"env": "dev"}, "location": "EU", "cors": "not json"}
        return 200, {}, {"kind": "storage#bucket", "name": "nb"}

    fake_server.route("POST", "/storage/v1/b/", create)
    params = {"operation": "create", "projectId": "proj", "bucketName": "nb",
              "createAcl": {"predefinedAcl": "private"},
              "createBody": {"labels": "{\"env\": \"dev\"}", "location": "EU", "cors": "not json"}}
    out = output(_gcs(fake_server, params))
    assert out == [{"json": {"kind": "storage#bucket", "name": "nb"}, "pairedItem": {"item": 0}}]


def test_gcs_bucket_get_update_delete(fake_server):
    fake_server.route("GET", "/storage/v1/b/b1", (200, {}, {"name": "b1"}))
    out = output(_gcs(fake_server, {"operation": "get", "bucketName": "b1",
                                    "getFilters": {"ifMetagenerationMatch": 3}}))
    assert out[0]["json"] == {"name": "b1"}
    assert fake_server.last().query == {"projection": ["noAcl"], "ifMetagenerationMatch": ["3"]}
    fake_server.route("PATCH", "/storage/v1/b/b1", (200, {}, {"name": "b1", "versioning": {"enabled": True}}))
    out = output(_gcs(fake_server, {"operation": "update", "bucketName": "b1",
                                    "createBody": {"versioning": "{\"enabled\": true}"}}))
    assert out[0]["json"]["versioning"] == {"enabled": True}
    assert fake_server.last().json == {"versioning": {"enabled": True}}
    fake_server.route("DELETE", "/storage/v1/b/b1", (204, {}, None))
    out = output(_gcs(fake_server, {"operation": "delete", "bucketName": "b1"}))
    assert out == [{"json": {}, "pairedItem": {"item": 0}}]


def test_gcs_object_create_from_binary_multipart(fake_server):
    seen = {}

    def upload(req):
        _gcs_authed(req)
        assert req.query == {"name": ["dir/f.txt"], "uploadType": ["multipart"], "projection": ["full"],
                             "predefinedAcl": ["publicRead"]}
        match = re.fullmatch(r"multipart/related; boundary=(\S+)", req.headers["content-type"])
        assert match
        seen["parts"] = req.body.split(b"--" + match.group(1).encode())
        assert req.headers["x-goog-encryption-algorithm"] == "AES256"
        return 200, {}, {"kind": "storage#object", "name": "dir/f.txt", "size": "5"}

    fake_server.route("POST", "/upload/storage/v1/b/b1/o/", upload)
    items = [{"json": {}, "binary": {"file": {"data": base64.b64encode(b"hello").decode(), "mimeType": "text/csv",
                                              "fileName": "f.csv"}}}]
    params = {"resource": "object", "operation": "create", "bucketName": "b1", "objectName": "dir/f.txt",
              "createBinaryPropertyName": "file", "createQuery": {"predefinedAcl": "publicRead"},
              "createData": {"metadata": "{\"a\": 1}", "contentType": "text/csv"},
              "encryptionHeaders": {"X-Goog-Encryption-Algorithm": "AES256"}}
    out = output(_gcs(fake_server, params, items=items))
    assert out == [{"json": {"kind": "storage#object", "name": "dir/f.txt", "size": "5"}, "pairedItem": {"item": 0}}]
    meta, file = seen["parts"][1], seen["parts"][2]
    assert b'name="metadata"\r\nContent-Type: application/json\r\n\r\n' in meta
    assert meta.split(b"\r\n\r\n", 1)[1] == b'{"name":"dir/f.txt","metadata":{"a":1},"contentType":"text/csv"}\r\n'
    assert file.endswith(b'name="file"\r\nContent-Type: text/csv\r\n\r\nhello\r\n')


def test_gcs_object_create_text_get_media_update_delete(fake_server):
    fake_server.route("POST", "/upload/storage/v1/b/b1/o/", (200, {}, {"name": "t.txt"}))
    params = {"resource": "object", "operation": "create", "bucketName": "b1", "objectName": "t.txt",
              "createFromBinary": False, "createContent": "plain text"}
    assert output(_gcs(fake_server, params))[0]["json"] == {"name": "t.txt"}
    assert b"Content-Type: text/plain\r\n\r\nplain text\r\n" in fake_server.last().body

    fake_server.route("GET", "/storage/v1/b/b1/o/t.txt", (200, {"Content-Type": "text/plain"}, b"plain text"))
    params = {"resource": "object", "operation": "get", "bucketName": "b1", "objectName": "t.txt",
              "alt": "media", "binaryPropertyName": "out"}
    out = output(_gcs(fake_server, params))
    assert out[0]["json"] == {}
    assert base64.b64decode(out[0]["binary"]["out"]["data"]) == b"plain text"
    assert out[0]["binary"]["out"]["fileName"] == "t.txt"
    assert fake_server.last().query == {"alt": ["media"], "projection": ["noAcl"]}

    fake_server.route("PATCH", "/storage/v1/b/b1/o/t.txt", (200, {}, {"name": "t.txt", "acl": []}))
    params = {"resource": "object", "operation": "update", "bucketName": "b1", "objectName": "t.txt",
              "updateData": {"acl": "[]", "cacheControl": "no-cache"}, "metagenAndAclQuery": {"ifGenerationMatch": 7}}
    assert output(_gcs(fake_server, params))[0]["json"] == {"name": "t.txt", "acl": []}
    assert fake_server.last().json == {"acl": [], "cacheControl": "no-cache"}
    assert fake_server.last().query == {"projection": ["full"], "ifGenerationMatch": ["7"]}

    fake_server.route("DELETE", "/storage/v1/b/b1/o/t.txt", (204, {}, None))
    params = {"resource": "object", "operation": "delete", "bucketName": "b1", "objectName": "t.txt"}
    assert output(_gcs(fake_server, params)) == [{"json": {}, "pairedItem": {"item": 0}}]


def test_gcs_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/storage/v1/b/b1/o/missing.txt", (404, {}, NOT_FOUND))
    params = {"resource": "object", "operation": "get", "bucketName": "b1", "objectName": "missing.txt"}
    err = error(_gcs(fake_server, params))
    assert "No such object: b1/missing.txt" in (err["message"] + str(err.get("description")))
    out = output(_gcs(fake_server, params, continue_on_fail=True))
    # n8n's routing node pushes {json: {}, error}; the run shows the error message in json
    assert out[0]["json"] == {"error": "The resource you are requesting could not be found"}
    assert out[0]["error"]["message"] == "The resource you are requesting could not be found"


def test_gcs_unsupported(fake_server):
    err = error(_gcs(fake_server, {"resource": "object", "operation": "compose", "bucketName": "b1"}))
    assert "not supported yet" in err["message"]


# -- Google Contacts -------------------------------------------------------------------------------

CONTACTS = "n8n-nodes-base.googleContacts"
CONTACTS_CREDS = {"googleContactsOAuth2Api": {"oauthTokenData": {"access_token": "people-token"}}}
PERSON = {
    "resourceName": "people/c123", "etag": "%E1", "metadata": {"sources": []},
    "names": [{"metadata": {"primary": True}, "displayName": "Ada L", "givenName": "Ada", "familyName": "L"}],
    "emailAddresses": [{"metadata": {}, "value": "ada@x.io", "type": "home"}, {"value": "a@w.io", "type": "work"},
                       {"value": "x@y.io"}],
    "birthdays": [{"metadata": {}, "date": {"year": 1815, "month": 12, "day": 10}}],
    "nicknames": [{"metadata": {}, "value": "Countess"}],
    "organizations": [{"metadata": {"primary": True}, "name": "n8n", "title": "CTO"}],
    "memberships": [{"metadata": {"source": {"type": "CONTACT", "id": "g1"}},
                     "contactGroupMembership": {"contactGroupId": "myContacts"}}],
}
CLEAN = {"names": {"displayName": "Ada L", "givenName": "Ada", "familyName": "L"},
         "emailAddresses": {"home": ["ada@x.io"], "work": ["a@w.io"], "undefined": ["x@y.io"]},
         "birthdays": "12/10/1815", "nicknames": [{"metadata": {}, "value": "Countess"}],
         "organizations": [{"name": "n8n", "title": "CTO"}], "memberships": ["g1"], "resourceName": "people/c123",
         "etag": "%E1", "contactId": "c123"}


def _contacts(server: FakeServer, params: dict, *, items=None, continue_on_fail: bool = False):
    return run_service(CONTACTS, 1, params, items=items, credentials=CONTACTS_CREDS,
                       base_urls={"googleContacts": server.url}, continue_on_fail=continue_on_fail)


def _people_authed(req) -> None:
    assert req.headers["authorization"] == "Bearer people-token"


def _reorder(person: dict) -> dict:
    """CLEAN in the key order cleanData produces (the answer's order, contactId last)."""
    return {k: CLEAN[k] for k in [*[k for k in person if k != "metadata"], "contactId"]}


def test_contacts_create_corpus_shape(fake_server):
    def create(req):
        _people_authed(req)
        assert not req.query
        assert req.json == {"names": [{"familyName": "n8n", "givenName": "n8n", "middleName": ""}],
                            "birthdays": [{"date": {"day": "05", "month": "03", "year": "1990"}}],
                            "biographies": [{"value": "hi", "contentType": "TEXT_PLAIN"}],
                            "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/g"}}]}
        return 200, {}, {"resourceName": "people/c9", "etag": "e"}

    fake_server.route("POST", "/people:createContact", create)
    params = {"givenName": "n8n", "familyName": "n8n",
              "additionalFields": {"birthday": "1990-03-05T00:00:00", "biographies": "hi",
                                   "group": ["contactGroups/g"]}}
    out = output(_contacts(fake_server, params))
    assert out == [{"json": {"resourceName": "people/c9", "etag": "e", "contactId": "c9"}, "pairedItem": {"item": 0}}]


def test_contacts_update_reads_etag_then_patches(fake_server):
    def get(req):
        _people_authed(req)
        assert req.query == {"personFields": ["Names"]}
        return 200, {}, {"resourceName": "people/c123", "etag": "%EtagX"}

    def patch(req):
        assert req.query == {"personFields": [""], "updatePersonFields": ["organizations,names"]}
        assert req.json == {"etag": "%EtagX", "names": [{}],
                            "organizations": [{"name": "n8n", "title": "n8n", "domain": "n8n.io", "current": True}]}
        return 200, {}, {"resourceName": "people/c123", "organizations": [{"name": "n8n"}]}

    fake_server.route("GET", "/people/c123", get)
    fake_server.route("PATCH", "/people/c123:updateContact", patch)
    params = {"fields": [], "contactId": "c123", "operation": "update",
              "updateFields": {"companyUi": {"companyValues": [{"name": "n8n", "title": "n8n", "domain": "n8n.io",
                                                                 "current": True}]}}}
    out = output(_contacts(fake_server, params))
    assert out[0]["json"] == {"resourceName": "people/c123", "organizations": [{"name": "n8n"}], "contactId": "c123"}


def test_contacts_get_clean_and_raw(fake_server):
    fake_server.route("GET", "/people/c123", (200, {}, PERSON))
    out = output(_contacts(fake_server, {"operation": "get", "contactId": "c123", "fields": ["organizations"]}))
    assert out == [{"json": _reorder(PERSON), "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"personFields": ["organizations"]}
    out = output(_contacts(fake_server, {"operation": "get", "contactId": "c123", "fields": ["*"], "rawData": True}))
    assert out[0]["json"] == {**PERSON, "contactId": "c123"}
    assert fake_server.last().arg("personFields").split(",")[:3] == ["addresses", "biographies", "birthdays"]


def test_contacts_get_all_return_all_with_warmup(fake_server):
    calls = []

    def connections(req):
        _people_authed(req)
        calls.append(dict(req.query))
        if req.query.get("personFields") == ["names"]:
            return 200, {}, {"connections": []}
        if "pageToken" not in req.query:
            return 200, {}, {"connections": [PERSON], "nextPageToken": "P2"}
        return 200, {}, {"connections": [{"resourceName": "people/c2", "nicknames": [{"value": "B"}]}]}

    fake_server.route("GET", "/people:searchContacts", (200, {}, {}))
    fake_server.route("GET", "/people/me/connections", connections)
    params = {"fields": ["emailAddresses", "birthdays", "names", "nicknames"], "options": {},
              "operation": "getAll", "returnAll": True}
    out = output(_contacts(fake_server, params))
    assert out == [{"json": _reorder(PERSON), "pairedItem": {"item": 0}},
                   {"json": {"resourceName": "people/c2", "nicknames": [{"value": "B"}], "contactId": "c2"},
                    "pairedItem": {"item": 0}}]
    warm = fake_server.requests[0]
    assert (warm.path, warm.query) == ("/people:searchContacts", {"query": [""], "readMask": ["names"]})
    fields = ["emailAddresses,birthdays,names,nicknames"]
    assert calls == [{"personFields": ["names"]}, {"personFields": fields, "pageSize": ["100"]},
                     {"personFields": fields, "pageSize": ["100"], "pageToken": ["P2"]}]


def test_contacts_get_all_query_limit_and_delete(fake_server):
    fake_server.route("GET", "/people/me/connections", (200, {}, {}))

    def search(req):
        if req.arg("query") == "":
            return 200, {}, {}
        assert req.query == {"query": ["ada"], "readMask": ["names"], "pageSize": ["2"]}
        return 200, {}, {"results": [{"person": {"resourceName": "people/c1", "names": [{"givenName": "Ada"}]}}]}

    fake_server.route("GET", "/people:searchContacts", search)
    params = {"operation": "getAll", "useQuery": True, "query": "ada", "fields": ["names"], "limit": 2,
              "rawData": True}
    out = output(_contacts(fake_server, params))
    assert [it["json"] for it in out] == [{"resourceName": "people/c1", "names": [{"givenName": "Ada"}],
                                           "contactId": "c1"}]
    fake_server.route("DELETE", "/people/c1:deleteContact", (200, {}, {}))
    out = output(_contacts(fake_server, {"operation": "delete", "contactId": "c1"}))
    assert out == [{"json": {"success": True}, "pairedItem": {"item": 0}}]


def test_contacts_error_continue_on_fail_and_unsupported(fake_server):
    fake_server.route("DELETE", "/people/zz:deleteContact", (404, {}, {"error": {"code": 404, "message": "Not found",
                                                                                 "status": "NOT_FOUND"}}))
    err = error(_contacts(fake_server, {"operation": "delete", "contactId": "zz"}))
    assert err["message"] == "The resource you are requesting could not be found"
    out = output(_contacts(fake_server, {"operation": "delete", "contactId": "zz"}, continue_on_fail=True))
    assert out == [{"json": {"error": "The resource you are requesting could not be found"},
                    "pairedItem": {"item": 0}}]
    err = error(_contacts(fake_server, {"resource": "contactGroup", "operation": "get"}))
    assert "not supported yet" in err["message"]


# -- Google BigQuery -------------------------------------------------------------------------------

BQ = "n8n-nodes-base.googleBigQuery"
BQ_CREDS = {"googleBigQueryOAuth2Api": {"oauthTokenData": {"access_token": "bq-token"}}}
SCHEMA = {"fields": [{"name": "name", "type": "STRING"}, {"name": "n", "type": "INTEGER"},
                     {"name": "at", "type": "TIMESTAMP"}, {"name": "meta", "type": "JSON"},
                     {"name": "tags", "type": "STRING", "mode": "REPEATED"}]}
ROW = {"f": [{"v": "iss"}, {"v": "42"}, {"v": "1.7E9"}, {"v": "{\"a\": 1}"}, {"v": [{"v": "x"}, {"v": "y"}]}]}


def _bq(server: FakeServer, params: dict, *, version=2.1, items=None, continue_on_fail=False, sleeps=None):
    return run_service(BQ, version, params, items=items, credentials=BQ_CREDS,
                       base_urls={"googleBigQuery": server.url}, continue_on_fail=continue_on_fail, sleeps=sleeps)


def test_bigquery_v21_execute_query_done_with_pages(fake_server):
    def jobs(req):
        assert req.headers["authorization"] == "Bearer bq-token"
        assert req.json == {"configuration": {"query": {"query": "SELECT * FROM t WHERE x = 'a'",
                                                        "useLegacySql": False}}}
        return 200, {}, {"jobReference": {"jobId": "J1", "location": "US"}, "status": {"state": "DONE"}}

    def results(req):
        assert req.arg("location") == "US" and req.arg("maxResults") == "1000" and req.arg("timeoutMs") == "10000"
        if req.arg("pageToken") is None:
            return 200, {}, {"schema": SCHEMA, "rows": [ROW], "pageToken": "P2", "jobComplete": True}
        return 200, {}, {"schema": SCHEMA, "rows": [{"f": [{"v": "b"}, {"v": None}, {"v": None}, {"v": None},
                                                           {"v": []}]}], "jobComplete": True}

    fake_server.route("POST", "/v2/projects/proj/jobs", jobs)
    fake_server.route("GET", "/v2/projects/proj/queries/J1", results)
    params = {"options": {}, "sqlQuery": "={{ $json.query }}",
              "projectId": {"__rl": True, "mode": "list", "value": "proj"}}
    out = output(_bq(fake_server, params, items=[{"json": {"query": "SELECT * FROM t WHERE x = '{{ 'a' }}'"}}]))
    assert out == [{"json": {"name": "iss", "n": "42", "at": "2023-11-14T22:13:20.000Z", "meta": {"a": 1},
                             "tags": ["x", "y"]}, "pairedItem": {"item": 0}},
                   {"json": {"name": "b", "n": None, "at": None, "meta": None, "tags": []}, "pairedItem": {"item": 0}}]


def test_bigquery_v2_polls_running_job_and_options(fake_server):
    sleeps: list[float] = []
    polls = []

    def results(req):
        polls.append(req.query)
        if len(polls) < 3:
            return 200, {}, {"jobComplete": False}
        return 200, {}, {"jobComplete": True, "schema": SCHEMA, "rows": [ROW]}

    def jobs(req):
        query = req.json["configuration"]["query"]
        assert query == {"dryRun": False, "location": "EU", "returnAsNumbers": True, "query": "SELECT @a",
                         "defaultDataset": {"datasetId": "ds", "projectId": "proj"}, "useLegacySql": False,
                         "parameterMode": "NAMED",
                         "queryParameters": [{"name": "a", "parameterType": {"type": "STRING"},
                                              "parameterValue": {"value": "1"}}]}
        return 200, {}, {"jobReference": {"jobId": "J2"}, "status": {"state": "RUNNING"}}

    fake_server.route("POST", "/v2/projects/proj/jobs", jobs)
    fake_server.route("GET", "/v2/projects/proj/queries/J2", results)
    params = {"sqlQuery": "SELECT @a", "projectId": "proj",
              "options": {"dryRun": False, "location": "EU", "returnAsNumbers": True, "defaultDataset": "ds",
                          "includeSchema": True, "maxResults": 10,
                          "queryParameters": {"namedParameters": [{"name": "a", "value": "1"}]}}}
    out = output(_bq(fake_server, params, version=2, sleeps=sleeps))
    # v2: TIMESTAMP stays as sent; polling results are not converted by returnAsNumbers (as in n8n)
    assert out == [{"json": {"name": "iss", "n": "42", "at": "1.7E9", "meta": {"a": 1}, "tags": ["x", "y"],
                             "_schema": SCHEMA["fields"]}, "pairedItem": {"item": 0}}]
    assert sleeps == [1.0, 2.0]
    assert polls[0] == {"location": ["EU"], "maxResults": ["10"], "timeoutMs": ["10000"]}


def test_bigquery_v2_error_and_continue_on_fail(fake_server):
    fake_server.route("POST", "/v2/projects/proj/jobs", (400, {}, {"error": {"code": 400, "message": "Syntax error",
                                                                             "status": "INVALID_ARGUMENT"}}))
    params = {"sqlQuery": "SELEC", "projectId": "proj"}
    err = error(_bq(fake_server, params))
    assert "Syntax error" in err["message"] + str(err.get("description"))
    out = output(_bq(fake_server, params, continue_on_fail=True))
    assert list(out[0]["json"]) == ["error"] and out[0]["pairedItem"] == {"item": 0}
    err = error(_bq(fake_server, {"operation": "insert", "projectId": "proj"}))
    assert "not supported yet" in err["message"]


def test_bigquery_v1_record_create_corpus_shape(fake_server):
    def insert(req):
        body = req.json
        assert re.fullmatch(r"[0-9a-f-]{36}", body["traceId"])
        assert body["rows"] == [{"json": {"name": "iss", "latitude": 1.5, "longitude": 2, "timestamp": 9}},
                                {"json": {"name": "iss2"}}]
        assert list(body) == ["traceId", "rows"]
        return 200, {}, {"kind": "bigquery#tableDataInsertAllResponse"}

    fake_server.route("POST", "/v2/projects/supple-cabinet-289219/datasets/iss/tables/position/insertAll", insert)
    params = {"columns": "name, latitude, longitude, timestamp", "options": {}, "tableId": "position",
              "datasetId": "iss", "projectId": "supple-cabinet-289219"}
    items = [{"json": {"name": "iss", "latitude": 1.5, "longitude": 2, "timestamp": 9, "other": 1}},
             {"json": {"name": "iss2", "x": 0}}]
    out = output(_bq(fake_server, params, version=1, items=items))
    assert out == [{"json": {"kind": "bigquery#tableDataInsertAllResponse"},
                    "pairedItem": [{"item": 0}, {"item": 1}]}]


def test_bigquery_v1_record_get_all_simple_return_all(fake_server):
    base = "/v2/projects/p/datasets/d/tables/t"
    fake_server.route("GET", base, (200, {}, {"schema": {"fields": [{"name": "a"}, {"name": "b"}]}}))

    def data(req):
        if req.arg("pageToken") is None:
            assert req.query == {"maxResults": ["100"]}
            return 200, {}, {"rows": [{"f": [{"v": "1"}, {"v": "2"}]}], "pageToken": "N"}
        return 200, {}, {"rows": [{"f": [{"v": "3"}, {"v": "4"}]}]}

    fake_server.route("GET", base + "/data", data)
    params = {"operation": "getAll", "projectId": "p", "datasetId": "d", "tableId": "t", "returnAll": True}
    out = output(_bq(fake_server, params, version=1))
    assert [it["json"] for it in out] == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    fake_server.route("GET", base + "/data", (200, {}, {"rows": [{"f": [{"v": "1"}]}]}))
    params = {"operation": "getAll", "projectId": "p", "datasetId": "d", "tableId": "t", "simple": False, "limit": 5}
    out = output(_bq(fake_server, params, version=1))
    assert [it["json"] for it in out] == [{"f": [{"v": "1"}]}]
    assert fake_server.last().query == {"maxResults": ["5"]}
