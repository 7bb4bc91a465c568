"""AWS S3 (awsS3 v1/v2) and S3-compatible (s3) nodes: SigV4 against AWS's published examples, and
the nodes against a local fake S3 that recomputes and checks every request's signature."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote

import pytest
from sigv4_check import authorization, signature_matches
from svc_harness import error, output, run_service

from automatelanka.engine.nodes import _aws_sigv4 as sigv4

pytest_plugins = ("fakes",)

AK, SK = "AKIAFAKE", "fake/secret+key"
AWS = {"aws": {"region": "us-east-1", "accessKeyId": AK, "secretAccessKey": SK}}

# -- SigV4 against AWS's documented values -----------------------------------------------------------------

SUITE_KEY, SUITE_SECRET, SUITE_DATE = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z"
DOC_KEY, DOC_SECRET, DOC_DATE = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524T000000Z"
DOC_HOST = "examplebucket.s3.amazonaws.com"


def test_sigv4_test_suite_get_vanilla():
    headers = {"Host": "example.amazonaws.com", "X-Amz-Date": SUITE_DATE}
    auth = sigv4.authorization(SUITE_KEY, SUITE_SECRET, SUITE_DATE, "us-east-1", "service", "GET", "/", [],
                               headers, sigv4.EMPTY_SHA256, s3=False)
    assert auth == ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                    "SignedHeaders=host;x-amz-date, "
                    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")


def test_sigv4_test_suite_query_order():
    headers = {"Host": "example.amazonaws.com", "X-Amz-Date": SUITE_DATE}
    auth = sigv4.authorization(SUITE_KEY, SUITE_SECRET, SUITE_DATE, "us-east-1", "service", "GET", "/",
                               [("Param2", "value2"), ("Param1", "value1")], headers, sigv4.EMPTY_SHA256, s3=False)
    assert auth.endswith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")


def test_sigv4_s3_docs_get_object_with_range():
    headers = {"Host": DOC_HOST, "Range": "bytes=0-9", "x-amz-content-sha256": sigv4.EMPTY_SHA256,
               "x-amz-date": DOC_DATE}
    canonical, signed = sigv4.canonical_request("GET", "/test.txt", [], headers, sigv4.EMPTY_SHA256)
    assert canonical == ("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                         f"x-amz-content-sha256:{sigv4.EMPTY_SHA256}\nx-amz-date:20130524T000000Z\n\n"
                         f"host;range;x-amz-content-sha256;x-amz-date\n{sigv4.EMPTY_SHA256}")
    to_sign = sigv4.string_to_sign(DOC_DATE, sigv4.credential_scope(DOC_DATE, "us-east-1", "s3"), canonical)
    assert to_sign == ("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                       "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    assert sigv4.signature(DOC_SECRET, DOC_DATE, "us-east-1", "s3", to_sign) == \
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    assert signed == "host;range;x-amz-content-sha256;x-amz-date"


def test_sigv4_s3_docs_put_object():
    body_hash = sigv4.sha256_hex(b"Welcome to Amazon S3.")
    headers = {"Host": DOC_HOST, "Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-date": DOC_DATE,
               "x-amz-storage-class": "REDUCED_REDUNDANCY", "x-amz-content-sha256": body_hash}
    auth = sigv4.authorization(DOC_KEY, DOC_SECRET, DOC_DATE, "us-east-1", "s3", "PUT", "/test$file.text", [],
                               headers, body_hash)
    assert auth == ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                    "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                    "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")


@pytest.mark.parametrize(("query", "expected"), [
    ([("lifecycle", "")], "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
    ([("max-keys", "2"), ("prefix", "J")], "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
])
def test_sigv4_s3_docs_bucket_requests(query, expected):
    headers = {"Host": DOC_HOST, "x-amz-date": DOC_DATE, "x-amz-content-sha256": sigv4.EMPTY_SHA256}
    auth = sigv4.authorization(DOC_KEY, DOC_SECRET, DOC_DATE, "us-east-1", "s3", "GET", "/", query, headers,
                               sigv4.EMPTY_SHA256)
    assert auth.endswith(f"Signature={expected}")


def test_sign_headers_adds_aws4_headers():
    now = datetime(2013, 5, 24, tzinfo=UTC)
    out = sigv4.sign_headers("PUT", "b.s3.amazonaws.com", "/a%20b.txt", [], {"Content-Type": "text/plain"},
                             b"hi", access_key="K", secret_key="S", region="eu-west-1", service="s3",
                             session_token="tok", now=now)
    assert out["X-Amz-Date"] == "20130524T000000Z" and out["Host"] == "b.s3.amazonaws.com"
    assert out["Content-Length"] == "2" and out["X-Amz-Security-Token"] == "tok"
    assert out["X-Amz-Content-Sha256"] == hashlib.sha256(b"hi").hexdigest()
    assert "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token," \
        in out["Authorization"]
    assert out["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=K/20130524/eu-west-1/s3/aws4_request")


# -- a fake S3 that checks signatures -----------------------------------------------------------------------


def _verify(req, secret: str) -> str | None:
    """Recompute the request's SigV4 signature from what arrived on the wire (None when valid)."""
    auth = authorization(req)
    if auth is None:
        return "missing AWS4 authorization"
    payload = req.headers.get("x-amz-content-sha256")
    if payload != hashlib.sha256(req.body).hexdigest():
        return "XAmzContentSHA256Mismatch"
    if "host" not in auth.signed_headers or "x-amz-date" not in auth.signed_headers:
        return "host and x-amz-date must be signed"
    uri = "/".join(quote(unquote(p), safe="-_.~") for p in req.path.split("/"))
    if not signature_matches(req, secret, auth, uri=uri, payload_hash=payload):
        return "SignatureDoesNotMatch"
    return None


