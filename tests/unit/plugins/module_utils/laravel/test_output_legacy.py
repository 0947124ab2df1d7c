"""Laravel 8 (legacy format) parsers against the verbatim captures of the sandbox study."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError
from ansible_collections.facturino.release.plugins.module_utils.laravel import output_legacy as legacy

TWO_FA = "2025_11_16_233237_add_two_factor_columns_to_users_table"
FIVE = ["0001_01_01_000000_create_users_table", "0001_01_01_000001_create_cache_table",
        "0001_01_01_000002_create_jobs_table", "2025_11_16_120000_create_invoices_table", TWO_FA]


def test_status_fresh_database_is_table_missing(capture):
    assert legacy.parse_status(capture("8/02_migrate_status_fresh_db_before")) == {"table_missing": True, "migrations": []}


def test_status_all_ran_in_batch_one(capture):
    parsed = legacy.parse_status(capture("8/04_migrate_status_after"))
    assert [m["name"] for m in parsed["migrations"]] == FIVE
    assert all(m["ran"] and m["batch"] == 1 for m in parsed["migrations"])


def test_status_one_pending_has_no_batch(capture):
    last = legacy.parse_status(capture("8/08_migrate_status_one_pending"))["migrations"][-1]
    assert last == {"name": TWO_FA, "ran": False, "batch": None}


def test_status_reads_batch_numbers(capture):
    assert [m["batch"] for m in legacy.parse_status(capture("8/x12_migrate_status_after_step"))["migrations"]] == [1, 2, 3, 4, 5]
    assert legacy.parse_status(capture("8/11_migrate_status_final"))["migrations"][-1]["batch"] == 2


def test_status_after_reset_is_all_pending(capture):
    assert not any(m["ran"] for m in legacy.parse_status(capture("8/x10_migrate_status_after_reset"))["migrations"])


def test_migrate_fresh_lists_applied_in_order(capture):
    assert legacy.parse_migrate(capture("8/03_migrate_force")) == {"applied": FIVE, "table_created": True}


def test_migrate_nothing_and_reapply(capture):
    assert legacy.parse_migrate(capture("8/05_migrate_force_again_nothing_to_migrate"))["applied"] == []
    assert legacy.parse_migrate(capture("8/10_migrate_force_re_apply"))["applied"] == [TWO_FA]


def test_rollback_and_reset(capture):
    assert legacy.parse_rollback(capture("8/07_migrate_rollback_step_1_force"))["rolled_back"] == [TWO_FA]
    assert legacy.parse_rollback(capture("8/x9_migrate_reset_force"))["rolled_back"] == list(reversed(FIVE))


def test_pretend_pairs_migration_and_sql(capture):
    queries = legacy.parse_pretend(capture("8/09_migrate_pretend_one_pending"))
    assert len(queries) == 1 and queries[0]["migration"] == TWO_FA
    assert queries[0]["query"].startswith('alter table "users" add column "two_factor_secret" text null')
    assert legacy.parse_pretend(capture("8/06_migrate_pretend_nothing_pending")) == []


def test_rollback_pretend_skips_rolling_back_lines():
    text = "Rolling back: %s\n%s: alter table \"users\" drop column \"two_factor_secret\"\n" % (TWO_FA, TWO_FA)
    assert legacy.parse_pretend(text) == [{"migration": TWO_FA, "query": 'alter table "users" drop column "two_factor_secret"'}]


def test_queue_work_processed_failed_and_empty(capture):
    assert legacy.parse_queue_work(capture("8/34_queue_work_once_one_job")) == [
        {"job": "App\\Jobs\\DemoJob", "id": "1", "status": "processed"}]
    assert legacy.parse_queue_work(capture("8/37_queue_work_once_failing_job"))[0]["status"] == "failed"
    assert legacy.parse_queue_work(capture("8/30_queue_work_once_sleep_0_empty_queue")) == []
    assert [j["id"] for j in legacy.parse_queue_work(capture("8/40_queue_work_stop_when_empty_3_jobs"))] == ["3", "4", "5"]


def test_queue_failed_table_and_none(capture):
    jobs = legacy.parse_queue_failed(capture("8/38_queue_failed"))
    assert jobs == [{"id": "e7413525-7ac4-48e8-b7bf-ee4c92c187bf", "connection": "database", "queue": "default",
                     "class": "App\\Jobs\\DemoJob", "failed_at": "2026-11-26 08:25:46"}]
    assert legacy.parse_queue_failed(capture("8/43_queue_failed_after_flush")) == []


@pytest.mark.parametrize("parser, text", [
    (legacy.parse_status, "+------+\n| Ran? | Migration | Batch |\n| Maybe | x | 1 |\n"),
    (legacy.parse_migrate, "Migrated:  x (1.0ms)\nSomething unexpected\n"),
    (legacy.parse_rollback, "Rolled back:  x (1.0ms)\nweird\n"),
    (legacy.parse_queue_work, "[2026-11-26 08:25:45][1] Exploded: App\\Jobs\\DemoJob\n"),
    (legacy.parse_queue_failed, "| ID | Nope |\n| 1 | 2 |\n"),
])
def test_unknown_lines_fail_loudly(parser, text):
    with pytest.raises(OutputParseError, match="unrecognised line"):
        parser(text)


def test_failed_migrate_stops_at_the_error_when_not_strict():
    text = "Migrating: a\nMigrated:  a (1.00ms)\nMigrating: b\n\nIn Connection.php line 712:\n  boom  \n"
    assert legacy.parse_migrate(text, strict=False)["applied"] == ["a"]
