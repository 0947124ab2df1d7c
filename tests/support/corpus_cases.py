"""The cases of the bad-input corpus (see tests/support/corpus.py for what a case is and how it is judged)."""

import json
from urllib.parse import quote

from tests.support.corpus import (
    DB_SECRET,
    ENV_SECRET,
    HEADER_SECRET,
    HOOK_SECRET,
    SMTP_SECRET,
    TOKEN,
    URL_SECRET,
    Case,
)

NAN, INF = float("nan"), float("inf")

# URL shapes that do not parse or cannot be used, with the words the message must hold
BAD_URLS = [
    ("space-in-host", "http://exa mple.com/x", ["contains a space"]),
    ("broken-ipv6", "http://[::1/x", ["broken IPv6"]),
    ("ipv6-junk", "http://[zz::1]/x", ["IPv6"]),
    ("no-scheme", "example.com/x", ["no scheme"]),
    ("ftp-scheme", "ftp://example.com/x", ["unsupported scheme 'ftp'"]),
    ("no-host", "http:///x", ["no host"]),
    ("bad-port", "http://example.com:99999/x", ["port"]),
    ("newline", "http://example.com/x\nHost: evil", ["line break"]),
    ("password-broken-ipv6", "http://user:%s@[::1/x" % URL_SECRET, ["broken IPv6"]),
    ("password-space", "http://user:%s@exa mple.com/x" % URL_SECRET, ["contains a space"]),
]
BAD_SECONDS = [("zero", 0, "it must be"), ("negative", -3, "it must be"), ("nan", NAN, "not a usable number"),
               ("inf", INF, "not a usable number")]


def _json(payload):
    return "{srv}/graphql/v2/json?body=" + quote(json.dumps(payload))


# -- railway_deploy / railway_deploy_info ------------------------------------------------------------------------
RAILWAY = {"state": "inspected", "api_url": "{srv}/graphql/v2", "token": TOKEN, "token_type": "account",
           "project": "facturino", "environment": "production", "service": "app", "http_timeout": 1, "retries": 0}


