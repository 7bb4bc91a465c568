"""The n8n Form Trigger's page: what n8n's ``renderForm`` / ``prepareFormData`` hand its
``form-trigger`` template, rendered by :mod:`_form_template` (a plain, accessible HTML form, not
n8n's exact markup). The page posts ``multipart/form-data`` with n8n's ``field-<i>`` names (a
multi-select as the JSON list of the checked options) to its own URL, then shows the completion
text or follows the redirect, as n8n's page script does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

#: sanitize-html settings of n8n's ``sanitizeHtml`` (Form utils).
ALLOWED_TAGS = frozenset({
    "b", "div", "i", "iframe", "img", "video", "source", "em", "strong", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "u", "sub", "sup", "code", "pre", "span", "br", "ul", "ol", "li", "p", "table", "thead", "tbody", "tfoot",
    "td", "tr", "th"})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "target", "rel"}, "img": {"src", "alt", "width", "height"},
    "video": {"controls", "autoplay", "loop", "muted", "poster", "width", "height"},
    "iframe": {"src", "width", "height", "frameborder", "allow", "allowfullscreen", "referrerpolicy"},
    "source": {"src", "type"}, "td": {"colspan", "rowspan", "scope", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"}}
URL_ATTRIBUTES = frozenset({"href", "src", "poster"})
#: Tags whose content sanitize-html drops with them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "textarea", "option", "noscript"})


def _safe_url(value: str) -> bool:
    scheme = urlsplit(value.strip()).scheme.lower()
    return scheme in ("http", "https") if scheme else not value.strip().startswith("//")


def sanitize_html(text: str) -> str:
    """n8n's ``sanitizeHtml``: only the allowed tags and attributes, http(s) URLs, sandboxed iframes."""
    from bs4 import BeautifulSoup, Comment, Tag

    soup = BeautifulSoup(text or "", "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in list(soup.find_all(True)):
        if not isinstance(tag, Tag) or tag.parent is None:
            continue
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            continue
        if tag.name not in ALLOWED_TAGS:
            tag.unwrap()
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag.name, set())
        for name in list(tag.attrs):
            value = tag.attrs[name]
            if name not in allowed or (name in URL_ATTRIBUTES and not _safe_url(str(value))):
                del tag.attrs[name]
        if tag.name == "iframe":
            tag.attrs.update({"sandbox": "", "referrerpolicy": "strict-origin-when-cross-origin",
                              "allow": "fullscreen; autoplay; encrypted-media"})
    return str(soup)


def sanitize_css(css: str | None) -> str | None:
    """``sanitizeCustomCss``: tags stripped, a remaining ``<`` escaped (cannot close the style)."""
    if not css:
        return None
    return re.sub(r"<[^>]*>", "", css).replace("<", "&lt;")


def description_metadata(description: str) -> str:
    """``createDescriptionMetadata``: tags removed, 150 characters."""
    if description == "":
        return "n8n form"
    return re.sub(r"^\s*\n+|</?[^>]+(>|$)", "", description)[:150]


def safe_redirect(url: Any) -> str | None:
    """``validateSafeRedirectUrl``: ``tryToParseUrl`` (``https://`` added when no ``://``; a URL
    of http, https, ftp or file), else None."""
    text = str(url or "").strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (an invalid port raises, as new URL() does)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "ftp", "file") or (parts.scheme.lower() != "file"
                                                                        and not parts.hostname):
        return None
    return text


def form_field(index: int, field: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    """One entry of ``prepareFormData``'s ``formFields``."""
    kind = field.get("fieldType")
    label = field.get("fieldName") if kind == "hiddenField" else field.get("fieldLabel")
    default = query.get(str(label)) if str(label) in query else field.get("defaultValue")
    entry: dict[str, Any] = {"id": f"field-{index}", "label": "" if label is None else str(label),
                             "required": bool(field.get("requiredField")),
                             "default": "" if default is None else default,
                             "placeholder": field.get("placeholder") or ""}
    options = [str(o.get("option", "")) for o in ((field.get("fieldOptions") or {}).get("values") or [])
               if isinstance(o, dict)]
    if field.get("multiselect") or kind in ("radio", "checkbox"):
        entry.update(kind="multiselect", options=options, radio=kind == "radio")
        if kind != "radio" and field.get("limitSelection") == "exact":
            entry["exact"] = field.get("numberOfSelections")
        elif kind != "radio" and field.get("limitSelection") == "range":
            entry.update(min=field.get("minSelections"), max=field.get("maxSelections"))
    elif kind == "file":
        entry.update(kind="file", accept=field.get("acceptFileTypes") or "",
                     multiple=bool(field.get("multipleFiles", True)))
    elif kind == "dropdown":
        entry.update(kind="select", options=options)
    elif kind == "textarea":
        entry["kind"] = "textarea"
    elif kind == "html":
        entry.update(kind="html", html=sanitize_html(str(field.get("html") or "")))
    elif kind == "hiddenField":
        entry.update(kind="hidden", value=field.get("fieldValue") if entry["default"] == "" else entry["default"])
    else:
        entry.update(kind="input", type=kind or "text")
    return entry


def form_data(*, title: str, description: str, fields: list[dict[str, Any]], query: dict[str, Any],
              test: bool, response_mode: str, submitted_text: str | None, redirect_url: str | None,
              attribution: bool, button_label: str, custom_css: str | None, auth_token: str | None
              ) -> dict[str, Any]:
    """``prepareFormData``: what the page shows."""
    description = (description or "").replace("\\n", "\n").replace("<br>", "\n")
    return {
        "test": test, "title": title or "", "description": description,
        "description_meta": description_metadata(description),
        "submitted_text": "Your response has been recorded" if submitted_text is None else submitted_text,
        "redirect_url": safe_redirect(redirect_url) if redirect_url else None,
        "use_response_data": response_mode == "responseNode", "attribution": attribution,
        "button_label": button_label, "css": sanitize_css(custom_css), "auth_token": auth_token or "",
        "fields": [form_field(i, f, query) for i, f in enumerate(fields) if isinstance(f, dict)],
    }


def render(data: dict[str, Any]) -> str:
    """The HTML page for ``data`` (see :func:`form_data`)."""
    from automatelanka.engine.nodes._form_template import render_page

    return render_page(data)