def _xml_error(status: int, code: str, message: str):
    return status, {"Content-Type": "application/xml"}, (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>')


@dataclass
class FakeS3:
    """Buckets answered as S3 does: virtual-hosted (``<bucket>.s3.<region>.amazonaws.com``) or path-style."""

    secret: str = SK
    buckets: dict[str, dict] = field(default_factory=dict)
    page_size: int = 1000
    regions_seen: list[str] = field(default_factory=list)

    def add(self, bucket: str, region: str = "us-east-1", objects: dict | None = None) -> None:
        self.buckets[bucket] = {"region": region, "objects": dict(objects or {})}

    def handle(self, req):
        problem = _verify(req, self.secret)
        if problem:
            return _xml_error(403, problem, "The request signature we calculated does not match")
        region = req.headers["authorization"].split("Credential=")[1].split("/")[2]
        self.regions_seen.append(region)
        host = req.headers["host"].split(":")[0]
        path = unquote(req.path)
        bucket = host.split(".s3.")[0] if ".s3." in host else ""
        if host.endswith(".bucket-host.example.com"):
            bucket = host.split(".")[0]
        if not bucket:
            _, _, rest = path.partition("/")
            bucket, _, key = rest.partition("/")
        else:
            key = path[1:]
        if not bucket:
            return self.list_buckets()
        if bucket not in self.buckets:
            if req.method == "PUT" and not key:
                self.add(bucket)
                return 200, {}, b""
            return _xml_error(404, "NoSuchBucket", "The specified bucket does not exist")
        store = self.buckets[bucket]
        if "location" in req.query:
            inner = "" if store["region"] == "us-east-1" else store["region"]
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}</LocationConstraint>')
        if req.method == "GET" and not key:
            return self.list_objects(bucket, req)
        if req.method == "POST" and "delete" in req.query:
            return self.delete_objects(store, req)
        if req.method == "PUT" and "x-amz-copy-source" in req.headers:
            src_bucket, _, src_key = unquote(req.headers["x-amz-copy-source"]).lstrip("/").partition("/")
            store["objects"][key] = self.buckets[src_bucket]["objects"][src_key]
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult><LastModified>2024-01-01T00:00:00.000Z'
                '</LastModified><ETag>"abc"</ETag></CopyObjectResult>')
        if req.method == "PUT":
            md5 = req.headers.get("content-md5")
            if md5 and md5 != base64.b64encode(hashlib.md5(req.body).digest()).decode():
                return _xml_error(400, "BadDigest", "The Content-MD5 you specified did not match")
            store["objects"][key] = {"data": req.body, "type": req.headers.get("content-type"),
                                     "headers": dict(req.headers)}
            return 200, {"ETag": '"e"'}, b""
        if req.method == "GET":
            if key not in store["objects"]:
                return _xml_error(404, "NoSuchKey", "The specified key does not exist.")
            obj = store["objects"][key]
            return 200, {"Content-Type": obj["type"] or "binary/octet-stream"}, obj["data"]
        if req.method == "DELETE":
            store["objects"].pop(key, None)
            return 204, {}, b""
        return _xml_error(405, "MethodNotAllowed", "no")

    def delete_objects(self, store, req):
        assert req.headers["content-md5"] == base64.b64encode(hashlib.md5(req.body).digest()).decode()
        assert req.headers["content-type"] == "application/xml"
        keys = re.findall(r"<Key>(.*?)</Key>", req.text)
        for key in keys:
            store["objects"].pop(key, None)
        rows = "".join(f"<Deleted><Key>{k}</Key></Deleted>" for k in keys)
        return 200, {"Content-Type": "application/xml"}, (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"{rows}</DeleteResult>")

    def list_buckets(self):
        rows = "".join(f"<Bucket><Name>{n}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>"
                       for n in sorted(self.buckets))
        return 200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult><Owner><ID>o</ID></Owner>'
            f"<Buckets>{rows}</Buckets></ListAllMyBucketsResult>")

    def list_objects(self, bucket: str, req):
        assert req.arg("list-type") == "2"
        prefix = req.arg("prefix", "")
        keys = sorted(k for k in self.buckets[bucket]["objects"] if k.startswith(prefix))
        start = int(req.arg("continuation-token", "0"))
        page = keys[start:start + self.page_size]
        more = start + self.page_size < len(keys)
        rows = "".join(f"<Contents><Key>{k}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>"
                       f"<ETag>&quot;{k}&quot;</ETag><Size>{len(self.buckets[bucket]['objects'][k]['data'])}</Size>"
                       "<StorageClass>STANDARD</StorageClass></Contents>" for k in page)
        token = f"<NextContinuationToken>{start + self.page_size}</NextContinuationToken>" if more else ""
        return 200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>{bucket}</Name>'
            f"<Prefix>{prefix}</Prefix><KeyCount>{len(page)}</KeyCount><MaxKeys>1000</MaxKeys>"
            f"<IsTruncated>{'true' if more else 'false'}</IsTruncated>{rows}{token}</ListBucketResult>")