def railway_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0, module="railway_deploy"):
        merged = dict(RAILWAY, **args)
        if module == "railway_deploy_info":
            merged.pop("state", None)
        cases.append(Case("%s-%s" % (module, case_id), module, merged, needles, timeout))

    for name, url, needles in BAD_URLS:
        add("api_url-" + name, {"api_url": url}, ["api_url"] + needles)
    for name, value, words in BAD_SECONDS[:2]:
        add("http_timeout-" + name, {"http_timeout": value}, ["http_timeout", words])
    for name, value, words in BAD_SECONDS:
        add("poll_interval_max-" + name, {"poll_interval_max": value}, ["poll_interval_max", words])
    add("wait_timeout-negative", {"wait_timeout": -5}, ["wait_timeout", "at least 0"])
    add("request_budget-zero", {"request_budget": 0}, ["request_budget", "at least 1"])
    add("retries-negative", {"retries": -1}, ["retries", "at least 0"])
    add("stable_for-negative", {"stable_for": -1}, ["stable_for"])
    add("log_lines-negative", {"log_lines": -2}, ["log_lines"])
    add("limit-zero", {"state": "logs", "limit": 0}, ["limit", "at least 1"])
    add("token-newline", {"token": TOKEN + "\nX-Evil: 1"}, ["token", "line break"])
    add("project-newline", {"project": "facturino\nx"}, ["project", "line break"])
    add("commit_sha-shell", {"state": "deployed", "commit_sha": "main; rm -rf /"}, ["commit_sha", "not a commit hash"])
    add("source-nul", {"state": "deployed", "source": "/tmp/a\u0000b"}, ["source", "NUL"])
    add("deploy_message-newline", {"state": "deployed", "source": "{tmp}", "deploy_message": "a\r\nb"},
        ["deploy_message", "line break"])
    add("variables-name-newline", {"state": "variables", "variables": {"A\nB": "x"}}, ["variables", "line break"])
    add("state-unknown", {"state": "exploded"}, ["state"])
    add("runtime-without-reveal", {"state": "runtime"}, ["state=runtime", "reveal"])
    add("pre_deploy_command-newline", {"state": "deployed", "pre_deploy_command": ["php artisan migrate --force\nrm -rf /"]},
        ["pre_deploy_command", "line break"])
    add("http_timeout-text", {"http_timeout": "soon"}, ["http_timeout"])
    add("no-token", {"token": ""}, ["token"])
    # servers answering badly: each within http_timeout (1 s) + 2 s
    faults = [
        ("html", "{srv}/html", ["Railway", "non-JSON"]),
        ("invalid-json", "{srv}/badjson", ["Railway", "non-JSON"]),
        ("10mb-body", "{srv}/big", ["Railway", "larger than"]),
        ("10mb-chunked", "{srv}/bigchunked", ["Railway", "larger than"]),
        ("slow-drip", "{srv}/drip", ["Railway", "timed out"]),
        ("stalled-body", "{srv}/stall", ["Railway", "timed out"]),
        ("connection-reset", "{srv}/reset", ["Railway", "connection"]),
        ("http-500", "{srv}/status/500", ["Railway", "HTTP 500"]),
        ("http-404", "{srv}/status/404", ["Railway", "HTTP 404"]),
        ("http-401", "{srv}/status/401", ["Railway", "HTTP 401"]),
        ("refused", "http://127.0.0.1:9/graphql/v2", ["Railway", "connection"]),
        ("data-string", _json({"data": "oops"}), ["Railway", "'data' of type str"]),
        ("data-list", _json({"data": [1, 2]}), ["Railway", "'data' of type list"]),
        ("data-null", _json({"data": None}), ["Railway", "without data"]),
        ("payload-list", _json([{"data": {}}]), ["Railway", "unexpected JSON"]),
        ("payload-number", _json(42), ["Railway", "unexpected JSON"]),
        ("field-string", _json({"data": {"projects": "oops", "project": "oops"}}), ["Railway", "str where an object"]),
        ("field-missing", _json({"data": {}}), ["Railway", "without the field"]),
        ("edges-strings", _json({"data": {"projects": {"edges": ["a", "b"], "pageInfo": {}}}}),
         ["Railway", "edges[0]"]),
        ("errors-string", _json({"errors": "boom", "data": None}), ["Railway", "boom"]),
        ("errors-numbers", _json({"errors": [1, 2], "data": None}), ["Railway"]),
    ]
    for name, url, needles in faults:
        add("server-" + name, {"api_url": url}, needles, timeout=1.0)
    for name, url, needles in faults[:7] + faults[11:15]:
        add("server-" + name, {"api_url": url}, needles, timeout=1.0, module="railway_deploy_info")
    for name, url, needles in BAD_URLS[:4]:
        add("api_url-" + name, {"api_url": url}, ["api_url"] + needles, module="railway_deploy_info")
    add("limit-zero", {"limit": 0}, ["limit"], module="railway_deploy_info")
    return cases


