"""AWS Transcribe (n8n-nodes-base.awsTranscribe v1): transcription jobs over Transcribe's JSON API.

As n8n's own Transcribe helper does: ``https://transcribe.<region>.amazonaws.com`` (always
``.amazonaws.com``), the ``aws`` credential only (the node has no authentication option), a
SigV4-signed ``POST /`` with ``x-amz-target: Transcribe.<Action>`` and
``Content-Type: application/x-amz-json-1.1`` (:class:`aws_rekognition.AwsJsonApi`).

Supported (every operation of the node), resource transcriptionJob:

- create (``StartTranscriptionJob``: ``IdentifyLanguage`` or ``LanguageCode``, the ``Settings``
  options; outputs ``TranscriptionJob``);
- delete (``DeleteTranscriptionJob``; outputs ``{success: true}``);
- get (``GetTranscriptionJob``; outputs ``TranscriptionJob``, or, with ``returnTranscript`` and a
  ``COMPLETED`` job, the transcript JSON fetched from ``Transcript.TranscriptFileUri``, reduced to
  ``{transcript}`` with ``simple``; both options are read from the first item as in n8n);
- getAll (``ListTranscriptionJobs``: ``Status``/``JobNameContains`` filters, ``MaxResults=limit``).
  With returnAll n8n's paging helper looks for ``NextToken`` at a path that never exists, so it
  returns the first page only (AWS's default page size); this is reproduced.

Output items are unpaired (``returnJsonArray`` of everything at the end, as in n8n); a
continue-on-fail error is ``{json: {error}}``. ``base_urls["awsTranscribe"]`` (tests) sends every
request to that server instead, keeping the real ``Host`` header, which the signature covers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_stringify
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.aws_rekognition import AwsJsonApi, aws_keys, override_url
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "AWS Transcribe"


def _call(api: AwsJsonApi, action: str, body: dict[str, Any], i: int) -> Any:
    return api.call(f"Transcribe.{action}", js_stringify(body), i, target_header="x-amz-target")


def _job(data: Any) -> Any:
    return data.get("TranscriptionJob") if isinstance(data, dict) else None


def job_create(ctx: NodeContext, api: AwsJsonApi, i: int) -> Any:
    options = ctx.param("options", i, {}) or {}
    settings: dict[str, Any] = {}
    body: dict[str, Any] = {"TranscriptionJobName": ctx.param("transcriptionJobName", i, ""),
                            "Media": {"MediaFileUri": ctx.param("mediaFileUri", i, "")}, "Settings": settings}
    detect = ctx.param("detectLanguage", i, False)
    if detect:
        body["IdentifyLanguage"] = detect
    else:
        body["LanguageCode"] = ctx.param("languageCode", i, "en-US")
    if options.get("channelIdentification"):
        settings["ChannelIdentification"] = options["channelIdentification"]
    if options.get("maxAlternatives"):
        settings.update(ShowAlternatives=True, MaxAlternatives=options["maxAlternatives"])
    if options.get("maxSpeakerLabels"):
        settings.update(ShowSpeakerLabels=True, MaxSpeakerLabels=options["maxSpeakerLabels"])
    for name, key in (("vocabularyName", "VocabularyName"), ("vocabularyFilterName", "VocabularyFilterName"),
                      ("vocabularyFilterMethod", "VocabularyFilterMethod")):
        if options.get(name):
            settings[key] = options[name]
    return _job(_call(api, "StartTranscriptionJob", body, i))


def job_delete(ctx: NodeContext, api: AwsJsonApi, i: int) -> Any:
    _call(api, "DeleteTranscriptionJob", {"TranscriptionJobName": ctx.param("transcriptionJobName", i, "")}, i)
    return {"success": True}


def job_get(ctx: NodeContext, api: AwsJsonApi, i: int) -> Any:
    job = _job(_call(api, "GetTranscriptionJob", {"TranscriptionJobName": ctx.param("transcriptionJobName", i, "")},
                     i))
    if not (ctx.param("returnTranscript", 0, True) and isinstance(job, dict)
            and job.get("TranscriptionJobStatus") == "COMPLETED"):
        return job
    uri = (job.get("Transcript") or {}).get("TranscriptFileUri")
    if not isinstance(uri, str):
        raise NodeError("Cannot read properties of undefined (reading 'TranscriptFileUri')", item_index=i)
    data = request(ctx, "GET", uri, headers={"accept": "application/json"}, item_index=i).json()
    if ctx.param("simple", 0, True):
        transcripts = ((data or {}).get("results") or {}).get("transcripts") or []
        return {"transcript": " ".join(str(row.get("transcript", "")) for row in transcripts)}
    return data


def job_get_all(ctx: NodeContext, api: AwsJsonApi, i: int) -> Any:
    filters = ctx.param("filters", i, {}) or {}
    body: dict[str, Any] = {}
    if filters.get("status"):
        body["Status"] = filters["status"]
    if filters.get("jobNameContains"):
        body["JobNameContains"] = filters["jobNameContains"]
    if not ctx.param("returnAll", i, False):
        body["MaxResults"] = ctx.param("limit", i, 20)
    data = _call(api, "ListTranscriptionJobs", body, i)
    found = data.get("TranscriptionJobSummaries") if isinstance(data, dict) else None
    if ctx.param("returnAll", i, False):  # awsApiRequestRESTAllItems: one page, the value as is or [value]
        return [] if not found else found if isinstance(found, list) else [found]
    return found


OPERATIONS: dict[tuple[str, str], Callable[[NodeContext, AwsJsonApi, int], Any]] = {
    ("transcriptionJob", "create"): job_create, ("transcriptionJob", "delete"): job_delete,
    ("transcriptionJob", "get"): job_get, ("transcriptionJob", "getAll"): job_get_all,
}


def transcribe_api(ctx: NodeContext) -> AwsJsonApi:
    """n8n's Transcribe ``awsApiRequest``: the ``aws`` credential, ``transcribe.<region>.amazonaws.com``."""
    creds = credential(ctx, "aws") or {}
    region = str(creds.get("region") or "us-east-1")
    access, secret, token = aws_keys(creds)
    return AwsJsonApi(ctx, access, secret, token, region, f"https://transcribe.{region}.amazonaws.com",
                      override_url(ctx, "awsTranscribe"))


@register("n8n-nodes-base.awsTranscribe", versions=(1,), display_name=DISPLAY)
def aws_transcribe(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "transcriptionJob")
    operation = ctx.param("operation", 0, "create")
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = transcribe_api(ctx)
    rows: list[Any] = []
    for i, _item in enumerate(ctx.input(0)):
        try:
            result = handler(ctx, api, i)
        except NodeError as exc:
            if ctx.continue_on_fail:
                rows.append({"error": exc.message})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        rows.extend(result if isinstance(result, list) else [result])
    return [json_array(rows)]
