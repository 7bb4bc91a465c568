"""The Form Trigger page's HTML (the platform's counterpart of n8n's ``form-trigger`` template).

Every value is escaped except the sanitized description and HTML fields; the page script posts
the form as n8n's does (``FormData`` to the page's own URL, ``x-auth-token`` when basic auth
is on) and then shows the completion card or follows the redirect.
"""

from __future__ import annotations

import json
from html import escape
from string import Template
from typing import Any

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="description" content="$description_meta">
<meta property="og:title" content="$title">
<meta property="og:description" content="$description_meta">
<title>$title</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#fbfcfe;color:#525356;margin:0}
.container{max-width:448px;margin:24px auto;padding:0 16px}
.card{background:#fff;border:1px solid #dbdfe7;border-radius:8px;padding:24px;margin-bottom:16px}
h1{font-size:20px;color:#525356;margin:0 0 8px}
.description{white-space:pre-line;font-size:14px}
.form-group,fieldset{margin:16px 0;border:0;padding:0}
label,legend{display:block;font-size:14px;font-weight:600;margin-bottom:6px}
.required>label::after,.required>legend::after{content:" *";color:#ff6d5a}
input[type=text],input[type=email],input[type=number],input[type=password],input[type=date],textarea,select{
width:100%;box-sizing:border-box;padding:10px;border:1px solid #dbdfe7;border-radius:6px;font-size:14px}
.option{display:flex;gap:8px;align-items:center;font-weight:400}
.option label{font-weight:400;margin:0}
.error{color:#ea1f30;font-size:12px;margin:4px 0 0}
.test-notice{background:#fefaf6;border:1px solid #f6dcb7;color:#e6a23d;border-radius:8px;padding:8px;text-align:center}
button{width:100%;padding:12px;border:0;border-radius:6px;background:#ff6d5a;color:#fff;font-size:14px;cursor:pointer}
button:disabled{cursor:not-allowed;opacity:.7}
.attribution{text-align:center;font-size:12px}
</style>
$css
</head>
<body>
<main class="container">
$test_notice
<form class="card" id="n8n-form" method="POST" enctype="multipart/form-data" novalidate>
<div class="form-header"><h1>$title</h1><p class="description">$description</p></div>
$fields
<button id="submit-btn" type="submit">$button_label</button>
</form>
<div class="card" id="submitted-form" hidden role="status" aria-live="polite">
<h1 id="submitted-header">Form Submitted</h1>
<p id="submitted-content">$submitted_text</p>
</div>
$attribution
$redirect
</main>
<script>
(function () {
  var form = document.getElementById('n8n-form');
  var authToken = $auth_token;
  var useResponseData = $use_response_data;
  function done(header, text) {
    form.hidden = true;
    var card = document.getElementById('submitted-form');
    card.hidden = false;
    if (header !== null) document.getElementById('submitted-header').textContent = header;
    if (text !== null) document.getElementById('submitted-content').textContent = text;
  }
  function checked(group) {
    return Array.prototype.map.call(group.querySelectorAll('input:checked'), function (i) { return i.value; });
  }
  function showError(id, message) {
    var p = document.getElementById('error-' + id);
    if (p) { p.textContent = message || ''; p.hidden = !message; }
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var ok = true;
    Array.prototype.forEach.call(form.querySelectorAll('input[name],textarea[name],select[name]'), function (el) {
      if (el.type === 'hidden' || el.closest('fieldset.multiselect')) return;
      var message = '';
      if (el.required && (el.type === 'file' ? el.files.length === 0 : el.value.trim() === '')) {
        message = 'This field is required';
      } else if (el.type === 'email' && el.value.trim() !== '' && !/^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$$/.test(el.value.trim())) {
        message = 'Enter a valid email address';
      }
      showError(el.id, message);
      if (message) ok = false;
    });
    var data = new FormData();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.closest('fieldset.multiselect')) return;
      if (el.type === 'file') {
        Array.prototype.forEach.call(el.files, function (f) { if (f.size > 0) data.append(el.name, f); });
      } else {
        data.append(el.name, el.value);
      }
    });
    Array.prototype.forEach.call(form.querySelectorAll('fieldset.multiselect'), function (group) {
      var values = checked(group), n = values.length, d = group.dataset, message = '';
      if (d.required === 'true' && n === 0) message = 'This field is required';
      else if (d.exact && n > 0 && n !== Number(d.exact)) message = 'Select ' + d.exact + ' option(s)';
      else if (d.min && n > 0 && n < Number(d.min)) message = 'Select at least ' + d.min + ' option(s)';
      else if (d.max && n > Number(d.max)) message = 'Select at most ' + d.max + ' option(s)';
      showError(group.id, message);
      if (message) ok = false;
      data.append(group.id, JSON.stringify(values));
    });
    if (!ok) return;
    var button = document.getElementById('submit-btn');
    button.disabled = true;
    var headers = {};
    if (authToken) headers['x-auth-token'] = authToken;
    fetch(window.location.search || window.location.pathname, {method: 'POST', body: data, headers: headers})
      .then(function (response) {
        return response.text().then(function (text) {
          var json = null;
          try { json = JSON.parse(text); } catch (e) { json = null; }
          if (useResponseData && json && json.redirectURL) { window.location.replace(json.redirectURL); return; }
          if (useResponseData && json && json.formSubmittedText) { done(null, json.formSubmittedText); return; }
          if (response.status === 200) {
            var redirect = document.getElementById('redirectUrl');
            if (redirect) { window.location.replace(redirect.href); return; }
            done(null, null);
          } else {
            done('Problem submitting response', 'Please try again or contact support if the problem persists');
          }
        });
      })
      .catch(function () {
        button.disabled = false;
        done('Problem submitting response', 'Please try again or contact support if the problem persists');
      });
  });
})();
</script>
</body>
</html>
""")


def _js(value: Any) -> str:
    """A JavaScript literal safe inside a script element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _error(field_id: str) -> str:
    return f'<p class="error" id="error-{field_id}" hidden></p>'


def _field(entry: dict[str, Any]) -> str:
    """One field's markup: ``name="field-<i>"`` as n8n's page posts it."""
    fid, kind = escape(entry["id"]), entry.get("kind")
    label, placeholder = escape(entry["label"]), escape(str(entry["placeholder"]))
    required = entry["required"]
    group = "form-group required" if required else "form-group"
    req_attr = " required" if required else ""
    described = f' aria-describedby="error-{fid}"'
    default = entry["default"]
    if kind == "hidden":
        return f'<input type="hidden" id="{fid}" name="{fid}" value="{escape(str(entry.get("value") or ""))}">'
    if kind == "html":
        return (f'<div class="form-group html">{entry["html"]}'
                f'<input type="hidden" id="{fid}" name="{fid}" value="{escape(entry["html"])}"></div>')
    if kind == "multiselect":
        kind_attr = "radio" if entry.get("radio") else "checkbox"
        chosen = default if isinstance(default, list) else [default]
        options = "".join(
            f'<div class="option"><input type="{kind_attr}" id="option{i}_{fid}" name="{fid}-option" '
            f'value="{escape(o)}"{" checked" if o in chosen else ""}>'
            f'<label for="option{i}_{fid}">{escape(o)}</label></div>' for i, o in enumerate(entry["options"]))
        data = "".join(f' data-{k}="{escape(str(entry[k]))}"' for k in ("exact", "min", "max")
                       if entry.get(k) is not None)
        return (f'<fieldset class="multiselect {group}" id="{fid}" data-required="{str(required).lower()}"{data}'
                f'{described}><legend>{label}</legend>{options}{_error(fid)}</fieldset>')
    head = f'<div class="{group}"><label for="{fid}">{label}</label>'
    if kind == "select":
        options = "".join(f'<option value="{escape(o)}"{" selected" if o == default else ""}>{escape(o)}</option>'
                          for o in entry["options"])
        first = f'<option value="" disabled{"" if default else " selected"}>Select an option ...</option>'
        control = f'<select id="{fid}" name="{fid}"{req_attr}{described}>{first}{options}</select>'
    elif kind == "textarea":
        control = (f'<textarea id="{fid}" name="{fid}" placeholder="{placeholder}"{req_attr}{described}>'
                   f'{escape(str(default))}</textarea>')
    elif kind == "file":
        multiple = " multiple" if entry.get("multiple") else ""
        control = (f'<input type="file" id="{fid}" name="{fid}" accept="{escape(str(entry["accept"]))}"'
                   f'{multiple}{req_attr}{described}>')
    else:
        control = (f'<input type="{escape(str(entry.get("type") or "text"))}" id="{fid}" name="{fid}" '
                   f'value="{escape(str(default))}" placeholder="{placeholder}"{req_attr}{described}>')
    return f"{head}{control}{_error(fid)}</div>"


def render_page(data: dict[str, Any]) -> str:
    """The page for ``_form_page.form_data``'s ``data``."""
    redirect = data.get("redirect_url")
    return PAGE.substitute(
        title=escape(data["title"]), description=data["description"],
        description_meta=escape(data["description_meta"]),
        css=f"<style>{data['css']}</style>" if data.get("css") else "",
        test_notice=('<div class="test-notice"><p>This is a test version of your form</p></div>'
                     if data.get("test") else ""),
        fields="\n".join(_field(e) for e in data["fields"]),
        button_label=escape(str(data["button_label"])),
        submitted_text=escape(str(data["submitted_text"] or "")),
        attribution=('<p class="attribution"><a href="https://n8n.io/?utm_source=n8n-internal&amp;'
                     'utm_medium=form-trigger" target="_blank" rel="noopener">Form automated with n8n</a></p>'
                     if data.get("attribution") else ""),
        redirect=(f'<a id="redirectUrl" href="{escape(redirect)}" hidden></a>' if redirect else ""),
        auth_token=_js(data.get("auth_token") or ""),
        use_response_data=_js(bool(data.get("use_response_data"))),
    )