# -- http_health -----------------------------------------------------------------------------------------------------
def health_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0, expect="fail"):
        base = {"checks": [{"url": "{srv}/status/200", "timeout": 1}]}
        base.update(args)
        cases.append(Case("http_health-" + case_id, "http_health", base, needles, timeout, expect))

    def check(case_id, check_args, needles, timeout=0.0, expect="fail", **args):
        item = {"url": "{srv}/status/200", "timeout": 1}
        item.update(check_args)
        add(case_id, dict(args, checks=[item]), needles, timeout, expect)

    for name, url, needles in BAD_URLS:
        if name == "no-scheme":  # without a scheme a check URL is a path under base_url
            needles = ["relative", "base_url"]
        check("url-" + name, {"url": url}, ["url"] + needles)
    for name, url, needles in BAD_URLS[:5]:
        add("base_url-" + name, {"base_url": url, "checks": [{"url": "/x"}]}, ["base_url"] + needles)
    for name, value, words in BAD_SECONDS:
        check("timeout-" + name, {"timeout": value}, ["timeout", words])
        add("monitor-duration-" + name, {"monitor": {"duration": value}}, ["monitor.duration", words])
    for name, value, words in BAD_SECONDS[:3]:
        add("monitor-interval-" + name, {"monitor": {"duration": 10, "interval": value}}, ["monitor.interval", words])
    check("max_latency_ms-nan", {"max_latency_ms": NAN}, ["max_latency_ms", "not a usable number"])
    check("header-crlf", {"headers": {"X-Token": HEADER_SECRET + "\r\nX-Evil: 1"}}, ["X-Token", "line break"])
    check("header-lf", {"headers": {"Authorization": "Bearer " + HEADER_SECRET + "\n"}}, ["Authorization", "line break"])
    check("header-name-space", {"headers": {"X Token": HEADER_SECRET}}, ["headers", "header name"])
    check("status-999", {"status": [999]}, ["status 999"])
    check("regex-broken", {"regex": ["(unclosed"]}, ["invalid regex"])
    check("jmespath-broken", {"json": ["status = 'ok'"]}, ["JMESPath"])
    check("login-url-broken-ipv6", {"login": {"url": "http://u:%s@[::1/login" % URL_SECRET, "username": "a",
                                              "password": HEADER_SECRET}}, ["login.url", "IPv6"])
    add("retries-negative", {"retries": -1}, ["retries"])
    add("concurrency-zero", {"concurrency": 0}, ["concurrency"])
    add("delay-nan", {"delay": NAN}, ["delay", "not a usable number"])
    add("max_delay-inf", {"max_delay": INF}, ["max_delay", "not a usable number"])
    add("checks-empty", {"checks": []}, ["checks"])
    add("monitor-stop_file-nul", {"monitor": {"duration": 5, "interval": 1, "stop_file": "/tmp/a\u0000"}},
        ["stop_file", "NUL"])
    add("monitor-threshold-nan", {"monitor": {"duration": 5, "interval": 1, "thresholds": {"p95_ms": NAN}}},
        ["p95_ms", "not a usable number"])
    # servers answering badly: a check either passes or fails with the fault named, within its timeout + 2 s
    check("server-slow-drip", {"url": "{srv}/drip", "contains": ["ok"]}, ["timed out"], timeout=1.0)
    check("server-stalled-body", {"url": "{srv}/stall", "contains": ["ok"]}, ["timed out"], timeout=1.0)
    check("server-reset", {"url": "{srv}/reset"}, ["connection"], timeout=1.0)
    check("server-refused", {"url": "http://127.0.0.1:9/"}, ["connection"], timeout=1.0)
    check("server-html-json-assertion", {"url": "{srv}/html", "json": ["status == 'ok'"]}, ["JSON"], timeout=1.0)
    check("server-invalid-json", {"url": "{srv}/badjson", "json": ["status == 'ok'"]}, ["JSON"], timeout=1.0)
    check("server-wrong-shape-json", {"url": "{srv}/json?body=%5B1%2C2%5D", "json": ["status == 'ok'"]},
          ["status == 'ok'"], timeout=1.0)
    check("server-10mb-body", {"url": "{srv}/big", "contains": ["never there"]}, ["never there"], timeout=3.0)
    check("server-10mb-chunked", {"url": "{srv}/bigchunked", "contains": ["never there"]}, ["never there"], timeout=3.0)
    check("server-500", {"url": "{srv}/status/500"}, ["500"], timeout=1.0)
    check("server-10mb-body-passes", {"url": "{srv}/big"}, [], timeout=3.0, expect="ok")
    watch = {"duration": 2, "interval": 1, "rollback_on": [], "thresholds": {"p95_ms": 400}}
    add("monitor-drip", {"checks": [{"url": "{srv}/drip", "timeout": 0.5}], "monitor": watch}, [], timeout=2.5,
        expect="ok")
    return cases


# -- release_notify --------------------------------------------------------------------------------------------------
NOTIFY = {"subject": "Release 1.0.0", "body": "done\nline two", "webhook_url": "{srv}/hooks/" + HOOK_SECRET,
          "timeout": 1, "attempts": 1}


