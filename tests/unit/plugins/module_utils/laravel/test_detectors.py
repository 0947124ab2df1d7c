"""Failure detectors on the captured failures, including the runs that exit 0 but failed."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import LaravelError
from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
from ansible_collections.facturino.release.plugins.module_utils.laravel import detectors


def _result(stdout, rc=0, stderr=""):
    return CommandResult(["php", "artisan", "x"], rc, stdout, stderr, 1.0)


@pytest.mark.parametrize("key, cause", [
    ("8/a1_migrate_status_wrong_db_password_in_env", 'rejected the password for user "laravel"'),
    ("8/a5_queue_failed_wrong_db_password", 'rejected the password for user "laravel"'),
    ("8/c1_migrate_status_db_port_5499_nothing_listening", "127.0.0.1:5499 refused the connection"),
    ("8/c3_migrate_status_db_database_does_not_exist", 'database "does_not_exist" does not exist'),
    ("8/12_migrate_app_env_production_no_force_n", "refused to run in production without --force"),
    ("9/migrate_n_with_app_env_production_no_force", "refused to run in production without --force"),
    ("12/migrate_n_with_app_env_production_no_force", "refused to run in production without --force"),
    ("8/44_about", "no such command"),
])
def test_known_failures_name_cause_and_fix(capture, captures_index, key, cause):
    with pytest.raises(LaravelError) as error:
        detectors.raise_for_failure("cmd", _result(capture(key), rc=captures_index[key]["rc"]), rc=1)
    assert cause in error.value.message and error.value.hint
    assert error.value.result == {"rc": 1}


def test_cache_clear_permission_failure_exits_zero_but_fails(capture, captures_index):
    key = "8/x18_www_data_cache_clear_on_root_owned_storage_framework_cache"
    assert captures_index[key]["rc"] == 0
    with pytest.raises(LaravelError, match="could not delete the cache files") as error:
        detectors.raise_for_failure("cache:clear", _result(capture(key)))
    assert "chown" in error.value.hint


def test_unwritable_log_hides_the_real_error_but_not_from_us(capture, captures_index):
    key = "8/x20_www_data_db_password_wrong_unwritable_storage_logs_exit_code"
    assert captures_index[key]["rc"] == 0
    with pytest.raises(LaravelError, match="storage/logs is not writable") as error:
        detectors.raise_for_failure("migrate:status", _result(capture(key)))
    assert "hid the real error: SQLSTATE[08006]" in error.value.message  # the capture wraps at 80 columns


def test_success_passes(capture):
    for key in ("8/04_migrate_status_after", "8/15_cache_clear", "12/cache_clear", "8/30_queue_work_once_sleep_0_empty_queue"):
        assert detectors.raise_for_failure("x", _result(capture(key))) is None


def test_unknown_failure_keeps_laravels_words():
    with pytest.raises(LaravelError, match="exit code 2: something broke"):
        detectors.raise_for_failure("x", _result("something broke\n", rc=2))


def test_timeout_is_named():
    result = CommandResult(["php"], 124, "", "", 1.0, timed_out=True)
    with pytest.raises(LaravelError, match="timed out"):
        detectors.raise_for_failure("queue:work", result)


def test_missing_framework_is_named():
    text = ("PHP Fatal error:  Uncaught Error: Failed opening required '/app/vendor/autoload.php' "
            "(include_path='.:/usr/share/php') in /app/artisan:18")
    with pytest.raises(LaravelError, match="framework could not be loaded") as error:
        detectors.raise_for_failure("migrate", _result("", rc=255, stderr=text))
    assert "composer install" in error.value.hint


def test_log_watch_reads_only_new_errors(tmp_path):
    logs = tmp_path / "storage" / "logs"
    logs.mkdir(parents=True)
    log = logs / "laravel.log"
    log.write_text("[2026-11-26 08:00:00] local.ERROR: old failure\n")
    watch = detectors.LogWatch(str(tmp_path)).start()
    with log.open("a") as handle:
        handle.write("[2026-11-26 08:25:46] production.ERROR: SQLSTATE[08006] [7] connection to server at "
                     "\"db\", port 5432 failed: Connection refused {\"exception\":\"...\"}\n#0 trace line\n"
                     "[2026-11-26 08:25:47] production.INFO: fine\n")
    assert len(watch.new_errors()) == 1 and "SQLSTATE[08006]" in watch.new_errors()[0]
    assert watch.new_errors("[2026-11-26 08:25:48] production.CRITICAL: from stderr")[0] == "from stderr"


def test_lost_connection_raises_only_for_connection_errors():
    detectors.raise_for_lost_connection("queue:work", ["RuntimeException: the job itself failed"])
    with pytest.raises(LaravelError, match="its queue connection failed: PostgreSQL at db:5432 refused"):
        detectors.raise_for_lost_connection(
            "queue:work", ['SQLSTATE[08006] [7] connection to server at "db", port 5432 failed: Connection refused'])


def test_key_generate_without_app_key_line_fails(tmp_path, capture):
    (tmp_path / ".env").write_text("APP_NAME=Facturino\n")
    result = _result(capture("8/d6_key_generate_no_app_key_line_in_env"))
    with pytest.raises(LaravelError, match="has no APP_KEY line"):
        detectors.raise_for_key_generate(str(tmp_path), ["key:generate"], result)
    detectors.raise_for_key_generate(str(tmp_path), ["key:generate", "--show"], result)
    (tmp_path / ".env").write_text("APP_KEY=base64:abc\n")
    detectors.raise_for_key_generate(str(tmp_path), ["key:generate"], result)


def test_read_dotenv_key(tmp_path):
    assert detectors.read_dotenv_key(str(tmp_path)) is None
    (tmp_path / ".env").write_text("A=1\nAPP_KEY=\n")
    assert detectors.read_dotenv_key(str(tmp_path)) == ""
    (tmp_path / ".env").write_text("export APP_KEY='base64:xyz'\n")
    assert detectors.read_dotenv_key(str(tmp_path)) == "base64:xyz"