def _obj(data: bytes, content_type: str = "text/plain") -> dict:
    return {"data": data, "type": content_type, "headers": {}}


@pytest.fixture
def s3(fake_server):
    fake = FakeS3()
    fake_server.route("*", "/*", fake.handle)
    fake.server = fake_server
    return fake


def aws(fake, params, version=2, **kw):
    kw.setdefault("credentials", AWS)
    return run_service("n8n-nodes-base.awsS3", version, params, base_urls={"awsS3": fake.server.url}, **kw)


def _row(key: str, size: int) -> dict:
    return {"Key": key, "LastModified": "2024-01-01T00:00:00.000Z", "ETag": f'"{key}"', "Size": str(size),
            "StorageClass": "STANDARD"}


# -- awsS3 -------------------------------------------------------------------------------------------------


def test_aws_v2_get_all_pages_in_bucket_region_and_drops_folders(s3):
    s3.add("photos", "eu-west-1", {"a.txt": _obj(b"aa"), "dir/": _obj(b""), "b.txt": _obj(b"bbb"),
                                   "c.txt": _obj(b"c")})
    s3.page_size = 2
    items = output(aws(s3, {"operation": "getAll", "bucketName": "photos", "returnAll": True, "options": {}}))
    assert items == [{"json": _row("a.txt", 2), "pairedItem": {"item": 0}},
                     {"json": _row("b.txt", 3), "pairedItem": {"item": 0}},
                     {"json": _row("c.txt", 1), "pairedItem": {"item": 0}}]
    reqs = s3.server.requests
    assert [r.headers["host"] for r in reqs] == ["photos.s3.us-east-1.amazonaws.com"] + \
        ["photos.s3.eu-west-1.amazonaws.com"] * 2
    assert s3.regions_seen == ["us-east-1", "eu-west-1", "eu-west-1"]
    assert reqs[0].query == {"location": [""]}
    assert reqs[1].query == {"delimiter": ["/"], "list-type": ["2"]}
    assert reqs[2].query == {"delimiter": ["/"], "list-type": ["2"], "continuation-token": ["2"]}


def test_aws_v2_get_all_limit_and_prefix(s3):
    s3.add("docs", objects={"in/a": _obj(b"1"), "in/b": _obj(b"2"), "in/c": _obj(b"3"), "out/d": _obj(b"4")})
    items = output(aws(s3, {"operation": "getAll", "bucketName": "docs", "limit": 2,
                            "options": {"folderKey": "in/", "fetchOwner": True}}))
    assert [it["json"]["Key"] for it in items] == ["in/a", "in/b"]
    assert s3.server.last().query == {"prefix": ["in/"], "fetch-owner": ["true"], "delimiter": ["/"],
                                      "list-type": ["2"], "limit": ["2"]}