def notify_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0, expect="fail", base=None):
        merged = dict(NOTIFY if base is None else base, **args)
        cases.append(Case("release_notify-" + case_id, "release_notify", merged, needles, timeout, expect))

    smtp = {"subject": "Release", "body": "b", "smtp_host": "127.0.0.1", "smtp_port": 9, "mail_from": "a@example.com",
            "mail_to": ["ops@example.com"], "smtp_username": "u", "smtp_password": SMTP_SECRET, "timeout": 1,
            "attempts": 1}
    for name, url, needles in BAD_URLS:
        add("webhook_url-" + name, {"webhook_url": url.replace("/x", "/hooks/" + HOOK_SECRET)},
            ["webhook_url"] + needles)
    for name, value, words in BAD_SECONDS:
        add("timeout-" + name, {"timeout": value}, ["timeout", words])
    add("attempts-zero", {"attempts": 0}, ["attempts", "at least 1"])
    add("subject-crlf", {"subject": "Release\r\nBcc: evil@example.com"}, ["subject", "line break"])
    add("subject-lf", {"subject": "Release\n"}, ["subject", "line break"])
    add("header-crlf", {"webhook_headers": {"Authorization": "Bearer " + HEADER_SECRET + "\r\nX: y"}},
        ["Authorization", "line break"])
    add("header-lf-only", {"webhook_headers": {"X-Key": HEADER_SECRET + "\n"}}, ["X-Key", "line break"])
    add("header-name-colon", {"webhook_headers": {"X:Key": "v"}}, ["webhook_headers", "header name"])
    add("mail_to-newline", {"mail_to": ["ops@example.com\nBcc: evil@example.com"]}, ["mail_to", "line break"],
        base=smtp)
    add("mail_to-not-address", {"mail_to": ["not an address"]}, ["mail_to", "not a mail address"], base=smtp)
    add("mail_from-crlf", {"mail_from": "a@example.com\r\nX: y"}, ["mail_from", "line break"], base=smtp)
    add("mail_from-not-address", {"mail_from": "nobody"}, ["mail_from"], base=smtp)
    add("smtp_port-zero", {"smtp_port": 0}, ["smtp_port"], base=smtp)
    add("smtp_port-huge", {"smtp_port": 70000}, ["smtp_port"], base=smtp)
    add("smtp_host-url", {"smtp_host": "smtp://mail.example.com"}, ["smtp_host"], base=smtp)
    add("smtp_host-newline", {"smtp_host": "mail\n.example.com"}, ["smtp_host", "line break"], base=smtp)
    add("smtp_password-newline", {"smtp_password": SMTP_SECRET + "\r\n"}, ["smtp_password", "line break"], base=smtp)
    add("smtp-refused", {}, ["SMTP", "unreachable"], timeout=1.0, base=smtp)
    add("no-channel", {"webhook_url": None}, ["no notification channel"])
    add("server-slow-drip", {"webhook_url": "{srv}/drip?k=" + HOOK_SECRET}, ["webhook", "timeout"], timeout=1.0)
    add("server-stalled", {"webhook_url": "{srv}/stall?k=" + HOOK_SECRET}, ["webhook", "timeout"], timeout=1.0)
    add("server-reset", {"webhook_url": "{srv}/reset?k=" + HOOK_SECRET}, ["webhook", "connection_error"], timeout=1.0)
    add("server-refused", {"webhook_url": "http://127.0.0.1:9/" + HOOK_SECRET}, ["webhook"], timeout=1.0)
    add("server-500", {"webhook_url": "{srv}/status/500?k=" + HOOK_SECRET}, ["webhook", "HTTP 500"], timeout=1.0)
    add("server-404", {"webhook_url": "{srv}/status/404?k=" + HOOK_SECRET}, ["webhook", "HTTP 404"], timeout=1.0)
    add("server-10mb-answer", {"webhook_url": "{srv}/big?k=" + HOOK_SECRET}, [], timeout=1.0, expect="ok")
    add("server-html-answer", {"webhook_url": "{srv}/html?k=" + HOOK_SECRET}, [], timeout=1.0, expect="ok")
    return cases


