"""QuickBooks Online (n8n-nodes-base.quickbooks v1, also as quickbooksTool): accounting API v3.

Base: configured ``quickbooks`` base URL, else https://quickbooks.api.intuit.com (or
https://sandbox-quickbooks.api.intuit.com when the credential's ``environment`` is ``sandbox``);
quickBooksOAuth2Api only, the company is ``oauthTokenData.callbackQueryString.realmId``. Every request
sends ``user-agent: n8n``; resource and operation are read from item 0, as n8n does.

- bill, customer, employee, estimate, invoice, payment, vendor: create (bill/estimate/invoice lines
  checked and shaped as n8n's ``processLines``; fields as ``populateFields``), get, getAll, update
  (``GET`` for the SyncToken, and the VendorRef/CustomerRef of bill/estimate/invoice/payment, then
  ``POST`` with ``sparse: true``);
- bill/estimate/invoice/payment delete (``?operation=delete`` with ``{Id, SyncToken}``),
  estimate/invoice/payment send (``POST .../send?sendTo=``), invoice/payment void (``?operation=void``
  with Id and SyncToken in the query);
- estimate/invoice/payment get with ``download``: the PDF into binary property ``binaryProperty``
  (``fileName``, extension ``pdf``) on the input items, which the node outputs as they are;
- item and purchase get/getAll; transaction getReport (TransactionList with n8n's filters, dates cut
  to the day, and the ``simple`` column/row flattening).

getAll queries ``SELECT * FROM <resource> [filters.query] MAXRESULTS <limit>`` (default 50); with
``returnAll`` it first reads ``SELECT COUNT(*)`` and then pages by 1000 with ``STARTPOSITION``. Each
entity answer is unwrapped from its ``<Resource>`` key. Under continue-on-fail a failing item becomes
``{error: message}`` paired with its input. A listing answer without rows outputs no items (n8n emits
an item whose ``json`` is ``undefined``). Anything else fails with "not supported yet".
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "QuickBooks"
CREDENTIAL = "quickBooksOAuth2Api"
PRODUCTION = "https://quickbooks.api.intuit.com"
SANDBOX = "https://sandbox-quickbooks.api.intuit.com"
_DOWNLOADABLE = ("estimate", "invoice", "payment")


class _Qb:
    """n8n's ``quickBooksApiRequest`` bound to the node's resource/operation and company."""

    def __init__(self, ctx: NodeContext, resource: str, operation: str) -> None:
        self.ctx = ctx
        self.resource = resource
        self.operation = operation
        fields = credential(ctx, CREDENTIAL) or {}
        default = SANDBOX if fields.get("environment") == "sandbox" else PRODUCTION
        base = (ctx.state.services.base_urls.get("quickbooks") or default).rstrip("/")
        self.api = Api(ctx, base, CREDENTIAL, fields=fields)
        self.company = _realm_id(fields)

    def headers(self) -> dict[str, str]:
        headers = {"user-agent": "n8n", "Accept": "application/json"}
        if self.resource == "invoice" and self.operation == "send":
            headers["Content-Type"] = "application/octet-stream"
        if self.resource in ("invoice", "payment") and self.operation in ("void", "delete"):
            headers["Content-Type"] = "application/json"
        return headers

    def call(self, method: str, path: str, i: int, qs: dict[str, Any] | None = None,
             body: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, f"/v3/company/{self.company}{path}", i, qs=qs or None, body=body or None,
                             headers=self.headers())

    def pdf(self, path: str, i: int) -> bytes:
        headers = {**self.headers(), "Accept": "application/pdf"}
        return self.api.response("GET", f"/v3/company/{self.company}{path}", i, headers=headers).content

    @property
    def key(self) -> str:
        """``capitalCase(resource)`` (all resources are one word)."""
        return self.resource[:1].upper() + self.resource[1:]

    def entity(self, answer: Any) -> Any:
        return answer.get(self.key) if isinstance(answer, dict) else None


def _realm_id(fields: dict[str, Any]) -> Any:
    token = fields.get("oauthTokenData")
    query = token.get("callbackQueryString") if isinstance(token, dict) else None
    if not isinstance(query, dict):
        raise NodeError("Cannot read properties of undefined (reading 'realmId')")
    return query.get("realmId")


# ----------------------------------------------------------------- request bodies


def _details(value: Any, i: int) -> dict[str, Any]:
    details = value.get("details") if isinstance(value, dict) else None
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise NodeError("Cannot read properties of undefined (reading 'name')", item_index=i)
    return details


def _ref(value: Any, i: int) -> dict[str, Any]:
    details = value.get("details") if isinstance(value, dict) else None
    if not isinstance(details, dict):
        raise NodeError("Cannot read properties of undefined (reading 'name')", item_index=i)
    return {k: details[k] for k in ("name", "value") if details.get(k) is not None}


def _address(value: Any, i: int) -> dict[str, Any]:
    return {k: v for k, v in _details(value, i).items() if v != ""}


def _populate(body: dict[str, Any], fields: dict[str, Any], resource: str, i: int) -> dict[str, Any]:
    """n8n's ``populateFields``."""
    for key, value in fields.items():
        if resource == "bill":
            body[key] = _ref(value, i) if key.endswith("Ref") else value
        elif resource in ("customer", "employee", "vendor"):
            if key == "BillAddr":
                body[key] = _address(value, i)
            elif key == "PrimaryEmailAddr":
                body[key] = {"Address": value}
            elif key == "PrimaryPhone":
                body[key] = {"FreeFormNumber": value}
            else:
                body[key] = value
        elif resource in ("estimate", "invoice"):
            _populate_sales(body, key, value, i)
        elif resource == "payment":
            body[key] = value
    return body


