"""The collection as another Laravel-on-Railway project uses it: built into a tarball, installed with ansible-galaxy
into a temporary path, and run from a foreign directory that holds no checkout of this repository."""

import glob
import json
import os
import subprocess
import uuid

import pytest
import yaml

from tests.integration import release_helpers as rh
from tests.sandbox.app_helpers import pg_admin
from tests.support.modules import REPO_ROOT


def run(argv, cwd, env=None, timeout=600):
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The tarball installed under <tmp>/collections, and an environment that sees only that copy."""
    work = tmp_path_factory.mktemp("install")
    rc, out = run([os.path.join(rh.VENV_BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(work),
                   REPO_ROOT], REPO_ROOT)
    assert rc == 0, out
    tarball = glob.glob(str(work / "facturino-release-*.tar.gz"))[0]
    rc, out = run([os.path.join(rh.VENV_BIN, "ansible-galaxy"), "collection", "install", "-p",
                   str(work / "collections"), tarball], str(work))
    assert rc == 0, out
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=str(work / "collections"),
               ANSIBLE_LOCAL_TEMP=str(work / "tmp"), ANSIBLE_HOME=str(work / "ansible-home"))
    return {"work": work, "env": env, "root": str(work / "collections" / "ansible_collections" / "facturino" / "release")}


@pytest.fixture
def scratch_database(sandbox):
    """A database of the sandbox's cluster holding a few invoices, dropped afterwards."""
    import psycopg2  # noqa: PLC0415

    name = "facturino_foreign_%s" % uuid.uuid4().hex[:8]
    admin = pg_admin()
    admin.cursor().execute('CREATE DATABASE "%s" OWNER "%s"' % (name, sandbox["db"]["user"]))
    url = sandbox["database_url"].rsplit("/", 1)[0] + "/" + name
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
        cur.execute("INSERT INTO invoices (total) SELECT g FROM generate_series(1, 25) g")
    yield url
    admin.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    admin.close()


def write_project(project, sandbox, database_url):
    (project / "inventory").mkdir(parents=True)
    (project / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"release": {"hosts": {
        "localhost": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}}}))
    (project / "site.yml").write_text(yaml.safe_dump([{
        "name": "Verify and back up another project's app",
        "hosts": "release",
        "gather_facts": False,
        "tasks": [
            {"name": "HTTP checks only (no app checkout here)", "ansible.builtin.include_role": {
                "name": "facturino.release.verify"},
             "vars": {"verify_base_url": sandbox["domain_url"], "verify_admin_email": sandbox["admin_email"],
                      "verify_admin_password": sandbox["admin_password"], "verify_backup_dest": "",
                      "verify_browser": False}},
            {"name": "Verified backup of the scratch database", "ansible.builtin.include_role": {
                "name": "facturino.release.backup"},
             "vars": {"backup_database_url": database_url, "backup_label": "pre_foreign"}},
            {"name": "Keep what was verified", "ansible.builtin.copy": {
                "dest": "{{ playbook_dir }}/verified.json", "mode": "0600",
                "content": "{{ {'http_ok': verify_summary.http | selectattr('ok') | map(attribute='name') | list,"
                           " 'backup': backup_summary.path, 'rows': backup_summary.total_rows | int} | to_json }}"}},
        ]}], sort_keys=False))


def test_roles_from_the_tarball_run_in_a_foreign_project(installed, sandbox, scratch_database, tmp_path):
    project = tmp_path / "other-laravel-app"
    write_project(project, sandbox, scratch_database)
    rc, out = run([os.path.join(rh.VENV_BIN, "ansible-playbook"), "-i", "inventory/hosts.yml", "site.yml"],
                  str(project), installed["env"])
    assert rc == 0, out[-4000:]
    listing = run([os.path.join(rh.VENV_BIN, "ansible-galaxy"), "collection", "list", "facturino.release"],
                  str(project), installed["env"])[1]
    assert listing.count("facturino.release") == 1 and str(installed["work"] / "collections") in listing, listing
    shown = json.loads((project / "verified.json").read_text())
    assert {"front_page", "health", "auth_ping", "login_page", "login"} <= set(shown["http_ok"])
    assert shown["rows"] == 25
    # defaults are relative to the project: the backup lands under it, never under /var/lib or the collection
    assert shown["backup"].startswith(str(project / ".release" / "production" / "backups"))
    assert os.path.isfile(shown["backup"]) and not os.path.exists("/var/lib/facturino-release")
    assert not glob.glob(os.path.join(installed["root"], ".release"))


def test_collection_playbook_by_fqcn_names_the_missing_inventory_variables(installed, tmp_path):
    project = tmp_path / "bare"
    (project / "inventory").mkdir(parents=True)
    (project / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"release": {"hosts": {
        "localhost": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}}}))
    rc, out = run([os.path.join(rh.VENV_BIN, "ansible-playbook"), "-i", "inventory/hosts.yml",
                   "facturino.release.verify", "-e", "release_tag=v1.0.0"], str(project), installed["env"])
    assert rc != 0
    for name in ("release_environment", "release_ref", "release_app_path", "release_app_url", "release_railway",
                 "release_database_url", "release_state_dir", "release_reports_dir"):
        assert name in out, "%s not named in:\n%s" % (name, out[-3000:])
    assert "The inventory does not set" in out and "release_tag =" not in out


def test_collection_release_without_release_hosts_says_so(installed, tmp_path):
    project = tmp_path / "nohosts"
    project.mkdir()
    (project / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {"ansible_connection": "local"}}}}))
    rc, out = run([os.path.join(rh.VENV_BIN, "ansible-playbook"), "-i", "hosts.yml", "facturino.release.release"],
                  str(project), installed["env"])
    assert rc != 0 and "no host in the group `release`" in out, out[-3000:]
