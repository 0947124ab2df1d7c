"""`ansible-galaxy collection build` ships what users install and nothing else, and passes the checks
galaxy-importer makes before it accepts a collection: galaxy.yml's fields and formats, MANIFEST.json and FILES.json
consistent with the files, no secrets, no byte code, and a size under a stated bound."""

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml
from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# requirements.txt and bindep.txt are what meta/execution-environment.yml names: ansible-builder reads them from
# the installed collection, so they must ship.
SHIPPED_TOP = {"plugins", "roles", "playbooks", "meta", "docs", "changelogs", "examples", "README.md", "LICENSE",
               "MANIFEST.json", "FILES.json", "requirements.txt", "bindep.txt"}
# galaxy-importer refuses more than 20 MB; this collection is text (319 KB compressed at 0.1.0). A tarball past
# the bound means something that is not the collection got in (a dump, a screenshot, a venv).
MAX_TARBALL_BYTES = 2 * 1024 * 1024
# galaxy-importer's formats (galaxy_importer/schema.py)
NAME = re.compile(r"^(?!.*__)[a-z][a-z0-9_]{1,63}$")
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
TAG = re.compile(r"^[a-z0-9]{1,64}$")
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$")
# what must never be in a tarball: keys, Laravel app keys, passwords in URLs (placeholders excepted), tokens
SECRETS = [re.compile(p) for p in (
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    r"APP_KEY=base64:[A-Za-z0-9+/]{20,}",
    r"\b(?:postgres|postgresql|mysql|redis|amqp)://[^:/\s'\"]+:(?!\*|<|\{|\$|PASSWORD|password|secret|pw@|pass@)[^@\s'\"]{6,}@",
    r"\bAKIA[0-9A-Z]{16}\b",
    r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
    r"\bxox[abpr]-[A-Za-z0-9-]{10,}",
)]
FORBIDDEN_PARTS = {"tests", "sandbox", ".venv", ".state", "bench", "__pycache__", ".runner", ".git", ".collections"}