# -- pg_backup -------------------------------------------------------------------------------------------------------
def pg_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        merged = {"state": "listed", "dest": "{tmp}/backups"}
        merged.update(args)
        merged = {k: v for k, v in merged.items() if v is not None}
        cases.append(Case("pg_backup-" + case_id, "pg_backup", merged, needles, timeout))

    dumped = {"state": "dumped", "dest": "{tmp}/backups", "host": "127.0.0.1", "dbname": "nope_corpus"}
    urls = [("space-in-host", "postgresql://u:%s@exa mple.com/db" % DB_SECRET, ["contains a space"]),
            ("broken-ipv6", "postgresql://u:%s@[::1/db" % DB_SECRET, ["broken IPv6"]),
            ("http-scheme", "http://u:%s@db.example.com/db" % DB_SECRET, ["unsupported scheme 'http'"]),
            ("no-scheme", "u:%s@db.example.com/db" % DB_SECRET, ["no scheme"]),
            ("bad-port", "postgresql://u:%s@db.example.com:99999/db" % DB_SECRET, ["port"])]
    for name, url, needles in urls:
        add("database_url-" + name, dict(dumped, database_url=url, dbname=None, host=None), ["database_url"] + needles)
    for key, value, needles in [
        ("port", 0, ["port"]), ("port", 70000, ["port"]), ("connect_timeout", 0, ["connect_timeout"]),
        ("connect_timeout", -1, ["connect_timeout"]), ("timeout", 0, ["timeout"]), ("jobs", 0, ["jobs"]),
        ("compression", 12, ["compression"]), ("compression", -1, ["compression"]),
        ("label", "a\nb", ["label", "line break"]), ("dest", "{tmp}/a\u0000b", ["dest", "NUL"]),
        ("password", DB_SECRET + "\n", ["password", "line break"]),
        ("s3_endpoint_url", "http://[::1/", ["s3_endpoint_url", "IPv6"]),
    ]:
        add("%s-%s" % (key, str(value).replace("/", "_").replace("{tmp}", "")[:12]), dict(dumped, **{key: value}),
            needles)
    for key, value, needles in [("keep_last", -1, ["keep_last"]), ("keep_days", NAN, ["keep_days"]),
                                ("keep_days", INF, ["keep_days"]), ("keep_days", -1.0, ["keep_days"])]:
        add("pruned-%s-%s" % (key, value), {"state": "pruned", key: value}, needles)
    add("unreachable-db", dict(dumped, port=9, connect_timeout=1), ["nope_corpus"], timeout=1.0)
    # backup manifests with fields of the wrong type (the dump file exists, the manifest is damaged)
    for name, manifest, needles in [
        ("size-text", {"size_bytes": "12"}, ["size_bytes", "is str"]),
        ("checksum-text", {"checksum": "abc"}, ["checksum", "is str"]),
        ("checksum-value-number", {"checksum": {"algorithm": "sha256", "value": 5}}, ["checksum.value"]),
        ("row_counts-text", {"row_counts": {"invoices": "3"}}, ["row_counts.invoices"]),
        ("row_counts-list", {"row_counts": [1, 2]}, ["row_counts", "is list"]),
        ("created_at-number", {"created_at": 5}, ["created_at", "is int"]),
        ("created_at-garbage", {"created_at": "yesterday"}, ["created_at", "ISO 8601"]),
        ("format-number", {"format": 3}, ["format", "is int"]),
        ("verification-text", {"verification": "yes"}, ["verification", "is str"]),
        ("manifest-list", [1, 2], ["not an object"]),
        ("manifest-invalid-json", "{broken", ["cannot be read"]),
    ]:
        add("manifest-" + name, {"state": "verified", "dest": None, "path": "{tmp}/backups/db_x.dump",
                                 "_corpus_manifest": manifest}, ["manifest"] + needles)
    return cases


