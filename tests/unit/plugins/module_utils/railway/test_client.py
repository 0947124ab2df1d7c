"""RailwayClient over real HTTP (a tiny in-test server): auth headers, retries, budget, error mapping."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    RailwayAuthError,
    RailwayError,
    TransientError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, FakeClock
from ansible_collections.facturino.release.plugins.module_utils.railway import documents
from ansible_collections.facturino.release.plugins.module_utils.railway.client import (
    AmbiguousRequestError,
    RailwayClient,
    RequestBudgetExceeded,
    backboard_url,
    map_graphql_errors,
    parse_retry_after,
)

pytest.importorskip("requests")

OK_DATA = {"ok": True, "projectToken": None, "deployment": None, "projects": None}  # every field the documents sent here ask for


class Server:
    """Answers each POST with the next scripted reply: (status, headers, body) or "drop" (close without answering)."""

    def __init__(self):
        self.replies = []
        self.seen = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
                reply = server.replies.pop(0) if server.replies else (200, {}, {"data": OK_DATA})
                if reply == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, payload = reply
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Type" not in headers:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/graphql/v2" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


def client_for(server, **kwargs):
    kwargs.setdefault("clock", FakeClock())
    kwargs.setdefault("backoff", Backoff(initial=1.0, factor=2.0, maximum=8.0))
    kwargs.setdefault("token_type", "project")
    return RailwayClient("tok-123", api_url=server.url, timeout=5, **kwargs)


HTML = (403, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><title>Access denied | Cloudflare</title></html>")


def test_project_token_header(server):
    client = client_for(server)
    assert client.execute(documents.PROJECT_TOKEN) == OK_DATA
    headers = server.seen[0]["headers"]
    assert headers["Project-Access-Token"] == "tok-123"
    assert "Authorization" not in headers
    body = json.loads(server.seen[0]["body"])
    assert body["operationName"] == "ProjectToken" and body["query"] == documents.PROJECT_TOKEN


def test_account_token_header(server):
    client = client_for(server, token_type="account")
    client.execute(documents.PROJECTS, {"first": 1})
    assert server.seen[0]["headers"]["Authorization"] == "Bearer tok-123"
    assert "Project-Access-Token" not in server.seen[0]["headers"]


def test_429_honours_retry_after(server):
    server.replies = [(429, {"Retry-After": "7"}, {"errors": [{"message": "rate limited"}]})]
    clock = FakeClock()
    client = client_for(server, clock=clock)
    assert client.execute(documents.PROJECT_TOKEN) == OK_DATA
    assert clock.sleeps == [7.0]
    assert client.requests_made == 2
    assert "HTTP 429" in client.retry_log[0]["error"]


def test_5xx_burst_is_retried_with_backoff(server):
    server.replies = [(502, {}, {"x": 1}), (503, {}, {"x": 1}), (500, {}, {"x": 1})]
    clock = FakeClock()
    client = client_for(server, clock=clock)
    assert client.execute(documents.PROJECT_TOKEN) == OK_DATA
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert client.requests_made == 4


def test_cloudflare_html_403_is_retried(server):
    server.replies = [HTML, HTML]
    client = client_for(server)
    assert client.execute(documents.PROJECT_TOKEN) == OK_DATA
    assert all("Cloudflare" in entry["error"] for entry in client.retry_log)


def test_dropped_connection_is_retried_for_queries(server):
    server.replies = ["drop"]
    client = client_for(server)
    assert client.execute(documents.DEPLOYMENT, {"id": "d"}) == OK_DATA
    assert client.requests_made == 2


def test_dropped_connection_is_not_repeated_for_unsafe_mutation(server):
    server.replies = ["drop"]
    client = client_for(server)
    with pytest.raises(AmbiguousRequestError):
        client.execute(documents.SERVICE_INSTANCE_DEPLOY_V2, {"environmentId": "e", "serviceId": "s"}, idempotent=False)
    assert len(server.seen) == 1


def test_refused_connection_is_retried_even_for_mutations():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens: connection refused, the request never left
    clock = FakeClock()
    client = RailwayClient("t", api_url="http://127.0.0.1:%d/graphql/v2" % port, token_type="project", attempts=3,
                           clock=clock, backoff=Backoff(initial=1.0, maximum=1.0))
    with pytest.raises(RailwayError) as info:
        client.execute(documents.DEPLOYMENT_ROLLBACK, {"id": "x"}, idempotent=False)
    assert "kept failing DeploymentRollback: 3 attempts" in str(info.value)
    assert client.requests_made == 3


def test_never_recovering_fails_clearly(server):
    server.replies = [HTML] * 10
    client = client_for(server, attempts=4)
    with pytest.raises(RailwayError) as info:
        client.execute(documents.PROJECT_TOKEN)
    assert "kept failing ProjectToken: 4 attempts" in str(info.value)
    assert "Cloudflare" in str(info.value)
    assert info.value.hint
    assert len(server.seen) == 4


def test_budget_counts_retries_and_stops(server):
    server.replies = [(500, {}, {})] * 3
    client = client_for(server, request_budget=2)
    with pytest.raises(RequestBudgetExceeded) as info:
        client.execute(documents.PROJECT_TOKEN)
    assert len(server.seen) == 2
    assert "request budget of 2" in str(info.value) and "request_budget" in info.value.hint


def test_graphql_errors_arrive_with_200_and_are_not_retried(server):
    server.replies = [(200, {}, {"data": None, "errors": [{"message": "Not Authorized"}]})]
    client = client_for(server)
    with pytest.raises(RailwayAuthError) as info:
        client.execute(documents.PROJECT, {"id": "p"})
    assert "token_type=account" in info.value.hint
    assert len(server.seen) == 1


def test_auto_token_type_probe(server):
    server.replies = [(200, {}, {"data": None, "errors": [{"message": "project token not found"}]})]
    client = client_for(server, token_type="auto")
    assert client.authenticate() is None
    assert client.token_type == "account"
    client.execute(documents.PROJECTS)
    assert server.seen[0]["headers"]["Project-Access-Token"] == "tok-123"
    assert server.seen[1]["headers"]["Authorization"] == "Bearer tok-123"


def test_upload_posts_gzip_to_up_endpoint(server):
    server.replies = [(200, {}, {"deploymentId": "dep-1", "url": "u", "logsUrl": "l", "deploymentDomain": "d"})]
    client = client_for(server)
    assert client.upload("p 1", "e", "s", b"\x1f\x8bdata", message="fix & go")["deploymentId"] == "dep-1"
    seen = server.seen[0]
    assert seen["path"] == "/project/p%201/environment/e/up?serviceId=s&message=fix%20%26%20go"
    assert seen["headers"]["Content-Type"] == "application/gzip"
    assert seen["body"] == b"\x1f\x8bdata"


def test_upload_413_surfaces_body(server):
    server.replies = [(413, {"Content-Type": "text/plain"}, b"payload too large: 52428800 bytes max")]
    client = client_for(server)
    with pytest.raises(RailwayError) as info:
        client.upload("p", "e", "s", b"x")
    assert "52428800 bytes max" in str(info.value) and ".railwayignore" in info.value.hint


@pytest.mark.parametrize("message,kind,words", [
    ("project token not found", RailwayAuthError, "RAILWAY_TOKEN"),
    ("Not Authorized", RailwayAuthError, "token_type=account"),
    ("Two Factor Authentication Required", RailwayAuthError, "2FA"),
    ("Project not found", RailwayError, "project id/name"),
    ("You are being rate limited", TransientError, None),
    ("Something odd", RailwayError, None),
])
def test_error_mapping(message, kind, words):
    error = map_graphql_errors([{"message": message, "extensions": {"workspaceName": "Acme"}}], "Op", "project")
    assert type(error) is kind  # pylint: disable=unidiomatic-typecheck
    if words:
        assert words in error.hint
    assert message in str(error) or message.lower() in str(error).lower()


def test_two_factor_names_workspace():
    error = map_graphql_errors([{"message": "Two Factor Authentication Required",
                                 "extensions": {"workspaceName": "Acme"}}], "Op", "account")
    assert "(workspace Acme)" in str(error)


def test_parse_retry_after():
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Thu, 26 Nov 2026 10:00:30 GMT", now=1795687200.0) == pytest.approx(30.0)
    assert parse_retry_after("soon") is None


def test_backboard_url():
    assert backboard_url("https://backboard.railway.com/graphql/v2") == "https://backboard.railway.com"
    assert backboard_url("http://127.0.0.1:18790/graphql/v2/") == "http://127.0.0.1:18790"


def test_missing_token_names_env_vars():
    with pytest.raises(RailwayAuthError) as info:
        RailwayClient(None)
    assert "RAILWAY_TOKEN" in info.value.hint