def _galaxy():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tarball built from a copy of the tree with the clutter a working checkout has."""
    tmp = tmp_path_factory.mktemp("tarball")
    src = tmp / "src"
    shutil.copytree(REPO, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv*", ".collections", "__pycache__", ".pytest_cache", "node_modules"))
    for path, text in [(".runner/env/envvars", "DATABASE_URL: postgres://u:pw@h/db\n"),
                       ("sandbox/.state/sandbox.json", "{}"), ("bench/results/last.json", "{}"),
                       ("examples/ci/.runner/artifacts/x/stdout", "out"), ("reports/release.md", "r"),
                       ("sandbox/app/.env", "APP_KEY=base64:x\n"), ("plugins/modules/__pycache__/x.cpython-311.pyc", "")]:
        target = src / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    out = tmp / "out"
    galaxy = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--output-path", str(out), str(src)], check=True,
                   capture_output=True, text=True, timeout=300)
    (tarball,) = [name for name in os.listdir(out) if name.endswith(".tar.gz")]
    path = os.path.join(out, tarball)
    with tarfile.open(path) as archive:
        members = {m.name: (archive.extractfile(m).read() if m.isfile() else None) for m in archive.getmembers()}
    return path, members


def test_the_tarball_ships_only_what_users_install(built):
    _path, members = built
    names = list(members)
    top = {name.split("/", 1)[0] for name in names}
    assert top <= SHIPPED_TOP, sorted(top - SHIPPED_TOP)
    assert {"plugins", "roles", "playbooks", "meta", "README.md", "LICENSE", "MANIFEST.json"} <= top
    assert any(name.startswith("plugins/modules/railway_deploy.py") for name in names)
    assert any(name.startswith("roles/deploy/tasks/") for name in names)
    assert any(name == "playbooks/release.yml" for name in names)
    leaked = [name for name in names if "/.runner" in "/" + name or "/.state" in "/" + name
              or os.path.basename(name).startswith(".env") or name.endswith((".pyc", ".tar.gz"))
              or FORBIDDEN_PARTS & set(name.split("/"))]
    assert leaked == []


def test_galaxy_yml_has_the_fields_and_formats_galaxy_importer_requires():
    meta = _galaxy()
    assert NAME.match(meta["namespace"]) and NAME.match(meta["name"]), (meta["namespace"], meta["name"])
    assert SEMVER.match(str(meta["version"])), meta["version"]
    assert isinstance(meta["authors"], list) and meta["authors"] and all(isinstance(a, str) and a for a in meta["authors"])
    assert isinstance(meta.get("description"), str) and 0 < len(meta["description"]) <= 255
    # license (SPDX identifiers) or license_file, not both
    assert bool(meta.get("license")) != bool(meta.get("license_file"))
    for expression in meta.get("license") or []:
        try:
            canonicalize_license_expression(expression)
        except InvalidLicenseExpression as error:
            pytest.fail("license %r is not an SPDX expression: %s" % (expression, error))
    if meta.get("license_file"):
        assert os.path.isfile(os.path.join(REPO, meta["license_file"]))
    assert os.path.isfile(os.path.join(REPO, meta["readme"]))
    assert URL.match(meta["repository"]) and len(meta["repository"]) <= 2000
    for key in ("documentation", "homepage", "issues"):
        assert key not in meta or URL.match(meta[key]), key
    tags = meta.get("tags") or []
    assert len(tags) <= 20 and all(TAG.match(tag) for tag in tags), tags
    assert meta["dependencies"] == {}
    with open(os.path.join(REPO, "meta", "runtime.yml"), encoding="utf-8") as handle:
        assert re.match(r"^>=\d+\.\d+", yaml.safe_load(handle)["requires_ansible"])


def test_manifest_and_files_json_describe_the_tarball(built):
    _path, members = built
    manifest = json.loads(members["MANIFEST.json"])
    files = json.loads(members["FILES.json"])
    info, meta = manifest["collection_info"], _galaxy()
    for key in ("namespace", "name", "version", "authors", "license", "tags", "dependencies", "repository"):
        assert info[key] == meta[key], key
    assert manifest["file_manifest_file"]["name"] == "FILES.json"
    assert manifest["file_manifest_file"]["chksum_sha256"] == hashlib.sha256(members["FILES.json"]).hexdigest()
    listed = {entry["name"]: entry for entry in files["files"] if entry["name"] != "."}
    shipped = {name for name in members if name not in ("MANIFEST.json", "FILES.json")}
    assert set(listed) == shipped
    for name, entry in listed.items():
        if entry["ftype"] == "file":
            assert entry["chksum_sha256"] == hashlib.sha256(members[name]).hexdigest(), name
        else:
            assert members[name] is None, name


def test_the_tarball_holds_no_secret_and_stays_small(built):
    path, members = built
    found = []
    for name, data in members.items():
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        found += ["%s: %s" % (name, match.group(0)[:40]) for pattern in SECRETS for match in pattern.finditer(text)]
    assert found == []
    size = os.path.getsize(path)
    assert size <= MAX_TARBALL_BYTES, "the tarball is %d bytes, over the bound of %d" % (size, MAX_TARBALL_BYTES)


def test_the_secret_patterns_catch_what_they_are_for():
    # planted at run time, so the source holds nothing shaped like a credential
    samples = ["-----BEGIN %s PRIVATE KEY-----" % "OPENSSH", "APP_KEY=base64:" + "A" * 43,
               "postgresql://facturino:%s@127.0.0.1:5432/db" % secrets.token_hex(8), "AKIA" + "A" * 16]
    for sample in samples:
        assert any(p.search(sample) for p in SECRETS), sample
    for placeholder in ("postgresql://user:********@host/db", "postgresql://u:{{ password }}@h/db",
                        "postgres://user:PASSWORD@host/db", "postgresql://user:<password>@host/db"):
        assert not any(p.search(placeholder) for p in SECRETS), placeholder


def test_roles_ship_no_code():
    code = [os.path.relpath(os.path.join(root, name), REPO)
            for role in os.listdir(os.path.join(REPO, "roles"))
            for root, _dirs, names in os.walk(os.path.join(REPO, "roles", role, "files"))
            for name in names if name.endswith((".py", ".sh", ".php", ".pl", ".rb"))]
    assert code == [], "roles call modules; move this logic into plugins/module_utils: %s" % code