# -- artisan ---------------------------------------------------------------------------------------------------------
def artisan_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        merged = {"app_path": "{tmp}", "command": "migrate_status", "environment": {"APP_KEY": ENV_SECRET}}
        merged.update(args)
        cases.append(Case("artisan-" + case_id, "artisan", merged, needles, timeout))

    add("timeout-zero", {"timeout": 0}, ["timeout"])
    add("timeout-negative", {"timeout": -1}, ["timeout"])
    add("timeout-text", {"timeout": "forever"}, ["timeout"])
    add("app_path-missing", {"app_path": "{tmp}/nowhere"}, ["nowhere"])
    add("app_path-nul", {"app_path": "{tmp}/a\u0000b"}, ["app_path", "NUL"])
    add("php-newline", {"php": "php\n-r"}, ["php", "line break"])
    add("app_path-not-laravel", {}, ["artisan", "app_path"])
    add("argv-newline", {"command": "raw", "argv": ["list\nx"]}, ["argv", "line break"])
    add("raw-without-argv", {"command": "raw"}, ["argv"])
    add("step-negative", {"command": "rollback", "step": -1}, ["step"])
    add("environment-name-equals", {"environment": {"A=B": ENV_SECRET}}, ["environment", "variable name"])
    add("secret-newline", {"command": "down", "secret": ENV_SECRET + "\n"}, ["secret", "line break"])
    add("queue-on-migrate", {"queue": "default"}, ["queue"])
    add("command-unknown", {"command": "explode"}, ["command"])
    return cases


# -- env_audit -------------------------------------------------------------------------------------------------------
def env_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        cases.append(Case("env_audit-" + case_id, "env_audit", args, needles, timeout))

    add("path-missing", {"path": "{tmp}/.env.missing"}, [".env.missing"])
    add("path-nul", {"path": "{tmp}/.env\u0000"}, ["path", "NUL"])
    add("max_bytes-zero", {"variables": {"APP_KEY": ENV_SECRET}, "max_bytes": 0}, ["max_bytes"])
    add("max_bytes-negative", {"variables": {"APP_KEY": ENV_SECRET}, "max_bytes": -1}, ["max_bytes"])
    add("laravel_version-newline", {"variables": {"APP_KEY": ENV_SECRET}, "laravel_version": "11\n"},
        ["laravel_version", "line break"])
    add("app_path-not-dir", {"variables": {"APP_KEY": ENV_SECRET}, "app_path": "{tmp}/nowhere"}, ["app_path"])
    add("fail_on-unknown", {"variables": {"APP_KEY": ENV_SECRET}, "fail_on": "sometimes"}, ["fail_on"])
    add("path-and-variables", {"variables": {"APP_KEY": ENV_SECRET}, "path": "{tmp}/.env"}, ["mutually exclusive"])
    add("nothing", {}, ["path", "variables"])
    add("reference_path-nul", {"variables": {"APP_KEY": ENV_SECRET}, "reference_path": "{tmp}/r\u0000"},
        ["reference_path", "NUL"])
    return cases


# -- laravel_probe ---------------------------------------------------------------------------------------------------
def probe_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        merged = {"app_path": "{tmp}", "checks": ["db"], "environment": {"DATABASE_URL": "pgsql://u:%s@h/db" % DB_SECRET}}
        merged.update(args)
        cases.append(Case("laravel_probe-" + case_id, "laravel_probe", merged, needles, timeout))

    add("timeout-zero", {"timeout": 0}, ["timeout"])
    add("timeout-negative", {"timeout": -4}, ["timeout"])
    add("app_path-missing", {"app_path": "{tmp}/nowhere"}, ["nowhere"])
    add("app_path-nul", {"app_path": "{tmp}/a\u0000b"}, ["app_path", "NUL"])
    add("app_path-not-laravel", {}, ["artisan"])
    add("check-unknown", {"checks": ["db", "weather"]}, ["checks"])
    add("php-missing", {"php": "{tmp}/no-php", "_corpus_files": {"artisan": "<?php\n"}}, ["php"])
    add("environment-name-equals", {"environment": {"A=B": DB_SECRET}}, ["environment", "variable name"])
    add("environment-secret-no-framework", {"_corpus_files": {"artisan": "<?php\n"}}, ["framework"])
    add("columns-not-list", {"columns": {"users": "two_factor_secret"}}, ["columns"])
    add("query-not-select", {"queries": {"wipe": "DELETE FROM users"}}, ["queries"])
    add("dispatch-newline", {"dispatch": "App\\Jobs\\Probe\nx"}, ["dispatch"])
    return cases