def test_aws_v2_upload_binary_with_storage_class(s3):
    s3.add("my.bucket", "eu-central-1")
    data = b"\x89PNG\r\n binary"
    item = {"json": {"_s3_path": "img/x.png"},
            "binary": {"data": {"data": base64.b64encode(data).decode(), "mimeType": "image/png", "fileName": "x.png"}}}
    params = {"operation": "upload", "bucketName": "my.bucket", "fileName": "={{ $json._s3_path }}",
              "additionalFields": {"storageClass": "intelligentTiering", "acl": "bucketOwnerFullControl"}}
    items = output(aws(s3, params, items=[item]))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    stored = s3.buckets["my.bucket"]["objects"]["img/x.png"]
    assert stored["data"] == data and stored["type"] == "image/png"
    put = s3.server.last("PUT")
    assert put.headers["host"] == "s3.eu-central-1.amazonaws.com" and put.path == "/my.bucket/img/x.png"
    assert put.headers["x-amz-storage-class"] == "INTELLIGENT_TIERING"
    assert put.headers["x-amz-acl"] == "bucket-owner-full-control"
    assert put.headers["content-md5"] == base64.b64encode(hashlib.md5(data).digest()).decode()


def test_aws_v1_upload_text_with_tags_and_encryption(s3):
    s3.add("mybucket", "eu-west-1")
    params = {"operation": "upload", "bucketName": "mybucket", "fileName": "={{$json[\"name\"]}}",
              "binaryData": False, "fileContent": "street",
              "tagsUi": {"tagsValues": [{"key": "source", "value": "gdrive"}, {"key": "k", "value": "v"}]},
              "additionalFields": {"serverSideEncryption": "AES256", "parentFolderKey": "in"}}
    items = output(aws(s3, params, version=1, items=[{"json": {"name": "my file.txt"}}]))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    put = s3.server.last("PUT")
    # v1 stays in the credential's region and host
    assert put.headers["host"] == "mybucket.s3.us-east-1.amazonaws.com" and s3.regions_seen[-1] == "us-east-1"
    assert put.path == "/in/my%20file.txt"
    assert put.headers["x-amz-tagging"] == "source=gdrive&k=v"
    assert put.headers["x-amz-server-side-encryption"] == "AES256"
    assert put.headers["content-type"] == "text/html"
    assert s3.buckets["mybucket"]["objects"]["in/my file.txt"]["data"] == b"street"


def test_aws_v2_download_and_v1_download(s3):
    s3.add("files", objects={"a/report.pdf": _obj(b"%PDF-1.4 x", "application/pdf")})
    items = output(aws(s3, {"bucketName": "files", "fileKey": "a/report.pdf"}, items=[{"json": {"n": 1}}]))
    expected_binary = {"data": {"mimeType": "application/pdf", "fileType": "pdf", "fileExtension": "pdf",
                                "data": base64.b64encode(b"%PDF-1.4 x").decode(), "fileName": "report.pdf",
                                "fileSize": "10 B"}}
    assert items == [{"json": {"n": 1}, "binary": expected_binary, "pairedItem": {"item": 0}}]
    items = output(aws(s3, {"bucketName": "files", "fileKey": "a/report.pdf", "binaryPropertyName": "f"},
                       version=1))
    assert items[0]["binary"]["f"]["fileName"] == "report.pdf"
    err = error(aws(s3, {"bucketName": "files", "fileKey": "a/"}))
    assert err["message"] == "Downloading a whole directory is not yet supported, please provide a file key"


