"""Every role's README documents every option of every entry point in meta/argument_specs.yml, legibly."""

import os
import re

import pytest
import yaml

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
SPACED_LETTERS = re.compile(r"(?:\S ){6,}\S")


def role_names():
    return sorted(name for name in os.listdir(ROLES) if os.path.isfile(os.path.join(ROLES, name, "meta", "argument_specs.yml")))


@pytest.mark.parametrize("role", role_names())
def test_readme_documents_every_option(role):
    with open(os.path.join(ROLES, role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    with open(os.path.join(ROLES, role, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    options = {name for entry in specs.values() for name in (entry.get("options") or {})}
    missing = sorted(name for name in options if "`%s`" % name not in readme)
    assert not missing, "%s/README.md does not document %s" % (role, missing)
    garbled = [line for line in readme.splitlines() if SPACED_LETTERS.search(line)]
    assert not garbled, garbled[:3]