# -- git_release -----------------------------------------------------------------------------------------------------
def git_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        merged = {"operation": "facts", "app_path": "{tmp}"}
        merged.update(args)
        cases.append(Case("git_release-" + case_id, "git_release", merged, needles, timeout))

    add("app_path-missing", {"app_path": "{tmp}/nowhere"}, ["app_path", "nowhere"])
    add("app_path-not-repo", {}, ["git work tree", "app_path"])
    add("app_path-nul", {"app_path": "{tmp}/a\u0000b"}, ["app_path", "NUL"])
    add("operation-unknown", {"operation": "force-push"}, ["operation"])
    add("tag-without-name", {"operation": "tag"}, ["tag"])
    add("tag-newline", {"operation": "tag", "tag": "v1\nx", "git_message": "m"}, ["tag", "line break"])
    add("ref-option-like", {"ref": "--upload-pack=touch {tmp}/pwned"}, ["ref", "option"])
    add("export-without-dest", {"operation": "export"}, ["dest"])
    add("remote-option-like", {"operation": "push", "tag": "v1", "remote": "--exec=x"}, ["remote", "option"])
    add("tags-option-like", {"operation": "push", "tags": ["--force"]}, ["tags", "option"])
    add("dest-nul", {"operation": "export", "dest": "{tmp}/out\u0000"}, ["dest", "NUL"])
    add("author_email-newline", {"operation": "tag", "tag": "v1", "git_message": "m", "author_email": "a@b\nc"},
        ["author_email", "line break"])
    return cases


# -- release_state ---------------------------------------------------------------------------------------------------
def state_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0, manifest=None):
        merged = dict(args)
        cases.append(Case("release_state-" + case_id, "release_state", merged, needles, timeout))

    add("operation-unknown", {"operation": "lock_steal", "lock_path": "{tmp}/lock"}, ["operation"])
    add("lock-without-path", {"operation": "lock_acquire"}, ["lock_path"])
    add("ttl-zero", {"operation": "lock_acquire", "lock_path": "{tmp}/lock", "ttl": 0}, ["ttl"])
    add("ttl-negative", {"operation": "lock_acquire", "lock_path": "{tmp}/lock", "ttl": -60}, ["ttl"])
    add("lock-dir-is-a-device", {"operation": "lock_acquire", "lock_path": "/dev/null/lock"}, ["/dev/null"])
    add("run_id-newline", {"operation": "lock_acquire", "lock_path": "{tmp}/lock", "run_id": "r\nx"}, ["run_id"])
    add("lock_path-nul", {"operation": "lock_inspect", "lock_path": "{tmp}/l\u0000k"}, ["lock_path", "NUL"])
    add("ledger-without-path", {"operation": "ledger_record", "record": {"version": "v1"}}, ["ledger_path"])
    add("ledger-record-not-dict", {"operation": "ledger_record", "ledger_path": "{tmp}/ledger.json",
                                   "record": "v1"}, ["record"])
    add("ledger-keep-zero", {"operation": "ledger_record", "ledger_path": "{tmp}/ledger.json",
                             "record": {"version": "v1"}, "keep": 0}, ["keep"])
    add("section_status-unknown", {"operation": "ledger_record", "ledger_path": "{tmp}/ledger.json",
                                   "section": "deploy", "section_status": "exploded"}, ["section_status"])
    add("report-without-files", {"operation": "report_write"}, ["files"])
    add("report-file-nul", {"operation": "report_write", "files": [{"path": "{tmp}/r\u0000.md", "content": "x"}]},
        ["files[0].path", "NUL"])
    add("report-dir-is-a-device", {"operation": "report_write", "files": [{"path": "/dev/null/r.md", "content": "x"}]},
        ["/dev/null"])
    return cases


