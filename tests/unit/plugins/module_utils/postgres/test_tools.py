import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError
from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
from ansible_collections.facturino.release.plugins.module_utils.postgres.tools import Tools, parse_version


class VersionRunner:
    def __init__(self, text):
        self.text = text

    def which(self, name):
        return "/usr/bin/" + name

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        return CommandResult(argv, 0, self.text, "", 1.0)


@pytest.mark.parametrize("text,expected", [
    ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", (15, 20)),
    ("pg_restore (PostgreSQL) 17.0", (17, 0)),
    ("pg_dump (PostgreSQL) 9.6.24", (9, 6)),
    ("garbage", None),
])
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_older_pg_dump_names_both_versions_and_the_fix():
    tools = Tools(VersionRunner("pg_dump (PostgreSQL) 14.11"))
    with pytest.raises(BackupError) as caught:
        tools.check_compatible("pg_dump", 160004, "16.4")
    text = str(caught.value)
    assert "14.11" in text and "16.4" in text and "postgresql-client-16" in text and "pg_bin_dir" in text


def test_same_or_newer_pg_dump_is_accepted():
    assert Tools(VersionRunner("pg_dump (PostgreSQL) 16.1")).check_compatible("pg_dump", 150020, "15.20") == 16