def _populate_sales(body: dict[str, Any], key: str, value: Any, i: int) -> None:
    if key in ("BillAddr", "ShipAddr"):
        body[key] = _address(value, i)
    elif key == "BillEmail":
        body[key] = {"Address": value}
    elif key == "CustomFields":
        fields = value.get("Field") if isinstance(value, dict) else None
        if not isinstance(fields, list):
            raise NodeError("Cannot read properties of undefined (reading 'length')", item_index=i)
        body["CustomField"] = [{**field, "Type": "StringType"} for field in fields]
    elif key == "CustomerMemo":
        body[key] = {"value": value}
    elif key.endswith("Ref"):
        body[key] = _ref(value, i)
    elif key == "TotalTax":
        body["TxnTaxDetail"] = {"TotalTax": value}
    else:
        body[key] = value


def _value_ref(line: dict[str, Any], name: str) -> dict[str, Any]:
    """``{value: line[name]}`` as JSON sends it (an undefined value drops the key)."""
    return {"value": line[name]} if line.get(name) is not None else {}


def _process_line(line: dict[str, Any], resource: str) -> dict[str, Any]:
    """n8n's ``processLines`` for one line."""
    line = dict(line)
    kind = line.get("DetailType")
    if resource == "bill" and kind == "AccountBasedExpenseLineDetail":
        line[kind] = {"AccountRef": _value_ref(line, "accountId")}
        line.pop("accountId", None)
    elif resource == "bill" and kind == "ItemBasedExpenseLineDetail":
        line[kind] = {"ItemRef": _value_ref(line, "itemId")}
        line.pop("itemId", None)
    elif resource in ("estimate", "invoice") and kind == "SalesItemLineDetail":
        detail = {"ItemRef": _value_ref(line, "itemId"), "TaxCodeRef": _value_ref(line, "TaxCodeRef")}
        if resource == "invoice" and line.get("Qty") is not None:
            detail["Qty"] = line["Qty"]
        line[kind] = detail
        for name in ("itemId", "TaxCodeRef") + (("Qty",) if resource == "invoice" else ()):
            line.pop(name, None)
    return line


def _lines(ctx: NodeContext, resource: str, i: int) -> list[dict[str, Any]]:
    """The ``Line`` parameter checked as n8n does, then processed."""
    lines = ctx.param("Line", i, []) or []
    if not isinstance(lines, list):
        lines = [lines]
    if not lines:
        raise NodeError(f"Please enter at least one line for the {resource}.", item_index=i)
    if any(line.get(k) is None for line in lines for k in ("DetailType", "Amount", "Description")):
        raise NodeError("Please enter detail type, amount and description for every line.", item_index=i)
    for line in lines:
        kind = line.get("DetailType")
        if resource == "bill" and kind == "AccountBasedExpenseLineDetail" and line.get("accountId") is None:
            raise NodeError("Please enter an account ID for the associated line.", item_index=i)
        item_kind = "ItemBasedExpenseLineDetail" if resource == "bill" else "SalesItemLineDetail"
        if kind == item_kind and line.get("itemId") is None:
            raise NodeError("Please enter an item ID for the associated line.", item_index=i)
    return [_process_line(copy.deepcopy(line), resource) for line in lines]


# ----------------------------------------------------------------- operations


