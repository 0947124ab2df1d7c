"""Format detection from the output itself, version parsing and error extraction."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError
from ansible_collections.facturino.release.plugins.module_utils.laravel import output

PARSED_KINDS = {"migrate_status": "status", "migrate_force": "migrate", "migrate_rollback": "rollback",
                "queue_work_once": "queue_work", "queue_failed": "queue_failed"}


def test_every_capture_is_detected_as_its_versions_format(captures_index, capture):
    for key in captures_index:
        version = key.split("/")[0]
        found = output.detect_format(capture(key))
        if found is None:
            assert capture(key).strip() == "", key
        elif version == "8":
            # Symfony's error boxes and the production alert are not command output; only plain lines count.
            assert found == output.LEGACY or capture(key).lstrip("\n").startswith(" "), key
        else:
            assert found == output.COMPONENTS, key


@pytest.mark.parametrize("key, kind", [
    ("8/04_migrate_status_after", "status"), ("9/migrate_status_last_one_pending", "status"),
    ("8/03_migrate_force", "migrate"), ("11/migrate_force_fresh_db", "migrate"),
    ("8/07_migrate_rollback_step_1_force", "rollback"), ("12/migrate_rollback_step_1_force", "rollback"),
])
def test_parse_dispatches_on_the_detected_format(capture, key, kind):
    output_format, parsed = output.parse(kind, capture(key))
    assert output_format == (output.LEGACY if key.startswith("8/") else output.COMPONENTS)
    assert parsed


def test_version_from_capture(capture):
    assert output.parse_version(capture("8/01_version")) == "8.83.26"
    assert output.parse_version("Laravel Framework 12.67.0\n") == "12.67.0"
    with pytest.raises(OutputParseError):
        output.parse_version("PHP Fatal error: nope")


def test_wrapped_error_block_is_glued_back(capture):
    message = output.extract_error(capture("8/a1_migrate_status_wrong_db_password_in_env"), wrap_width=75)
    assert 'password authentication failed for user "laravel" (SQL: select * from information_schema.tables' in message


def test_unwrapped_error_lines_keep_their_spaces():
    text = "\nIn Connection.php line 712:\n\n  first line  \n  second line \n\n"
    assert output.extract_error(text) == "first line second line"


def test_error_without_symfony_header(capture):
    assert output.extract_error(capture("8/44_about")) == 'Command "about" is not defined.'


def test_component_error_badge():
    assert output.extract_error("\n   ERROR  Migration table not found.  \n") == "Migration table not found."


def test_verbose_trace_is_left_out(capture):
    message = output.extract_error(capture("8/a3_migrate_force_v_wrong_db_password_verbose"), wrap_width=75)
    assert "BoundMethod" not in message and "[PDOException (7)]" in message
