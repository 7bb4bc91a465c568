"""S3 (n8n-nodes-base.s3 v1): S3-compatible storage (MinIO, DigitalOcean Spaces, Wasabi, ...).

The same operations as awsS3 v1 (:mod:`aws_s3`), signed with AWS Signature Version 4 (service
``s3``) using the ``s3`` credential: ``endpoint`` (an http(s) URL, required), ``region`` (default
us-east-1), ``accessKeyId``, ``secretAccessKey``, ``forcePathStyle`` (bucket in the path instead of
the host name) and ``ignoreSSLIssues``. Every bucket operation first asks ``GET /?location``; the
answer's region (else the credential's) signs the following request. Download returns the input
items with the file attached (under continue-on-fail a failing item's json becomes
``{error}``); upload reads ``binaryPropertyName`` of the first item, as n8n does.

Supported: file upload/download/getAll/delete/copy, bucket create/delete/getAll/search, folder
create/getAll/delete: every operation of the node.

``base_urls["s3"]`` (tests) sends the requests to that server instead, keeping the real ``Host``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes.aws_s3 import Flavor, S3Api, encode_path, run
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "S3"
FLAVOR = Flavor(DISPLAY, bucket_region=True, v2_paths=False, upload_binary_prop_index0=True,
                download_dir_error="Downloding a whole directory is not yet supported, please provide a file key",
                download_returns_items=True)


def s3_api(ctx: NodeContext) -> S3Api:
    """The signed client for the node's ``s3`` credential."""
    creds = credential(ctx, "s3") or {}
    endpoint = str(creds.get("endpoint") or "")
    if not endpoint.startswith("http"):
        raise NodeError("HTTP(S) Scheme is required in endpoint definition")
    parts = urlsplit(endpoint)
    prefix = "" if parts.path in ("", "/") else parts.path
    path_style = bool(creds.get("forcePathStyle"))

    def route(bucket: str, path: str, region: str) -> tuple[str, str]:
        host = parts.netloc
        if bucket and path_style:
            path = f"/{bucket}{path}"
        elif bucket:
            host = f"{bucket}.{host}"
        return f"{parts.scheme}://{host}", encode_path(prefix + path)

    token = str(creds.get("sessionToken") or "").strip() if creds.get("temporaryCredentials") else None
    configured = ctx.state.services.base_urls.get("s3")
    return S3Api(ctx, str(creds.get("accessKeyId") or "").strip(), str(creds.get("secretAccessKey") or "").strip(),
                 token or None, route, str(creds.get("region") or "us-east-1"),
                 override=configured.rstrip("/") if configured else None,
                 verify=not creds.get("ignoreSSLIssues"), soap=True)


@register("n8n-nodes-base.s3", versions=(1,), display_name="S3")
def s3(ctx: NodeContext) -> NodeOutput:
    return run(ctx, lambda: s3_api(ctx), FLAVOR)
