"""Component-format parsers (Laravel 9.21-12) against the real renderings of each version."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError
from ansible_collections.facturino.release.plugins.module_utils.laravel import output_components as components

VERSIONS = ["9", "10", "11", "12"]
TWO_FA = "2025_11_16_233237_add_two_factor_columns_to_users_table"
FIVE = ["0001_01_01_000000_create_users_table", "0001_01_01_000001_create_cache_table",
        "0001_01_01_000002_create_jobs_table", "2025_11_16_120000_create_invoices_table", TWO_FA]


@pytest.mark.parametrize("version", VERSIONS)
def test_status_all_ran_with_batches(capture, version):
    parsed = components.parse_status(capture(version + "/migrate_status_all_ran_last_one_in_batch_2"))
    assert [m["name"] for m in parsed["migrations"]] == FIVE
    assert [m["batch"] for m in parsed["migrations"]] == [1, 1, 1, 1, 2]
    assert all(m["ran"] for m in parsed["migrations"]) and not parsed["table_missing"]


@pytest.mark.parametrize("version", VERSIONS)
def test_status_last_one_pending(capture, version):
    last = components.parse_status(capture(version + "/migrate_status_last_one_pending"))["migrations"][-1]
    assert last == {"name": TWO_FA, "ran": False, "batch": None}


@pytest.mark.parametrize("version", VERSIONS)
def test_status_without_table(capture, version):
    assert components.parse_status(capture(version + "/migrate_status_no_migrations_table_yet")) == {
        "table_missing": True, "migrations": []}


@pytest.mark.parametrize("version", VERSIONS)
def test_migrate_fresh_excludes_the_migration_table_task(capture, version):
    parsed = components.parse_migrate(capture(version + "/migrate_force_fresh_db"))
    assert parsed["applied"] == FIVE and parsed["table_created"] is True


@pytest.mark.parametrize("version", VERSIONS)
def test_migrate_nothing(capture, version):
    assert components.parse_migrate(capture(version + "/migrate_force_nothing_to_migrate"))["applied"] == []


@pytest.mark.parametrize("version", VERSIONS)
def test_rollback_one(capture, version):
    assert components.parse_rollback(capture(version + "/migrate_rollback_step_1_force"))["rolled_back"] == [TWO_FA]


@pytest.mark.parametrize("version", VERSIONS)
def test_queue_work_success_then_failure(capture, version):
    jobs = components.parse_queue_work(capture(version + "/queue_work_once_one_job_that_succeeds_then_one_that_fails"))
    assert [(j["job"], j["status"]) for j in jobs] == [("App\\Jobs\\DemoJob", "processed"), ("App\\Jobs\\DemoJob", "failed")]


def test_status_at_120_columns_parses_the_same(capture):
    wide = components.parse_status(capture("12/the_same_migrate_status_at_columns_120_interactive_terminal"))
    assert wide == components.parse_status(capture("12/migrate_status_all_ran_last_one_in_batch_2"))


def test_laravel12_extras(capture):
    assert components.parse_rollback(capture("12/migrate_rollback_nothing_to_roll_back"))["rolled_back"] == []
    assert components.parse_status(capture("12/migrate_status_pending_nothing_pending"))["migrations"] == []
    assert components.parse_queue_failed(capture("12/queue_failed_none")) == []
    queries = components.parse_pretend(capture("12/migrate_pretend_one_pending_pgsql"))
    assert [q["migration"] for q in queries] == [TWO_FA]
    assert queries[0]["query"].startswith('alter table "users" add column "two_factor_secret"')


def test_runtime_formats_of_every_version():
    for runtime in ("5ms", "1,234ms", "12.34ms", "1s", "1m 5s"):
        line = "  2025_x ........ %s DONE" % runtime
        assert components.parse_migrate(line)["applied"] == ["2025_x"], runtime


def test_task_without_dots_for_very_long_names():
    name = "2025_11_16_000000_" + "x" * 140
    assert components.parse_migrate("  %s  3.10ms DONE" % name)["applied"] == [name]


def test_skipped_task_is_not_applied():
    parsed = components.parse_migrate("  2025_a ........ 1.00ms DONE\n  2025_b ........ 0.10ms SKIPPED\n")
    assert parsed["applied"] == ["2025_a"] and parsed["skipped"] == ["2025_b"]


def test_failed_job_rows_are_read():
    text = "  2026-11-26 08:25:46 e7413525-7ac4-48e8-b7bf-ee4c92c187bf ................ database@default  \n"
    expected = {"id": "e7413525-7ac4-48e8-b7bf-ee4c92c187bf", "connection": "database", "queue": "default",
                "failed_at": "2026-11-26 08:25:46"}
    assert components.parse_queue_failed(text) == [expected]


@pytest.mark.parametrize("parser, text", [
    (components.parse_status, "  Migration name .... Batch / Status  \n  2025_x ........ Unknown  \n"),
    (components.parse_migrate, "   INFO  Running migrations.  \n  something odd\n"),
    (components.parse_rollback, "   WARN  Something new.  \n"),
    (components.parse_queue_work, "  2025-11-26 08:14:50 App\\Jobs\\DemoJob ...... EXPLODED\n"),
    (components.parse_pretend, "   ERROR  boom.  \n"),
])
def test_unknown_lines_fail_loudly(parser, text):
    with pytest.raises(OutputParseError, match="unrecognised line"):
        parser(text)
