"""Role argument specs are complete and truthful, and every role README is the one scripts/role_readmes.py generates."""

import importlib.util
import os
import re

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = os.path.join(REPO, "roles")
SPACED_LETTERS = re.compile(r"(?:\S ){6,}\S")
TYPES = {"str", "int", "float", "bool", "list", "dict", "path", "raw"}

_spec = importlib.util.spec_from_file_location("role_readmes", os.path.join(REPO, "scripts", "role_readmes.py"))
role_readmes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(role_readmes)

ROLE_NAMES = role_readmes.role_names()


def sentences(option):
    description = option.get("description") or []
    return [description] if isinstance(description, str) else description


def walk_options(options, prefix=""):
    for name, option in (options or {}).items():
        yield prefix + name, option
        yield from walk_options(option.get("options"), prefix + name + ".")


def role_options(role):
    specs, defaults = role_readmes.load_role(role)
    options, _takers = role_readmes.all_options(specs)
    return specs, defaults, options


def test_every_role_has_a_spec():
    roles_with_tasks = sorted(name for name in os.listdir(ROLES) if os.path.isdir(os.path.join(ROLES, name, "tasks")))
    assert ROLE_NAMES == roles_with_tasks


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_readme_is_generated_from_the_spec(role):
    with open(role_readmes.readme_path(role), encoding="utf-8") as handle:
        readme = handle.read()
    assert readme == role_readmes.render(role), (
        "roles/%s/README.md differs from its spec: run python scripts/role_readmes.py" % role)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_readme_documents_every_option(role):
    _specs, _defaults, options = role_options(role)
    with open(role_readmes.readme_path(role), encoding="utf-8") as handle:
        readme = handle.read()
    missing = sorted(name for name in options if "`%s`" % name not in readme)
    assert not missing, "%s/README.md does not document %s" % (role, missing)
    garbled = [line for line in readme.splitlines() if SPACED_LETTERS.search(line)]
    assert not garbled, garbled[:3]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_option_is_typed_and_described(role):
    _specs, _defaults, options = role_options(role)
    problems = []
    for name, option in walk_options(options):
        kind = option.get("type")
        if kind not in TYPES:
            problems.append("%s: type %r" % (name, kind))
        if kind == "list" and not option.get("elements"):
            problems.append("%s: a list without elements" % name)
        description = " ".join(sentences(option))
        if len(description) < 15:
            problems.append("%s: no real description" % name)
        if kind == "raw" and "free-form" not in description:
            problems.append("%s: raw without saying why it is free-form" % name)
        if option.get("no_log") and "ecret" not in description:
            problems.append("%s: no_log but the description does not say it is a secret" % name)
        if option.get("required") and "default" in option:
            problems.append("%s: required and a default" % name)
    assert not problems, problems


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_no_description_is_copied_onto_another_option(role):
    """Sub-options may repeat (one YAML anchor serves two package lists); top-level options may not."""
    _specs, _defaults, options = role_options(role)
    seen = {}
    for name, option in options.items():
        for sentence in sentences(option):
            seen.setdefault(" ".join(sentence.split()), []).append(name)
    shared = {sentence: names for sentence, names in seen.items() if len(names) > 1}
    assert not shared, shared


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_spec_and_defaults_agree(role):
    """Every option has a default in defaults/main.yml unless it is required, the spec's documented default is
    the real one, and a literal default passes the spec (the role's own argument validation)."""
    specs, defaults, options = role_options(role)
    assert sorted(defaults) == sorted(options), "defaults/main.yml and the spec name different variables"
    literal = {}
    for name, option in options.items():
        value = defaults[name]
        if role_readmes.is_template(value):  # a computed default, templated anywhere inside
            assert "default" not in option, "%s: the spec documents a fixed default for a computed one" % name
        else:
            assert option.get("default") == value, "%s: spec default %r, defaults/main.yml %r" % (
                name, option.get("default"), value)
            if not role_readmes.is_template(value):
                literal[name] = value
    for entry, spec in specs.items():
        entry_options = spec.get("options") or {}
        params = {name: value for name, value in literal.items() if name in entry_options}
        required_templated = {name: "x" for name, option in entry_options.items() if option.get("required")}
        result = ArgumentSpecValidator(entry_options).validate(dict(params, **{
            name: value for name, value in required_templated.items() if name not in params}))
        assert not result.error_messages, (role, entry, result.error_messages)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_required_option_is_checked_first_whatever_its_default(role):
    """A required option's default may only forward a caller's variable (empty otherwise: ansible-core 2.17 and
    2.18 validate an omitted default as given), and the first task of every entry point that declares it asserts
    it is set, naming it, so the role stops before it acts on every supported ansible-core."""
    specs, defaults, options = role_options(role)
    for entry, spec in specs.items():
        for name, option in spec.get("options", {}).items():
            if not option.get("required"):
                continue
            assert "{{" in str(defaults[name]) and "omit" not in str(defaults[name]), (role, name, defaults[name])
            tasks_file = os.path.join(REPO, "roles", role, "tasks", "%s.yml" % entry)
            with open(tasks_file) as handle:
                first = yaml.safe_load(handle)[0]
            check = first.get("ansible.builtin.assert", {})
            assert name in str(check.get("that")) and "missing required arguments: %s" % name in check.get(
                "fail_msg", ""), "%s: the first task of %s does not check %s" % (role, tasks_file, name)


def test_check_mode_of_the_generator_reports_nothing_stale():
    assert role_readmes.main(["--check"]) == 0


def test_a_role_run_without_its_required_options_stops_naming_them(tmp_path):
    """ansible-playbook, from a foreign directory with no inventory variables: each role with required options
    stops at its first task, naming exactly those options, before it acts."""
    import json
    import subprocess
    import sys

    required = {}
    for role in ROLE_NAMES:
        _specs, _defaults, options = role_options(role)
        names = sorted(name for name, option in options.items() if option.get("required"))
        if names:
            required[role] = names
    assert required, "no role declares a required option"
    tasks = []
    for role in required:
        tasks.append({"block": [{"ansible.builtin.include_role": {"name": "facturino.release." + role}},
                                {"ansible.builtin.set_fact": {"ran_%s" % role: True}}],
                      "rescue": [{"ansible.builtin.set_fact": {
                          "errors": "{{ errors | combine({%r: ansible_failed_result.argument_errors | default("
                                    "[ansible_failed_result.msg])}) }}" % role}}]})
    tasks.append({"ansible.builtin.debug": {"msg": "ERRORS={{ errors | to_json }}"}})
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "vars": {"errors": {}},
                                         "tasks": tasks}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="default", ANSIBLE_LOCALHOST_WARNING="false")
    env.pop("DATABASE_URL", None)
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
                          "-c", "local", str(playbook)], cwd=str(tmp_path), env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    found = re.search(r"ERRORS=(\{.*\})", run.stdout)
    assert found, run.stdout[-2000:] + run.stderr[-2000:]
    errors = json.loads(found.group(1).replace('\\"', '"'))
    assert sorted(errors) == sorted(required), errors
    for role, names in required.items():
        assert len(errors[role]) == 1 and errors[role][0].startswith(
            "missing required arguments: %s" % ", ".join(names)), (role, errors[role])
    assert "ran_" not in run.stdout
