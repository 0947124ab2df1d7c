"""The bad-input corpus: every module, malformed options and servers answering badly (HTML, invalid JSON, JSON of
the wrong shape, a 10 MB body, a slow drip, a stalled body, a reset). Each case fails with a message naming the
option or the server's fault, carries no traceback, ends within its timeout + 2 s, leaves no process or file behind
and shows no planted secret. The cases run four at a time (most of their time is waiting on a process)."""

import concurrent.futures
import json
import os
import sys
import tempfile

import pytest

from tests.support import bad_servers
from tests.support.corpus import run_case
from tests.support.corpus_cases import all_cases

CASES = all_cases()
PARALLEL = int(os.environ.get("CORPUS_PARALLEL", "4"))


@pytest.fixture(scope="module")
def outcomes():
    server = bad_servers.start()
    root = tempfile.mkdtemp(prefix="corpus-")
    try:
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            futures = {case.id: pool.submit(run_case, case, server.url, os.path.join(root, "%03d" % index))
                       for index, case in enumerate(CASES)}
            results = {case_id: future.result() for case_id, future in futures.items()}
        write_summary(results)
        yield results
    finally:
        server.close()


def write_summary(results):
    """tests/output/corpus.json: how many cases, and the longest overrun past a timeout (the note's numbers)."""
    worst = max(results.values(), key=lambda outcome: outcome.overrun)
    summary = {"cases": len(results), "modules": len({o.case.module for o in results.values()}),
               "longest_overrun_s": round(worst.overrun, 2), "longest_overrun_case": worst.case.id,
               "longest_wall_s": round(max(o.seconds for o in results.values()), 2),
               "problems": sum(1 for o in results.values() if o.problems())}
    os.makedirs("tests/output", exist_ok=True)
    with open("tests/output/corpus.json", "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)


def test_the_corpus_has_at_least_150_cases_across_every_module():
    modules = {case.module for case in CASES}
    assert len(CASES) >= 150 and len({case.id for case in CASES}) == len(CASES)
    assert modules == {name[:-3] for name in os.listdir("plugins/modules") if name.endswith(".py")
                       and not name.startswith("_")}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case_ends_cleanly(outcomes, case):
    outcome = outcomes[case.id]
    assert outcome.problems() == [], "%s: %s" % (case.id, outcome.msg)


# Through real ansible-playbook at -vvvv: one task per fault class, every planted secret hunted in the whole output.
VVVV_CASES = [
    "railway_deploy-api_url-password-broken-ipv6", "railway_deploy-token-newline", "railway_deploy-server-slow-drip",
    "railway_deploy-server-data-string", "railway_deploy_info-server-html", "http_health-url-password-broken-ipv6",
    "http_health-header-crlf", "http_health-server-10mb-body", "http_health-timeout-zero",
    "release_notify-header-crlf", "release_notify-webhook_url-password-space", "release_notify-subject-crlf",
    "release_notify-server-slow-drip", "pg_backup-database_url-broken-ipv6", "pg_backup-connect_timeout-0",
    "artisan-environment-name-equals", "artisan-secret-newline",
    "env_audit-laravel_version-newline",
]


def test_a_representative_subset_at_vvvv_fails_clearly_and_shows_no_secret(tmp_path):
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415

    from tests.support.corpus import CANARY, REPO_ROOT, _fill  # noqa: PLC0415

    by_id = {case.id: case for case in CASES}
    chosen = [by_id[case_id] for case_id in VVVV_CASES]
    server = bad_servers.start()
    try:
        (tmp_path / "work").mkdir()
        work = str(tmp_path / "work")
        tasks = [{"name": case.id, "facturino.release.%s" % case.module: _fill(case.args, server.url, work),
                  "register": "r%d" % index, "ignore_errors": True} for index, case in enumerate(chosen)]
        tasks.append({"name": "messages", "ansible.builtin.copy": {
            "dest": str(tmp_path / "msgs.json"), "mode": "0600",
            "content": "{{ [%s] | to_json }}" % ", ".join("r%d.msg | default('')" % i for i in range(len(chosen)))}})
        playbook = tmp_path / "corpus.yml"
        playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO_ROOT, "ansible.cfg"), RAILWAY_TOKEN="",
                   RAILWAY_API_TOKEN="")
        started = time.monotonic()
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvvv",
                               "-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable,
                               str(playbook)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        took = time.monotonic() - started
    finally:
        server.close()
    output = proc.stdout + proc.stderr
    assert "ignored=%d" % len(chosen) in output, output[-3000:]
    assert CANARY not in output, [line for line in output.splitlines() if CANARY in line][:5]
    messages = json.loads((tmp_path / "msgs.json").read_text())
    for case, message in zip(chosen, messages):
        assert all(needle in message for needle in case.needles), (case.id, message)
        assert "please report this as a bug" not in message
    assert "Traceback" not in output
    assert took < 120
