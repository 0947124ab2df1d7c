# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Form login with CSRF (Laravel style): GET the form, POST credentials + token, keep the session cookie.

The session lives in the ``requests.Session``; results name steps and statuses, never the token,
the cookies or the credentials.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ansible_collections.facturino.release.plugins.module_utils.http import probe

REDIRECTS = (301, 302, 303, 307, 308)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.meta_csrf = None

    def handle_starttag(self, tag, attrs):
        attrs = dict((k, v or "") for k, v in attrs)
        if tag == "meta" and attrs.get("name") == "csrf-token":
            self.meta_csrf = attrs.get("content")
        elif tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}, "password": False})
        elif tag == "input" and self.forms and attrs.get("name"):
            form = self.forms[-1]
            if attrs.get("type", "").lower() == "password":
                form["password"] = True
            elif attrs.get("type", "").lower() == "hidden":
                form["fields"][attrs["name"]] = attrs.get("value", "")


def parse_login_form(html):
    """``(action, hidden_fields, meta_csrf)`` of the form with a password input (else the first form)."""
    parser = _FormParser()
    parser.feed(html or "")
    forms = [f for f in parser.forms if f["password"]] or parser.forms
    if not forms:
        return None, {}, parser.meta_csrf
    return forms[0]["action"], dict(forms[0]["fields"]), parser.meta_csrf


def logout_fields(html, page_url, logout_url, csrf_field):
    """Hidden fields of the form posting to ``logout_url`` (Laravel's @csrf), else the page's CSRF token."""
    parser = _FormParser()
    parser.feed(html or "")
    for form in parser.forms:
        if form["action"] and _path(urljoin(page_url, form["action"])) == _path(logout_url):
            return dict(form["fields"])
    token = parser.meta_csrf or next((f["fields"][csrf_field] for f in parser.forms if csrf_field in f["fields"]), None)
    return {csrf_field: token} if token and csrf_field else {}


def _path(url):
    return urlsplit(url or "").path.rstrip("/") or "/"


def login(session, spec, timeout):
    """Log in on ``session``; returns ``(info, failure)`` where failure is None on success."""
    info = {"url": spec.url, "ok": False, "status": None, "latency_ms": 0.0}
    page = probe.request(session, "GET", spec.url, timeout=timeout, follow_redirects=True)
    info["latency_ms"] = page.latency_ms
    if page.error or page.status != 200:
        info["status"] = page.status
        reason = page.error or "login page answered %s" % page.status
        return info, {"assertion": "login", "step": "form", "error": reason}
    action, fields, meta_csrf = parse_login_form(page.text)
    if spec.csrf_field:
        token = fields.get(spec.csrf_field) or meta_csrf
        if not token:
            return info, {"assertion": "login", "step": "form",
                          "error": "no CSRF field %r in the login form" % spec.csrf_field}
        fields[spec.csrf_field] = token
    fields[spec.username_field] = spec.username
    fields[spec.password_field] = spec.password
    target = urljoin(page.final_url or spec.url, action or spec.url)
    post = probe.request(session, "POST", target, data=fields, timeout=timeout, follow_redirects=False)
    info["latency_ms"] = round(info["latency_ms"] + post.latency_ms, 3)
    info["status"] = post.status
    if post.error:
        return info, {"assertion": "login", "step": "submit", "error": post.error}
    location = urljoin(target, post.location) if post.location else None
    info["redirect"] = _path(location) if location else None
    if post.status == 419:
        error = "the CSRF token was rejected (419)"
    elif post.status not in REDIRECTS:
        error = "expected a redirect after login, got %s (credentials rejected?)" % post.status
    elif _path(location) == _path(spec.url):
        error = "redirected back to the login form (credentials rejected)"
    elif spec.success_redirect and spec.success_redirect not in location:
        error = "redirected to %s, expected %s" % (_path(location), spec.success_redirect)
    else:
        info["ok"] = True
        return info, None
    return info, {"assertion": "login", "step": "submit", "error": error}


def logout(session, spec, page, timeout):
    """Post the logout form found on ``page`` (the checked page), expect a redirect to the login form,
    then confirm the session is gone: the checked URL must send us back to the login form."""
    info = {"ok": False, "status": None}
    fields = logout_fields(page.text, page.final_url, spec.logout_url, spec.csrf_field)
    post = probe.request(session, "POST", spec.logout_url, data=fields, timeout=timeout, follow_redirects=False)
    info["status"] = post.status
    if post.error:
        return info, {"assertion": "logout", "error": post.error}
    location = urljoin(spec.logout_url, post.location) if post.location else None
    info["redirect"] = _path(location) if location else None
    if post.status not in REDIRECTS or _path(location) != _path(spec.url):
        return info, {"assertion": "logout", "error": "expected a redirect to the login form, got %s %s"
                      % (post.status, info["redirect"] or "")}
    again = probe.request(session, "GET", page.final_url, timeout=timeout, follow_redirects=True)
    if again.error or _path(again.final_url) != _path(spec.url):
        return info, {"assertion": "logout", "error": "still logged in after logout (%s answered %s)"
                      % (_path(page.final_url), again.status)}
    info["ok"] = True
    return info, None
