"""Form login with CSRF against the scripted server."""

from tests.support import scripted_http

from ansible_collections.facturino.release.plugins.module_utils.http import login, probe
from ansible_collections.facturino.release.plugins.module_utils.http.runner import Endpoint
from ansible_collections.facturino.release.plugins.module_utils.http.spec import parse_spec


def dashboard_check(server, **login_opts):
    opts = {"url": "/login", "username": scripted_http.USER, "password": scripted_http.PASSWORD}
    opts.update(login_opts)
    return parse_spec({"base_url": server.url, "checks": [
        {"name": "dashboard", "url": "/dashboard", "contains": ["Dashboard"], "login": opts}]}).checks[0]


def test_parse_login_form_finds_the_password_form_and_hidden_fields():
    html = ('<form action="/search"><input name="q"></form>'
            '<form method="post" action="/admin/login"><input type="hidden" name="_token" value="T1">'
            '<input name="email"><input type="password" name="password"></form>')
    assert login.parse_login_form(html) == ("/admin/login", {"_token": "T1"}, None)
    assert login.parse_login_form('<meta name="csrf-token" content="M">')[2] == "M"


def test_login_then_session_reused(server):
    endpoint = Endpoint(dashboard_check(server, success_redirect="/dashboard"))
    first = endpoint.run()
    assert first.ok, first.failures
    assert first.login["ok"] and first.login["status"] == 302 and first.login["redirect"] == "/dashboard"
    second = endpoint.run()
    assert second.ok and second.login is None  # no new login: the session cookie was reused
    endpoint.close()


def test_wrong_password_is_reported_without_the_password(server):
    outcome = Endpoint(dashboard_check(server, password="wrong-pw-123")).run()
    assert not outcome.ok
    assert outcome.failures == [{"assertion": "login", "step": "submit",
                                 "error": "redirected back to the login form (credentials rejected)"}]
    assert "wrong-pw-123" not in repr(outcome.failures) + repr(outcome.login)


def test_page_without_csrf_token(server):
    outcome = Endpoint(dashboard_check(server, url="/ping")).run()
    assert outcome.failures == [{"assertion": "login", "step": "form", "error": "no CSRF field '_token' in the login form"}]


def test_login_page_down(server):
    outcome = Endpoint(dashboard_check(server, url="/status/503")).run()
    assert outcome.failures == [{"assertion": "login", "step": "form", "error": "login page answered 503"}]


def test_unexpected_redirect_target(server):
    outcome = Endpoint(dashboard_check(server, success_redirect="/admin/dashboard")).run()
    assert "expected /admin/dashboard" in outcome.failures[0]["error"]


def test_dashboard_without_login_lands_on_the_login_form(server):
    session = probe.new_session()
    resp = probe.request(session, "GET", server.url + "/dashboard")
    assert resp.status == 200 and resp.final_url.endswith("/login") and resp.redirects == 1


def test_logout_returns_to_the_login_page_and_ends_the_session(server):
    endpoint = Endpoint(dashboard_check(server, logout_url="/logout"))
    sessions_before = len(server.state.sessions)
    outcome = endpoint.run()
    assert outcome.ok, outcome.failures
    assert outcome.login["ok"] and outcome.login["logout"] == {"ok": True, "status": 302, "redirect": "/login"}
    assert len(server.state.sessions) == sessions_before  # the session was removed server-side
    assert endpoint.run().login["ok"]  # logged out, so the next run logs in again


def test_logout_without_token_is_reported(server):
    endpoint = Endpoint(dashboard_check(server, logout_url="/ping"))
    outcome = endpoint.run()
    assert outcome.failures[0]["assertion"] == "logout"
    assert "expected a redirect to the login form" in outcome.failures[0]["error"]


def test_logout_fields_prefer_the_logout_form():
    html = ('<meta name="csrf-token" content="META"><form action="/other"><input type="hidden" name="_token" value="X">'
            '</form><form method="post" action="/admin/logout"><input type="hidden" name="_token" value="T"></form>')
    assert login.logout_fields(html, "http://h/admin/dashboard", "http://h/admin/logout", "_token") == {"_token": "T"}
    assert login.logout_fields(html, "http://h/a", "http://h/nope", "_token") == {"_token": "META"}
