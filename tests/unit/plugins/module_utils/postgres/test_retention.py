import datetime

import pytest

from ansible_collections.facturino.release.plugins.module_utils.postgres import retention
from ansible_collections.facturino.release.plugins.module_utils.postgres.listing import Backup

NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.timezone.utc)


def backups(spec):
    """spec: 'V' verified / 'F' failed / 'I' incomplete / 'U' unverified / 'P' partial, oldest first, one day apart."""
    status = {"V": "verified", "F": "failed", "I": "incomplete", "U": "unverified", "P": "partial"}
    out = []
    for age, code in enumerate(reversed(spec)):
        created = NOW - datetime.timedelta(days=age, hours=1)
        out.append(Backup("/b/%02d_%s.dump" % (len(spec) - age, code), {}, status[code], created, partial=code == "P"))
    return out


def deleted_names(spec, keep_last=None, keep_days=None):
    keep, delete = retention.plan(backups(spec), keep_last, keep_days, now=NOW)
    assert len(keep) + len(delete) == len([c for c in spec if c != "P"])
    return sorted(b.name for b, why in delete)


@pytest.mark.parametrize("spec,keep_last,keep_days,expected", [
    ("V", 1, None, []),                                   # only one backup
    ("V", 0, None, []),                                   # keep_last=0 still keeps the newest verified
    ("FFF", 1, None, []),                                 # every backup failed: nothing pruned
    ("VF", 1, None, []),                                  # newest failed: the older verified one is the newest good
    ("VVV", 2, None, ["01_V.dump"]),
    ("VVVFFFFFFVVV", 3, None,                             # Deployer testKeepReleases: 3 good, 6 failed, 3 good
     ["01_V.dump", "02_V.dump", "03_V.dump", "04_F.dump", "05_F.dump", "06_F.dump", "07_F.dump", "08_F.dump",
      "09_F.dump"]),
    ("VVVV", None, 2, ["01_V.dump", "02_V.dump"]),       # ages 3d1h and 2d1h are older than 2 days
    ("VVVV", 3, 1, ["01_V.dump"]),                        # union of keep_last and keep_days
    ("VIU", 1, None, []),                                 # unverified/incomplete newer than newest good stay
    ("IUV", 1, None, ["01_I.dump", "02_U.dump"]),
    ("PVV", 1, None, ["02_V.dump"]),                      # partial temp files are never touched
])
def test_plan_table(spec, keep_last, keep_days, expected):
    assert deleted_names(spec, keep_last, keep_days) == expected


def test_only_verified_backup_is_old_and_kept_despite_keep_days():
    keep, delete = retention.plan(backups("FFV" + "F"), keep_last=None, keep_days=1, now=NOW)
    assert [b.name for b, why in keep if b.good] == ["03_V.dump"]
    deleted = [b.name for b, why in delete]
    assert "01_F.dump" in deleted and "04_F.dump" not in deleted


def test_apply_in_check_mode_deletes_nothing(tmp_path):
    dump = tmp_path / "db_old.dump"
    dump.write_bytes(b"x")
    (tmp_path / "db_old.dump.manifest.json").write_text("{}")
    backup = Backup(str(dump), {}, "verified", NOW)
    assert retention.apply([(backup, "old")], check_mode=True) == [str(dump)]
    assert dump.exists()
    retention.apply([(backup, "old")])
    assert list(tmp_path.iterdir()) == []