def _create(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    resource = qb.resource
    if resource in ("customer", "vendor"):
        body: dict[str, Any] = {"DisplayName": ctx.param("displayName", i, "")}
    elif resource == "employee":
        body = {"FamilyName": ctx.param("FamilyName", i, ""), "GivenName": ctx.param("GivenName", i, "")}
    elif resource == "bill":
        lines = _lines(ctx, resource, i)
        body = {"VendorRef": {"value": ctx.param("VendorRef", i, "")}, "Line": lines}
    elif resource == "payment":
        body = {"CustomerRef": {"value": ctx.param("CustomerRef", i, "")},
                "TotalAmt": ctx.param("TotalAmt", i, 0)}
    else:
        lines = _lines(ctx, resource, i)
        body = {"CustomerRef": {"value": ctx.param("CustomerRef", i, "")}, "Line": lines}
    body = _populate(body, ctx.param("additionalFields", i, {}) or {}, resource, i)
    return qb.entity(qb.call("POST", f"/{resource}", i, body=body))


def _get(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    resource_id = ctx.param(f"{qb.resource}Id", i, "")
    return qb.entity(qb.call("GET", f"/{qb.resource}/{resource_id}", i))


def _download(ctx: NodeContext, qb: _Qb, i: int) -> dict[str, Any]:
    """n8n's ``handleBinaryData``: the PDF into the input item's binary property."""
    file_name = ctx.param("fileName", i, "")
    data = qb.pdf(f"/{qb.resource}/{ctx.param(f'{qb.resource}Id', i, '')}/pdf", i)
    entry = prepare_binary(data)
    entry["fileName"] = file_name
    entry["fileExtension"] = "pdf"
    return entry


def _sync_token(ctx: NodeContext, qb: _Qb, i: int, ref: str | None = None) -> tuple[Any, Any]:
    """The SyncToken (and the ``ref`` of) the entity, as ``getSyncToken``/``getRefAndSyncToken``."""
    entity = qb.entity(qb.call("GET", f"/{qb.resource}/{ctx.param(f'{qb.resource}Id', i, '')}", i))
    if not isinstance(entity, dict):
        raise NodeError("Cannot read properties of undefined (reading 'SyncToken')", item_index=i)
    if ref is None:
        return entity.get("SyncToken"), None
    value = entity.get(ref)
    if not isinstance(value, dict):
        raise NodeError("Cannot read properties of undefined (reading 'name')", item_index=i)
    return entity.get("SyncToken"), {k: value[k] for k in ("name", "value") if value.get(k) is not None}


_UPDATE_REFS = {"bill": "VendorRef", "estimate": "CustomerRef", "invoice": "CustomerRef",
                "payment": "CustomerRef"}


def _update(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    ref_name = _UPDATE_REFS.get(qb.resource)
    token, ref = _sync_token(ctx, qb, i, ref_name)
    body: dict[str, Any] = {"Id": ctx.param(f"{qb.resource}Id", i, ""), "SyncToken": token, "sparse": True}
    if ref_name:
        body[ref_name] = ref
    fields = ctx.param("updateFields", i, {}) or {}
    if not fields:
        raise NodeError(f"Please enter at least one field to update for the {qb.resource}.", item_index=i)
    body = _populate(body, fields, qb.resource, i)
    return qb.entity(qb.call("POST", f"/{qb.resource}", i, body=body))


def _delete(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    resource_id = ctx.param(f"{qb.resource}Id", i, "")
    token, _ = _sync_token(ctx, qb, i)
    answer = qb.call("POST", f"/{qb.resource}", i, qs={"operation": "delete"},
                     body={"Id": resource_id, "SyncToken": token})
    return qb.entity(answer)


def _void(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    resource_id = ctx.param(f"{qb.resource}Id", i, "")
    token, _ = _sync_token(ctx, qb, i)
    qs = {"Id": resource_id, "SyncToken": token, "operation": "void"}
    answer = qb.call("POST", f"/{qb.resource}", i, qs=qs)
    return qb.entity(answer)


def _send(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    resource_id = ctx.param(f"{qb.resource}Id", i, "")
    qs = {"sendTo": ctx.param("email", i, "")}
    answer = qb.call("POST", f"/{qb.resource}/{resource_id}/send", i, qs=qs)
    return qb.entity(answer)


def _get_all(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    """n8n's ``handleListing`` (and ``quickBooksApiRequestAllItems`` for returnAll)."""
    query = f"SELECT * FROM {qb.resource}"
    filters = ctx.param("filters", i, {}) or {}
    if filters.get("query"):
        query += f" {filters['query']}"
    if not ctx.param("returnAll", i, False):
        answer = qb.call("GET", "/query", i, qs={"query": f"{query} MAXRESULTS {ctx.param('limit', i, 50)}"})
        result = answer.get("QueryResponse") if isinstance(answer, dict) else None
        if not isinstance(result, dict):
            raise NodeError(f"Cannot read properties of undefined (reading '{qb.key}')", item_index=i)
        return result.get(qb.key)
    return _all_rows(qb, query, i)


def _all_rows(qb: _Qb, query: str, i: int) -> list[Any]:
    count_answer = qb.call("GET", "/query", i, qs={"query": f"SELECT COUNT(*) FROM {qb.resource}"})
    count_result = count_answer.get("QueryResponse") if isinstance(count_answer, dict) else None
    if not isinstance(count_result, dict):
        raise NodeError("Cannot read properties of undefined (reading 'totalCount')", item_index=i)
    total = count_result.get("totalCount")
    last_word = query.split(" ")[-1]
    key = last_word if last_word in ("CreditMemo", "Term", "TaxCode") else qb.key
    rows: list[Any] = []
    start = 1
    while True:
        answer = qb.call("GET", "/query", i, qs={"query": f"{query} MAXRESULTS 1000 STARTPOSITION {start}"})
        page = (answer.get("QueryResponse") or {}).get(key) if isinstance(answer, dict) else None
        if not isinstance(page, list):
            return []
        rows.extend(page)
        start += 1000
        if not (isinstance(total, int | float) and total > len(rows)):
            return rows


_DATE_KEYS = ("dateRangeCustom", "dateRangeDueCustom", "dateRangeModificationCustom",
              "dateRangeCreationCustom")


def _report_query(filters: dict[str, Any]) -> dict[str, Any]:
    """The TransactionList query: lists joined by commas, custom date ranges cut to the day."""
    qs = {k: v for k, v in filters.items() if k not in ("columns", "memo", "term", "customer", "vendor")}
    for name in ("columns", "memo", "term", "customer", "vendor"):
        if filters.get(name):
            qs[name] = ",".join(str(v) for v in filters[name])
    if not any(qs.get(k) for k in _DATE_KEYS):
        return qs
    adjusted = {k: v for k, v in qs.items() if k not in _DATE_KEYS}
    for key in _DATE_KEYS:
        if qs.get(key):
            props = (qs[key] or {}).get(f"{key}Properties") or {}
            adjusted.update({k: str(v).split("T")[0] for k, v in props.items()})
    return adjusted


def _report(ctx: NodeContext, qb: _Qb, i: int) -> Any:
    qs = _report_query(ctx.param("filters", i, {}) or {})
    answer = qb.call("GET", "/reports/TransactionList", i, qs=qs)
    rows = answer.get("Rows") if isinstance(answer, dict) else None
    if not isinstance(rows, dict):
        raise NodeError("Cannot convert undefined or null to object", item_index=i)
    if not rows:
        return []
    if not ctx.param("simple", i, True):
        return answer
    try:
        columns = [column.get("ColType") for column in answer["Columns"]["Column"]]
        table = [[cell.get("value") for cell in row["ColData"]] for row in rows["Row"]]
    except (KeyError, TypeError, AttributeError):
        raise NodeError("Cannot read properties of undefined (reading 'map')", item_index=i) from None
    return [{str(columns[n]) if n < len(columns) else "undefined": value for n, value in enumerate(row)}
            for row in table]


Handler = Callable[[NodeContext, _Qb, int], Any]
_ENTITY = {"create": _create, "get": _get, "getAll": _get_all, "update": _update}
_OPERATIONS: dict[str, dict[str, Handler]] = {
    "bill": {**_ENTITY, "delete": _delete},
    "customer": dict(_ENTITY), "employee": dict(_ENTITY), "vendor": dict(_ENTITY),
    "estimate": {**_ENTITY, "delete": _delete, "send": _send},
    "invoice": {**_ENTITY, "delete": _delete, "send": _send, "void": _void},
    "payment": {**_ENTITY, "delete": _delete, "send": _send, "void": _void},
    "item": {"get": _get, "getAll": _get_all}, "purchase": {"get": _get, "getAll": _get_all},
    "transaction": {"getReport": _report},
}


def _download_all(ctx: NodeContext, qb: _Qb) -> NodeOutput:
    """get with ``download``: the input items, each with its PDF (n8n outputs the items as they are)."""
    items = [dict(item) for item in ctx.input(0)]
    for i, item in enumerate(items):
        try:
            prop = ctx.param("binaryProperty", i, "data")
            entry = _download(ctx, qb, i)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            item["json"] = {"error": exc.message}
            continue
        item["binary"] = {**(item.get("binary") or {}), prop: entry}
    return [items]


@register("n8n-nodes-base.quickbooks", versions=(1,), display_name="QuickBooks Online")
@register("n8n-nodes-base.quickbooksTool", versions=(1,), display_name="QuickBooks Online Tool")
def quickbooks(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "customer")
    operation = ctx.param("operation", 0, "getReport" if resource == "transaction" else "get")
    handler = _OPERATIONS.get(resource, {}).get(operation)
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    qb = _Qb(ctx, resource, operation)
    if resource in _DOWNLOADABLE and operation == "get" and ctx.param("download", 0, False):
        return _download_all(ctx, qb)
    return [per_item(ctx, lambda i, _item: _rows(handler(ctx, qb, i)))]


def _rows(data: Any) -> Any:
    """``returnJsonArray`` of an answer; an absent answer gives no items."""
    return data if data is not None else []
