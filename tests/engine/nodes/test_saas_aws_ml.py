"""AWS Rekognition, Transcribe and Textract nodes against local fakes of their JSON APIs.

Each fake recomputes the request's SigV4 signature from what arrived on the wire (the service and
the ``<service>.<region>.amazonaws.com`` host the node signed), checks ``X-Amz-Target`` and the
``application/x-amz-json-1.1`` body, and answers like the real API (errors as ``{"__type",
"Message"}``)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sigv4_check import authorization, signature_matches
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

AK, SK = "AKIAFAKE", "fake/secret+key"
REGION = "eu-west-1"
AWS = {"aws": {"region": REGION, "accessKeyId": AK, "secretAccessKey": SK}}
JSON_TYPE = "application/x-amz-json-1.1"


def verify_sigv4(req, secret: str, service: str) -> str | None:
    """SigV4 check as AWS does it (None when the signature is valid for ``service``)."""
    auth = authorization(req)
    if auth is None:
        return "MissingAuthenticationTokenException"
    if auth.service != service or req.headers.get("host") != f"{service}.{auth.region}.amazonaws.com":
        return "InvalidSignatureException"
    if not {"host", "x-amz-date", "content-type", "x-amz-target"} <= set(auth.signed_headers):
        return "IncompleteSignatureException"
    if not signature_matches(req, secret, auth):
        return "InvalidSignatureException"
    return None


def aws_error(status: int, kind: str, message: str):
    return status, {"Content-Type": JSON_TYPE}, {"__type": kind, "Message": message}


@dataclass
class FakeJsonService:
    """An AWS JSON-protocol service: ``POST /`` with ``X-Amz-Target: <prefix>.<Action>``."""

    service: str
    prefix: str
    actions: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)
    bodies: list[Any] = field(default_factory=list)
    server: Any = None
    #: The test's view of the service state (jobs, ...).
    extra: Any = None

    def handle(self, req):
        problem = verify_sigv4(req, SK, self.service)
        if problem:
            return aws_error(403, problem, "The request signature we calculated does not match the signature "
                                           "you provided.")
        if req.method != "POST" or req.path != "/" or req.headers.get("content-type") != JSON_TYPE:
            return aws_error(400, "SerializationException", "Bad request")
        target = req.headers.get("x-amz-target", "")
        prefix, _, action = target.partition(".")
        if prefix != self.prefix or action not in self.actions:
            return aws_error(400, "UnknownOperationException", f"Unknown operation {target}")
        body = json.loads(req.body)
        self.bodies.append(body)
        return self.actions[action](body)


def serve(fake_server, fake: FakeJsonService) -> FakeJsonService:
    fake_server.route("*", "/*", fake.handle)
    fake.server = fake_server
    return fake


def ok(body: Any):
    return 200, {"Content-Type": JSON_TYPE}, body


# -- AWS Rekognition ---------------------------------------------------------------------------------------

IMAGE = b"\x89PNG\r\n\x1a\nfake-image"
IMAGE_B64 = base64.b64encode(IMAGE).decode()
LABELS = {"Labels": [{"Name": "Cat", "Confidence": 98.5, "Instances": [], "Parents": [{"Name": "Animal"}]}],
          "LabelModelVersion": "3.0"}


def _rekognition_action(name: str, answer: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
    def handle(body: dict[str, Any]):
        image = body.get("Image") or {}
        if "Bytes" in image:
            try:
                base64.b64decode(image["Bytes"], validate=True)
            except ValueError:
                return aws_error(400, "InvalidImageFormatException", "Request has invalid image format")
        elif (image.get("S3Object") or {}).get("Bucket") != "photos":
            return aws_error(400, "InvalidS3ObjectException", "Unable to get object metadata from S3. Check object "
                                                              "key, region and/or access permissions.")
        return ok(answer)
    return handle


@pytest.fixture
def rekognition(fake_server):
    actions = {
        "DetectLabels": _rekognition_action("DetectLabels", LABELS),
        "DetectText": _rekognition_action("DetectText", {"TextDetections": [{"DetectedText": "STOP", "Id": 0}],
                                                         "TextModelVersion": "3.0"}),
        "DetectFaces": _rekognition_action("DetectFaces", {"FaceDetails": [{"Confidence": 99.9}]}),
        "DetectModerationLabels": _rekognition_action("DetectModerationLabels", {"ModerationLabels": []}),
        "RecognizeCelebrities": _rekognition_action("RecognizeCelebrities", {"CelebrityFaces": [],
                                                                             "UnrecognizedFaces": []}),
    }
    return serve(fake_server, FakeJsonService("rekognition", "RekognitionService", actions))


def run_rekognition(fake, params, **kw):
    kw.setdefault("credentials", AWS)
    return run_service("n8n-nodes-base.awsRekognition", 1, params,
                       base_urls={"awsRekognition": fake.server.url}, **kw)


def image_item(data: str = IMAGE_B64) -> dict[str, Any]:
    return {"json": {"file": "cat.png"}, "binary": {"data": {"data": data, "mimeType": "image/png",
                                                             "fileName": "cat.png"}}}


def test_rekognition_detect_labels_from_binary(rekognition):
    params = {"additionalFields": {}, "binaryData": True, "type": "detectLabels"}  # as in the corpus
    items = output(run_rekognition(rekognition, params, items=[image_item()]))
    assert items == [{"json": LABELS, "pairedItem": {"item": 0}}]
    req = rekognition.server.last()
    assert req.headers["x-amz-target"] == "RekognitionService.DetectLabels"
    assert req.body == json.dumps({"Filters": {}, "Image": {"Bytes": IMAGE_B64}}, separators=(",", ":")).encode()
    assert f"Credential={AK}/" in req.headers["authorization"]
    assert f"/{REGION}/rekognition/aws4_request" in req.headers["authorization"]


def test_rekognition_detect_labels_options_and_s3_object(rekognition):
    params = {"type": "detectLabels", "binaryData": False, "bucket": "photos", "name": "a/cat.jpg",
              "additionalFields": {"minConfidence": 70, "maxLabels": 5, "version": "v2"}}
    output(run_rekognition(rekognition, params))
    assert rekognition.server.last().body == (b'{"MinConfidence":70,"MaxLabels":5,"Filters":{},'
                                              b'"Image":{"S3Object":{"Bucket":"photos","Name":"a/cat.jpg",'
                                              b'"Version":"v2"}}}')


def test_rekognition_detect_text_filters(rekognition):
    params = {"type": "detectText", "binaryData": True, "binaryPropertyName": "data",
              "additionalFields": {
                  "regionsOfInterestUi": {"regionsOfInterestValues": [
                      {"height": 0.5, "left": 0.1, "top": 0.2, "Width": 0.3}]},
                  "wordFilterUi": {"MinConfidence": 80, "MinBoundingBoxHeight": 0.05}}}
    items = output(run_rekognition(rekognition, params, items=[image_item(), image_item()]))
    assert items == [{"json": {"TextDetections": [{"DetectedText": "STOP", "Id": 0}], "TextModelVersion": "3.0"},
                      "pairedItem": {"item": i}} for i in (0, 1)]
    assert rekognition.bodies[0] == {
        "Filters": {"RegionsOfInterest": [{"BoundingBox": {"Height": 0.5, "Left": 0.1, "Top": 0.2, "Width": 0.3}}],
                    "WordFilter": {"MinConfidence": 80, "MinBoundingBoxHeight": 0.05}},
        "Image": {"Bytes": IMAGE_B64}}
    assert rekognition.server.last().headers["x-amz-target"] == "RekognitionService.DetectText"


@pytest.mark.parametrize(("kind", "target", "fields", "expected"), [
    ("detectFaces", "DetectFaces", {"attributes": ["all"]}, {"FaceDetails": [{"Confidence": 99.9}]}),
    ("detectModerationLabels", "DetectModerationLabels", {"minConfidence": 60, "maxLabels": 3},
     {"ModerationLabels": []}),
    ("recognizeCelebrity", "RecognizeCelebrities", {}, {"CelebrityFaces": [], "UnrecognizedFaces": []}),
])
def test_rekognition_other_types(rekognition, kind, target, fields, expected):
    params = {"type": kind, "binaryData": False, "bucket": "photos", "name": "p.jpg", "additionalFields": fields}
    items = output(run_rekognition(rekognition, params))
    assert items == [{"json": expected, "pairedItem": {"item": 0}}]
    body = rekognition.bodies[-1]
    assert rekognition.server.last().headers["x-amz-target"] == f"RekognitionService.{target}"
    if kind == "detectFaces":
        assert body == {"Attributes": ["all"], "Filters": {}, "Image": {"S3Object": {"Bucket": "photos",
                                                                                      "Name": "p.jpg"}}}
    elif kind == "detectModerationLabels":
        assert list(body) == ["MinConfidence", "Filters", "Image"] and body["MinConfidence"] == 60


def test_rekognition_session_token(rekognition):
    creds = {"aws": {**AWS["aws"], "temporaryCredentials": True, "sessionToken": " tok "}}
    output(run_rekognition(rekognition, {"type": "detectLabels", "binaryData": True}, items=[image_item()],
                           credentials=creds))
    req = rekognition.server.last()
    assert req.headers["x-amz-security-token"] == "tok"
    assert "x-amz-security-token" in req.headers["authorization"]


def test_rekognition_api_error_and_continue_on_fail(rekognition):
    params = {"type": "detectLabels", "binaryData": False, "bucket": "missing", "name": "x.jpg"}
    err = error(run_rekognition(rekognition, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == ("Unable to get object metadata from S3. Check object key, region and/or access "
                                  "permissions.")
    items = output(run_rekognition(rekognition, params, continue_on_fail=True, items=[{"json": {}}, {"json": {}}]))
    message = "Bad request - please check your parameters"
    # n8n pushes a bare {error}; the engine gives such items json.error as n8n's run data shows
    assert items == [{"error": message, "json": {"error": message}, "pairedItem": {"item": i}} for i in (0, 1)]
    bad = {"aws": {**AWS["aws"], "secretAccessKey": "wrong"}}
    err = error(run_rekognition(rekognition, {**params, "bucket": "photos"}, credentials=bad))
    assert err["message"] == "Forbidden - perhaps check your credentials?"


def test_rekognition_missing_binary_and_unsupported(rekognition):
    err = error(run_rekognition(rekognition, {"type": "detectLabels", "binaryData": True}))
    assert err["message"] == "No binary data exists on item!"
    err = error(run_rekognition(rekognition, {"resource": "video", "operation": "analyze"}))
    assert err["message"] == "AWS Rekognition: operation 'video/analyze' is not supported yet"
    err = error(run_rekognition(rekognition, {"type": "detectLabels", "binaryData": True, "authentication":
                                              "assumeRole"}, items=[image_item()]))
    assert err["message"] == "AWS Rekognition: authentication 'assumeRole' is not supported yet"
    assert rekognition.server.requests == []


# -- AWS Transcribe ----------------------------------------------------------------------------------------


@dataclass
class TranscribeState:
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_url: str = ""


def _job(name: str, body: dict[str, Any], status: str = "IN_PROGRESS") -> dict[str, Any]:
    job = {"TranscriptionJobName": name, "TranscriptionJobStatus": status, "Media": body["Media"],
           "StartTime": 1700000000.0, "CreationTime": 1700000000.0}
    if "LanguageCode" in body:
        job["LanguageCode"] = body["LanguageCode"]
    if body.get("IdentifyLanguage"):
        job["IdentifyLanguage"] = True
    if body.get("Settings"):
        job["Settings"] = body["Settings"]
    return job


@pytest.fixture
def transcribe(fake_server):
    state = TranscribeState()

    def start(body):
        name = body["TranscriptionJobName"]
        if name in state.jobs:
            return aws_error(400, "ConflictException", "The requested job name already exists. Use a different "
                                                       "job name.")
        if ("LanguageCode" in body) == bool(body.get("IdentifyLanguage")):
            return aws_error(400, "BadRequestException", "Specify either IdentifyLanguage or LanguageCode.")
        state.jobs[name] = _job(name, body)
        return ok({"TranscriptionJob": state.jobs[name]})

    def get(body):
        job = state.jobs.get(body["TranscriptionJobName"])
        if job is None:
            return aws_error(400, "BadRequestException", "The requested job couldn't be found. Check the job name "
                                                         "and try your request again.")
        return ok({"TranscriptionJob": job})

    def delete(body):
        if state.jobs.pop(body["TranscriptionJobName"], None) is None:
            return aws_error(400, "BadRequestException", "The requested job couldn't be found.")
        return ok({})

    def list_jobs(body):
        rows = [{"TranscriptionJobName": n, "TranscriptionJobStatus": j["TranscriptionJobStatus"]}
                for n, j in sorted(state.jobs.items())
                if body.get("Status") in (None, j["TranscriptionJobStatus"])
                and body.get("JobNameContains", "") in n]
        size = body.get("MaxResults", 2)  # a small default page to show n8n's single-page returnAll
        answer: dict[str, Any] = {"TranscriptionJobSummaries": rows[:size]}
        if len(rows) > size:
            answer["NextToken"] = "page-2"
        if "Status" in body:
            answer["Status"] = body["Status"]
        return ok(answer)

    actions = {"StartTranscriptionJob": start, "GetTranscriptionJob": get, "DeleteTranscriptionJob": delete,
               "ListTranscriptionJobs": list_jobs}
    fake = serve(fake_server, FakeJsonService("transcribe", "Transcribe", actions))
    fake_server.route("GET", "/transcripts/*", lambda req: (200, {}, {
        "jobName": "call.mp3", "results": {"transcripts": [{"transcript": "Hello there."},
                                                           {"transcript": "General Kenobi."}], "items": []}}))
    fake.extra = state
    state.file_url = fake_server.url + "/transcripts/call.json?X-Amz-Signature=abc"
    return fake


def run_transcribe(fake, params, **kw):
    kw.setdefault("credentials", AWS)
    return run_service("n8n-nodes-base.awsTranscribe", 1, params, base_urls={"awsTranscribe": fake.server.url},
                       **kw)


def test_transcribe_create_as_in_corpus(transcribe):
    params = {"detectLanguage": True, "mediaFileUri": "s3://bucket/call.mp3", "options": {},
              "transcriptionJobName": "call.mp3"}
    items = output(run_transcribe(transcribe, params))
    assert items == [{"json": {"TranscriptionJobName": "call.mp3", "TranscriptionJobStatus": "IN_PROGRESS",
                               "Media": {"MediaFileUri": "s3://bucket/call.mp3"}, "StartTime": 1700000000.0,
                               "CreationTime": 1700000000.0, "IdentifyLanguage": True},
                      "pairedItem": {"item": 0}}]
    req = transcribe.server.last()
    assert req.headers["x-amz-target"] == "Transcribe.StartTranscriptionJob"
    assert req.body == (b'{"TranscriptionJobName":"call.mp3","Media":{"MediaFileUri":"s3://bucket/call.mp3"},'
                        b'"Settings":{},"IdentifyLanguage":true}')
    assert f"/{REGION}/transcribe/aws4_request" in req.headers["authorization"]


def test_transcribe_create_language_and_settings(transcribe):
    params = {"transcriptionJobName": "j1", "mediaFileUri": "s3://b/a.wav", "languageCode": "de-DE",
              "options": {"channelIdentification": True, "maxAlternatives": 3, "maxSpeakerLabels": 4,
                          "vocabularyName": "v", "vocabularyFilterName": "f", "vocabularyFilterMethod": "mask"}}
    output(run_transcribe(transcribe, params))
    assert transcribe.server.last().body == (
        b'{"TranscriptionJobName":"j1","Media":{"MediaFileUri":"s3://b/a.wav"},"Settings":{'
        b'"ChannelIdentification":true,"ShowAlternatives":true,"MaxAlternatives":3,"ShowSpeakerLabels":true,'
        b'"MaxSpeakerLabels":4,"VocabularyName":"v","VocabularyFilterName":"f","VocabularyFilterMethod":"mask"},'
        b'"LanguageCode":"de-DE"}')


def test_transcribe_get_job_and_transcript(transcribe):
    jobs = transcribe.extra.jobs
    jobs["running"] = _job("running", {"Media": {"MediaFileUri": "s3://b/r.mp3"}, "LanguageCode": "en-US"})
    done = _job("call.mp3", {"Media": {"MediaFileUri": "s3://b/call.mp3"}, "LanguageCode": "en-US"}, "COMPLETED")
    done["Transcript"] = {"TranscriptFileUri": transcribe.extra.file_url}
    jobs["call.mp3"] = done
    # as in the corpus: returnTranscript and simple at their defaults (true)
    items = output(run_transcribe(transcribe, {"operation": "get", "transcriptionJobName": "call.mp3"}))
    assert items == [{"json": {"transcript": "Hello there. General Kenobi."}, "pairedItem": {"item": 0}}]
    fetch = transcribe.server.last()
    assert fetch.method == "GET" and fetch.path == "/transcripts/call.json" and "authorization" not in fetch.headers
    items = output(run_transcribe(transcribe, {"operation": "get", "transcriptionJobName": "call.mp3",
                                               "simple": False}))
    assert items[0]["json"]["results"]["transcripts"][1] == {"transcript": "General Kenobi."}
    items = output(run_transcribe(transcribe, {"operation": "get", "transcriptionJobName": "running"}))
    assert items == [{"json": jobs["running"], "pairedItem": {"item": 0}}]
    items = output(run_transcribe(transcribe, {"operation": "get", "transcriptionJobName": "call.mp3",
                                               "returnTranscript": False}))
    assert items == [{"json": done, "pairedItem": {"item": 0}}]


def test_transcribe_delete_and_get_all(transcribe):
    for n in ("a1", "a2", "b1"):
        transcribe.extra.jobs[n] = _job(n, {"Media": {"MediaFileUri": f"s3://b/{n}"}, "LanguageCode": "en-US"})
    items = output(run_transcribe(transcribe, {"operation": "getAll", "limit": 5,
                                               "filters": {"jobNameContains": "a", "status": "IN_PROGRESS"}}))
    assert [item["json"]["TranscriptionJobName"] for item in items] == ["a1", "a2"]
    assert transcribe.server.last().json == {"Status": "IN_PROGRESS", "JobNameContains": "a", "MaxResults": 5}
    # returnAll: n8n's helper never finds NextToken, so only the first page comes back
    items = output(run_transcribe(transcribe, {"operation": "getAll", "returnAll": True, "filters": {}}))
    assert [item["json"]["TranscriptionJobName"] for item in items] == ["a1", "a2"]
    assert transcribe.server.last().json == {}
    items = output(run_transcribe(transcribe, {"operation": "delete", "transcriptionJobName": "b1"},
                                  items=[{"json": {}}]))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert "b1" not in transcribe.extra.jobs


def test_transcribe_api_error_continue_on_fail_and_unsupported(transcribe):
    params = {"operation": "get", "transcriptionJobName": "nope"}
    err = error(run_transcribe(transcribe, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == ("The requested job couldn't be found. Check the job name and try your request "
                                  "again.")
    items = output(run_transcribe(transcribe, params, continue_on_fail=True, items=[{"json": {}}, {"json": {}}]))
    assert [item["json"] for item in items] == [{"error": "Bad request - please check your parameters"}] * 2
    err = error(run_transcribe(transcribe, {"resource": "vocabulary", "operation": "create"}))
    assert err["message"] == "AWS Transcribe: operation 'vocabulary/create' is not supported yet"


# -- AWS Textract ------------------------------------------------------------------------------------------

RECEIPT = b"%PDF-receipt-bytes"
EXPENSE = {"DocumentMetadata": {"Pages": 1}, "ExpenseDocuments": [{"ExpenseIndex": 1, "SummaryFields": [
    {"Type": {"Text": "VENDOR_NAME", "Confidence": 99.1}, "ValueDetection": {"Text": "Coffee Shop"}},
    {"Type": {"Text": "TOTAL"}, "LabelDetection": {"Text": "Total"}, "ValueDetection": {"Text": "$4.50"}},
    {"Type": {"Text": ""}, "LabelDetection": {"Text": "Table"}, "ValueDetection": {"Text": "12"}},
]}]}


@pytest.fixture
def textract(fake_server):
    def analyze(body):
        data = base64.b64decode(body["Document"]["Bytes"])
        if data == b"denied":
            return aws_error(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/bob is not "
                                                           "authorized to perform: textract:AnalyzeExpense")
        if not data.startswith(b"%PDF"):
            return aws_error(400, "UnsupportedDocumentException", "Request has unsupported document format")
        return ok(EXPENSE)

    return serve(fake_server, FakeJsonService("textract", "Textract", {"AnalyzeExpense": analyze}))


def run_textract(fake, params, **kw):
    kw.setdefault("credentials", AWS)
    return run_service("n8n-nodes-base.awsTextract", 1, params, base_urls={"awsTextract": fake.server.url}, **kw)


def doc_item(data: bytes = RECEIPT, prop: str = "data") -> dict[str, Any]:
    return {"json": {}, "binary": {prop: {"data": base64.b64encode(data).decode(), "mimeType": "application/pdf",
                                          "fileName": "r.pdf"}}}


def test_textract_analyze_expense_simplified_as_in_corpus(textract):
    items = output(run_textract(textract, {}, items=[doc_item()]))
    assert items == [{"json": {"VENDOR_NAME": "Coffee Shop", "TOTAL": "$4.50", "Table": "12"},
                      "pairedItem": {"item": 0}}]
    req = textract.server.last()
    assert req.headers["x-amz-target"] == "Textract.AnalyzeExpense"
    assert req.body == json.dumps({"Document": {"Bytes": base64.b64encode(RECEIPT).decode()}},
                                  separators=(",", ":")).encode()
    assert f"/{REGION}/textract/aws4_request" in req.headers["authorization"]


def test_textract_raw_answer_and_other_field(textract):
    items = output(run_textract(textract, {"simple": False, "binaryPropertyName": "file"},
                                items=[doc_item(prop="file")]))
    assert items == [{"json": EXPENSE, "pairedItem": {"item": 0}}]


def test_textract_errors(textract):
    err = error(run_textract(textract, {}, items=[doc_item(b"denied")]))
    assert err["message"] == "Unauthorized — please check your AWS policy configuration"
    assert err["description"] == ("Make sure an identity-based policy allows user "
                                  "arn:aws:iam::123456789012:user/bob to perform textract:AnalyzeExpense")
    err = error(run_textract(textract, {}, items=[doc_item(b"GIF89a")]))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Request has unsupported document format"
    items = output(run_textract(textract, {}, continue_on_fail=True, items=[doc_item(b"GIF89a"), doc_item()]))
    assert [item["json"] for item in items] == [{"error": "Bad request - please check your parameters"},
                                                {"VENDOR_NAME": "Coffee Shop", "TOTAL": "$4.50", "Table": "12"}]
    err = error(run_textract(textract, {}))
    assert err["message"] == "No binary data exists on item!"
    err = error(run_textract(textract, {"operation": "analyzeDocument"}))
    assert err["message"] == "AWS Textract: operation 'analyzeDocument' is not supported yet"