def test_aws_delete_copy_and_buckets(s3):
    s3.add("src", objects={"k.txt": _obj(b"x")})
    s3.add("dst", "ap-south-1")
    items = output(aws(s3, {"operation": "copy", "sourcePath": "/src/k.txt", "destinationPath": "/dst/copy/k.txt",
                            "additionalFields": {"metadataDirective": "copy"}}))
    assert items == [{"json": {"LastModified": "2024-01-01T00:00:00.000Z", "ETag": '"abc"'},
                      "pairedItem": {"item": 0}}]
    put = s3.server.last("PUT")
    assert put.headers["x-amz-copy-source"] == "/src/k.txt" and put.headers["x-amz-metadata-directive"] == "COPY"
    assert "copy/k.txt" in s3.buckets["dst"]["objects"]
    items = output(aws(s3, {"operation": "delete", "bucketName": "src", "fileKey": "k.txt",
                            "options": {"versionId": "v1"}}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert s3.server.last("DELETE").query == {"versionId": ["v1"]} and s3.buckets["src"]["objects"] == {}
    items = output(aws(s3, {"resource": "bucket", "operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == [{"Name": "dst", "CreationDate": "2024-01-01T00:00:00.000Z"},
                                            {"Name": "src", "CreationDate": "2024-01-01T00:00:00.000Z"}]
    assert s3.server.last().headers["host"] == "s3.us-east-1.amazonaws.com"
    items = output(aws(s3, {"resource": "bucket", "operation": "create", "name": "newb",
                            "additionalFields": {"region": "eu-west-2"}}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    create = s3.server.last("PUT")
    assert create.headers["host"] == "newb.s3.us-east-1.amazonaws.com"
    assert b"<LocationConstraint>eu-west-2</LocationConstraint>" in create.body


def test_aws_folder_create_and_get_all(s3):
    s3.add("b", objects={"x/": _obj(b""), "x/y/": _obj(b""), "x/f.txt": _obj(b"1")})
    items = output(aws(s3, {"resource": "folder", "operation": "getAll", "bucketName": "b", "returnAll": True,
                            "options": {"folderKey": "x/"}}))
    assert [it["json"]["Key"] for it in items] == ["x/y/"]
    items = output(aws(s3, {"resource": "folder", "operation": "create", "bucketName": "b", "folderName": "new",
                            "additionalFields": {"parentFolderKey": "x"}}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert s3.server.last("PUT").path == "/x/new/"


def test_aws_folder_delete_all_objects_then_empty_folder(s3):
    s3.add("b", objects={"x/": _obj(b""), "x/f.txt": _obj(b"1"), "y.txt": _obj(b"2")})
    items = output(aws(s3, {"resource": "folder", "operation": "delete", "bucketName": "b", "folderKey": "x/"}))
    assert items == [{"json": {"deleted": [{"Key": "x/"}, {"Key": "x/f.txt"}]}, "pairedItem": {"item": 0}}]
    post = s3.server.last("POST")
    assert post.query == {"delete": [""]} and post.text == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n'
        "  <Object>\n    <Key>x/</Key>\n  </Object>\n  <Object>\n    <Key>x/f.txt</Key>\n  </Object>\n</Delete>")
    assert list(s3.buckets["b"]["objects"]) == ["y.txt"]
    items = output(aws(s3, {"resource": "folder", "operation": "delete", "bucketName": "b", "folderKey": "z/"},
                       version=1))
    assert items == [{"json": {"deleted": [{"Key": "z/"}]}, "pairedItem": {"item": 0}}]
    assert s3.server.last().method == "DELETE" and s3.server.last().path == "/z/"


def test_aws_temporary_credentials_sign_session_token(s3):
    s3.add("b", objects={"f": _obj(b"1")})
    creds = {"aws": {**AWS["aws"], "temporaryCredentials": True, "sessionToken": " tok "}}
    output(aws(s3, {"operation": "getAll", "bucketName": "b", "returnAll": True}, credentials=creds))
    req = s3.server.last()
    assert req.headers["x-amz-security-token"] == "tok"
    assert "x-amz-security-token" in req.headers["authorization"]


def test_aws_bad_secret_is_forbidden_and_error_item(s3):
    s3.add("b")
    bad = {"aws": {**AWS["aws"], "secretAccessKey": "wrong"}}
    err = error(aws(s3, {"operation": "getAll", "bucketName": "b", "returnAll": True}, credentials=bad))
    assert err["message"] == "Forbidden - perhaps check your credentials?"
    items = output(aws(s3, {"operation": "delete", "bucketName": "b", "fileKey": "f"}, credentials=bad,
                        continue_on_fail=True, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"error": "Forbidden - perhaps check your credentials?"}, "pairedItem": {"item": 0}},
                     {"json": {"error": "Forbidden - perhaps check your credentials?"}, "pairedItem": {"item": 1}}]


def test_aws_missing_key_and_unsupported(s3):
    s3.add("b")
    err = error(aws(s3, {"bucketName": "b", "fileKey": "nope.txt"}))
    assert err["message"] == "The resource you are requesting could not be found"
    err = error(aws(s3, {"resource": "folder", "operation": "rename", "bucketName": "b"}))
    assert err["message"] == "AWS S3: operation 'folder/rename' is not supported yet"
    err = error(aws(s3, {"authentication": "assumeRole", "operation": "getAll", "bucketName": "b"}))
    assert "assumeRole" in err["message"] and "not supported yet" in err["message"]


# -- s3 (S3-compatible) ------------------------------------------------------------------------------------


def s3node(fake, params, *, path_style=True, region="us-east-1", **kw):
    creds = {"s3": {"endpoint": fake.server.url, "region": region, "accessKeyId": AK, "secretAccessKey": SK,
                    "forcePathStyle": path_style}}
    return run_service("n8n-nodes-base.s3", 1, params, credentials=creds, **kw)


def test_s3_upload_binary_path_style_with_acl(s3):
    s3.add("dailyai", "nyc3")
    item = {"json": {"File to Upload": [{"filename": "pic.jpg"}]},
            "binary": {"File_to_Upload": {"data": base64.b64encode(b"\xff\xd8\xffjpeg").decode(),
                                          "mimeType": "image/jpeg", "fileName": "pic.jpg"}}}
    params = {"operation": "upload", "bucketName": "dailyai", "fileName": "={{ $json['File to Upload'][0].filename }}",
              "additionalFields": {"acl": "publicRead"}, "binaryPropertyName": "File_to_Upload"}
    items = output(s3node(s3, params, items=[item]))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    put = s3.server.last("PUT")
    assert put.path == "/dailyai/pic.jpg" and put.headers["x-amz-acl"] == "public-read"
    assert put.headers["host"] == f"127.0.0.1:{s3.server.port}"
    assert s3.regions_seen == ["us-east-1", "nyc3"]  # the location answer's region signs the upload
    assert s3.buckets["dailyai"]["objects"]["pic.jpg"]["data"] == b"\xff\xd8\xffjpeg"


def test_s3_upload_uses_binary_file_name_and_get_all(s3):
    s3.add("n8n")
    item = {"json": {}, "binary": {"data": {"data": base64.b64encode(b"hello").decode(), "mimeType": "text/plain",
                                            "fileName": "hello.txt"}}}
    output(s3node(s3, {"operation": "upload", "bucketName": "n8n", "additionalFields": {}}, items=[item]))
    assert "hello.txt" in s3.buckets["n8n"]["objects"]
    items = output(s3node(s3, {"operation": "getAll", "returnAll": True, "bucketName": "n8n", "options": {}}))
    assert items == [{"json": _row("hello.txt", 5), "pairedItem": {"item": 0}}]


def test_s3_virtual_host_download_and_error_items(s3, fake_server):
    s3.add("media", objects={"v/clip.txt": _obj(b"abc")})
    # virtual-hosted style: the bucket goes into the Host header (sent to the fake via base_urls)
    creds = {"s3": {"endpoint": "https://bucket-host.example.com", "region": "us-east-1", "accessKeyId": AK,
                    "secretAccessKey": SK}}
    items = output(run_service("n8n-nodes-base.s3", 1, {"bucketName": "media", "fileKey": "v/clip.txt"},
                               credentials=creds, base_urls={"s3": fake_server.url}))
    assert items[0]["binary"]["data"]["data"] == base64.b64encode(b"abc").decode()
    assert fake_server.last().headers["host"] == "media.bucket-host.example.com"
    items = output(s3node(s3, {"bucketName": "media", "fileKey": "v/none.txt"}, continue_on_fail=True,
                          items=[{"json": {"a": 1}}]))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(run_service("n8n-nodes-base.s3", 1, {"operation": "getAll", "bucketName": "media"},
                            credentials={"s3": {"endpoint": "minio:9000"}}))
    assert err["message"] == "HTTP(S) Scheme is required in endpoint definition"


def test_s3_upload_text_with_empty_grant_header_and_parent_folder(s3):
    s3.add("bkt")
    params = {"operation": "upload", "bucketName": "bkt", "fileName": "note.txt", "binaryData": False,
              "fileContent": "hi", "additionalFields": {"grantRead": True, "parentFolderKey": "p"}}
    items = output(s3node(s3, params))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    put = s3.server.last("PUT")
    assert put.path == "/bkt/p/note.txt" and put.headers["x-amz-grant-read"] == ""
    assert "x-amz-grant-read" in put.headers["authorization"]
