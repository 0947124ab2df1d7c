import datetime
import hashlib

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.postgres import manifest as mf

MOMENT = datetime.datetime(2026, 11, 26, 10, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("template,fmt,compression,expected", [
    ("{dbname}_{label}", "custom", 1, "facturino_pre_v1.0.0.dump"),
    ("{dbname}_{label}", "directory", 1, "facturino_pre_v1.0.0.dir"),
    ("{dbname}_{label}", "plain", 0, "facturino_pre_v1.0.0.sql"),
    ("{dbname}_{label}", "plain", 5, "facturino_pre_v1.0.0.sql.gz"),
    ("backup_{label}_{timestamp}", "custom", 1, "backup_pre_v1.0.0_20261126T100000Z.dump"),
])
def test_dump_name_from_template(template, fmt, compression, expected):
    assert mf.dump_name(template, "facturino", "pre_v1.0.0", fmt, compression, MOMENT) == expected


@pytest.mark.parametrize("label,template", [("../etc", "{label}"), ("a b", "{label}"), ("ok", "{nope}"), ("ok", "../{label}")])
def test_unsafe_label_or_template_rejected(label, template):
    with pytest.raises(InvalidInputError):
        mf.dump_name(template, "db", label, "custom", 1, MOMENT)


def test_directory_checksum_is_hash_of_sha256sum_listing(tmp_path):
    (tmp_path / "toc.dat").write_bytes(b"toc")
    (tmp_path / "3001.dat.gz").write_bytes(b"rows")
    aggregate, files = mf.checksum_of(str(tmp_path))
    assert files == {"3001.dat.gz": hashlib.sha256(b"rows").hexdigest(), "toc.dat": hashlib.sha256(b"toc").hexdigest()}
    listing = "".join("%s  %s\n" % (files[n], n) for n in sorted(files))
    assert aggregate == hashlib.sha256(listing.encode()).hexdigest()
    assert mf.checksum_text("x.dir", aggregate, files).splitlines()[1].endswith("  x.dir/toc.dat")


def test_manifest_round_trip_and_unreadable_manifest_is_none(tmp_path):
    dump = str(tmp_path / "db_l.dump")
    assert mf.write_json(mf.manifest_path(dump), {"label": "l"}) is True
    assert mf.read_manifest(dump) == {"label": "l"}
    (tmp_path / "db_l.dump.manifest.json").write_text("{not json")
    assert mf.read_manifest(dump) is None
