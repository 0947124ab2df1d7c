import json

from ansible_collections.facturino.release.plugins.module_utils.http.assertions import (
    evaluate, evaluate_json, excerpt, is_truthy, summarize,
)
from ansible_collections.facturino.release.plugins.module_utils.http.probe import Response
from ansible_collections.facturino.release.plugins.module_utils.http.spec import parse_spec


def check(**raw):
    raw.setdefault("url", "http://h/x")
    return parse_spec({"checks": [raw]}).checks[0]


def response(body, status=200, latency_ms=1.5):
    text = body if isinstance(body, str) else json.dumps(body)
    return Response(status=status, text=text, latency_ms=latency_ms)


def test_jmespath_truthiness_follows_the_spec():
    assert is_truthy(0) and is_truthy("x") and is_truthy([0])
    assert not any(is_truthy(v) for v in (None, False, "", [], {}))


def test_passing_assertions_return_nothing():
    c = check(json=["status == 'ok'", "timestamp", "length(items) > `1`"], contains=["ok"], regex=[r'"status":\s*"ok"'])
    assert evaluate(c, response({"status": "ok", "timestamp": "t", "items": [1, 2]})) == []


def test_failed_comparison_reports_actual_values():
    c = check(json=["status == 'ok' && db.connected == `true`"])
    failures = evaluate(c, response({"status": "down", "db": {"connected": False}}))
    assert failures == [{"assertion": "json", "expression": "status == 'ok' && db.connected == `true`",
                         "result": False, "actual": {"status": "down", "db.connected": False}}]


def test_missing_field_is_a_failure_with_null_actual():
    failures = evaluate(check(json=["timestamp"]), response({"status": "ok"}))
    assert failures[0]["result"] is None and failures[0]["actual"] is None


def test_bad_json_body_fails_json_assertions():
    failures = evaluate(check(json=["status == 'ok'"]), response('{"status": "ok",'))
    assert failures[0]["assertion"] == "json" and "not JSON" in failures[0]["error"]


def test_status_contains_regex_and_latency():
    c = check(status=[200, 204], contains=['alt="Facturino logo"'], regex=[r"<form[^>]+POST"], max_latency_ms=100)
    failures = evaluate(c, response("<html>nothing</html>", status=503, latency_ms=250.25))
    assert [f["assertion"] for f in failures] == ["status", "contains", "regex", "max_latency_ms"]
    assert failures[0]["actual"] == 503 and failures[3]["actual"] == 250.25
    assert evaluate(c, response("<html>nothing</html>", status=503, latency_ms=250.25), apply_latency=False)[-1][
        "assertion"] == "regex"


def test_transport_error_is_one_failure():
    failures = evaluate(check(), Response(error_kind="timeout", error="Read timed out."))
    assert failures == [{"assertion": "request", "error_kind": "timeout", "error": "Read timed out."}]


def test_function_type_errors_are_failures_not_crashes():
    failures = evaluate_json([("length(status) > `1`", check(json=["length(status) > `1`"]).json_assertions[0][1])],
                             {"status": 5})
    assert failures[0]["assertion"] == "json" and "error" in failures[0]


def test_excerpt_is_short_and_redacts_tokens():
    assert excerpt("x" * 500) == "x" * 300 + "...[more]"
    html = ('<meta name="csrf-token" content="TOK1"><input type="hidden" value="TOK2" name="_token">'
            '<input name="email" value="a@b.c"><meta name="viewport" content="width=device-width">')
    assert excerpt(html) == ('<meta name="csrf-token" content="********"><input type="hidden" value="********" '
                             'name="_token"><input name="email" value="a@b.c"><meta name="viewport" '
                             'content="width=device-width">')


def test_summary():
    assert summarize([{"assertion": "status", "expected": [200], "actual": 500}]) == "status: expected [200], got 500"
    assert summarize([]) is None
