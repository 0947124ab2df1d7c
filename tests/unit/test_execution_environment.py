"""The collection runs in an execution environment: ansible-builder turns examples/ee/ into a build context whose
image installs the collection from its tarball, and its introspection finds every dependency the modules call."""

import glob
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.support.modules import REPO_ROOT

BIN = os.path.dirname(sys.executable)
EE_DIR = os.path.join(REPO_ROOT, "examples", "ee")


def run(argv, cwd):
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tarball built from the repo, the EE build context ansible-builder creates, and the collection installed."""
    pytest.importorskip("ansible_builder", reason="ansible-builder is in requirements-dev.txt")
    work = tmp_path_factory.mktemp("ee")
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(work), REPO_ROOT], REPO_ROOT)
    tarball = glob.glob(str(work / "facturino-release-*.tar.gz"))[0]
    # ansible-builder reads the definition beside its tarball, as a user runs it from a copy of examples/ee/
    definition = work / "definition"
    shutil.copytree(EE_DIR, definition)
    shutil.copy(tarball, definition)
    context = work / "context"
    run([os.path.join(BIN, "ansible-builder"), "create", "--output-filename", "Containerfile",
         "-f", str(definition / "execution-environment.yml"), "-c", str(context)], str(work))
    collections = work / "collections"
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "-p", str(collections), tarball], str(work))
    return {"tarball": tarball, "context": context, "collections": collections, "work": work}


def test_containerfile_installs_ansible_the_collection_and_its_dependencies(built):
    containerfile = (built["context"] / "Containerfile").read_text()
    assert 'ANSIBLE_INSTALL_REFS="ansible-core>=2.17' in containerfile
    assert "ansible-runner" in containerfile
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile  # the collection's own requirements, found at build time
    assert "install-from-bindep" in containerfile
    assert "LABEL ansible-execution-environment=true" in containerfile


def test_build_context_carries_the_tarball_the_requirements_name(built):
    with open(built["context"] / "_build" / "requirements.yml", encoding="utf-8") as handle:
        wanted = yaml.safe_load(handle)["collections"][0]["name"]
    # the build copies _build/ to /build: the file the requirements name must be in the context
    shipped = built["context"] / "_build" / os.path.relpath(wanted, "/build")
    assert shipped.is_file(), "requirements.yml names %s, which the build context lacks" % wanted
    assert shipped.name == os.path.basename(built["tarball"]), "examples/ee/requirements.yml names another version"


def test_introspection_of_the_installed_collection_finds_every_dependency(built):
    """What the image's builder stage runs: the collection's meta/execution-environment.yml, from the tarball."""
    script = os.path.join(str(built["context"]), "_build", "scripts", "introspect.py")
    pip_out, bindep_out = built["work"] / "pip.txt", built["work"] / "bindep.txt"
    run([sys.executable, script, "introspect", "--sanitize", "--write-pip", str(pip_out),
         "--write-bindep", str(bindep_out), str(built["collections"])], str(built["work"]))
    pip_lines, bindep_lines = pip_out.read_text(), bindep_out.read_text()
    for package in ("requests", "psycopg2-binary", "jmespath"):
        assert package in pip_lines, "%s missing from the EE's Python requirements:\n%s" % (package, pip_lines)
    for package in ("php-cli", "php-pgsql", "postgresql-client", "git"):
        assert package in bindep_lines, "%s missing from the EE's system packages:\n%s" % (package, bindep_lines)