# -- report_html -----------------------------------------------------------------------------------------------------
def report_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        merged = {"report": {"version": "v1.0.0", "outcome": "released"}, "dest": "{tmp}/report.html"}
        merged.update(args)
        cases.append(Case("report_html-" + case_id, "report_html", merged, needles, timeout))

    add("report-not-dict", {"report": "released"}, ["report"])
    add("dest-dir-missing", {"dest": "{tmp}/no/such/dir/report.html"}, ["dest"])
    add("dest-nul", {"dest": "{tmp}/r\u0000.html"}, ["dest", "NUL"])
    add("mode-bad", {"mode": "rwxrwxrwx-junk"}, ["mode"])
    add("max_screenshot_bytes-negative", {"max_screenshot_bytes": -1}, ["max_screenshot_bytes"])
    add("background-not-list", {"background": "busy"}, ["background"])
    add("sections-wrong-shape", {"report": {"version": "v1.0.0", "sections": "all fine"}}, ["report.sections"])
    add("timeline-bad-time", {"report": {"timeline": [{"section": "deploy", "started_at": "yesterday"}]}},
        ["report.timeline[0].started_at"])
    add("window-bad-number", {"report": {"sections": {"monitor": {"windows": [{"monitor": {"error_rate_pct": "lots"}}]}}}},
        ["error_rate_pct"])
    add("steps-not-list", {"report": {"sections": {"verify": {"browser": {"steps": {"login": "ok"}}}}}}, ["steps"])
    add("checklist-not-lists", {"report": {"checklist": {"deploy": "done"}}}, ["report.checklist.deploy"])
    add("background-bad-duration", {"background": [{"name": "backup", "duration_s": "slow"}]}, ["background[0]"])
    add("mode-list", {"mode": [6, 4, 4]}, ["mode"])
    return cases


# -- browser_check ---------------------------------------------------------------------------------------------------
def browser_cases():
    cases = []

    def add(case_id, args, needles, timeout=0.0):
        merged = {"base_url": "{srv}", "results_dir": "{tmp}/results", "secrets": {"password": HOOK_SECRET},
                  "steps": [{"action": "goto", "url": "/"}], "timeout": 2}
        merged.update(args)
        cases.append(Case("browser_check-" + case_id, "browser_check", merged, needles, timeout))

    for name, url, needles in BAD_URLS[:6]:
        add("base_url-" + name, {"base_url": url}, ["base_url"] + needles)
    for name, value, words in BAD_SECONDS:
        add("timeout-" + name, {"timeout": value}, ["timeout", words])
    add("steps-empty", {"steps": []}, ["steps"])
    add("step-action-unknown", {"steps": [{"action": "teleport"}]}, ["teleport"])
    add("step-not-dict", {"steps": ["goto /"]}, ["steps"])
    add("step-secret-unknown", {"steps": [{"action": "fill", "selector": "#p", "secret": "nope"}]}, ["nope"])
    add("executable_path-missing", {"executable_path": "{tmp}/no-chromium"}, ["executable_path"])
    add("viewport-negative", {"viewport": {"width": -1, "height": 800}}, ["viewport"])
    add("viewport-text", {"viewport": {"width": "wide", "height": 800}}, ["viewport.width"])
    add("since-nan", {"since": NAN}, ["since"])
    add("step-timeout-nan", {"steps": [{"action": "goto", "url": "/", "timeout": NAN}]}, ["timeout"])
    add("results_dir-nul", {"results_dir": "{tmp}/r\u0000"}, ["results_dir", "NUL"])
    add("recovery_file-not-json", {"recovery_file": "{tmp}/recovery.json",
                                   "_corpus_files": {"recovery.json": "[1, 2"}}, ["recovery_file"])
    return cases


def all_cases():
    return (railway_cases() + health_cases() + notify_cases() + pg_cases() + artisan_cases() + env_cases()
            + probe_cases() + git_cases() + state_cases() + report_cases() + browser_cases())
