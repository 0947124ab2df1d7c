"""Generate every roles/<role>/README.md from the role's meta/argument_specs.yml and defaults/main.yml.

The spec is the one source of a role's documentation: ``short_description`` and ``description`` of the ``main``
entry point are the introduction, every option's type, choices, required flag and description fill the variables
table, ``examples`` becomes the usage section, and defaults/main.yml gives the defaults as they really are.

    python scripts/role_readmes.py           # rewrite the READMEs that differ
    python scripts/role_readmes.py --check   # exit 1 and name the READMEs that differ

tests/unit/test_role_readmes.py regenerates them in memory and fails when a README is out of step.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLES = os.path.join(ROOT, "roles")
COLLECTION = "facturino.release"
CELL_LIMIT = 70
MARKUP = re.compile(r"\b([CEIBMOV])\(([^()]*)\)")
FOOTER = (
    "Inside `playbooks/release.yml` the defaults come from the inventory's `release_*` variables (see "
    "`inventories/production.example/`). The role never logs a secret: values that are secrets are passed to "
    "modules that declare them `no_log`, or through tasks with `no_log: true`."
)


def role_names(roles_dir=ROLES):
    return sorted(name for name in os.listdir(roles_dir)
                  if os.path.isfile(os.path.join(roles_dir, name, "meta", "argument_specs.yml")))


def default_sources(role, roles_dir=ROLES):
    """Each top-level variable of defaults/main.yml as written there (its key line and indented continuation)."""
    path = os.path.join(roles_dir, role, "defaults", "main.yml")
    sources, current = {}, None
    if not os.path.isfile(path):
        return sources
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().splitlines():
            key = re.match(r"^([A-Za-z_][A-Za-z0-9_]*):", line)
            if key:
                current = key.group(1)
                sources[current] = [line]
            elif current and (line.startswith((" ", "\t")) or not line.strip()):
                sources[current].append(line)
            else:
                current = None
    return {name: "\n".join(lines).rstrip() for name, lines in sources.items()}


def load_role(role, roles_dir=ROLES):
    """The role's argument specs (entry point -> spec) and its defaults/main.yml (name -> value)."""
    with open(os.path.join(roles_dir, role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    defaults_path = os.path.join(roles_dir, role, "defaults", "main.yml")
    defaults = {}
    if os.path.isfile(defaults_path):
        with open(defaults_path, encoding="utf-8") as handle:
            defaults = yaml.safe_load(handle) or {}
    return specs, defaults


def all_options(specs):
    """Every option of every entry point, in spec order (main first), with the entry points that take it."""
    options, takers = {}, {}
    for entry, spec in entry_points(specs):
        for name, option in (spec.get("options") or {}).items():
            options.setdefault(name, option)
            takers.setdefault(name, []).append(entry)
    return options, takers


def entry_points(specs):
    ordered = sorted(specs, key=lambda entry: (entry != "main", list(specs).index(entry)))
    return [(entry, specs[entry]) for entry in ordered]


def is_template(value):
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, dict):
        return any(is_template(item) for item in value.values())
    if isinstance(value, list):
        return any(is_template(item) for item in value)
    return False


def text(value):
    """Ansible doc markup (C(), O(), V(), E(), M(), I(), B()) as Markdown, one line."""
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)

    def convert(match):
        kind, body = match.groups()
        if kind == "I":
            return "*%s*" % body
        if kind == "B":
            return "**%s**" % body
        return "`%s`" % body

    return MARKUP.sub(convert, " ".join(str(value).split()))


def cell(value):
    return value.replace("|", "\\|")


def flow(value):
    if isinstance(value, str):
        return value if value else "''"
    dumped = yaml.safe_dump(value, default_flow_style=True, width=float("inf"), sort_keys=False,
                            allow_unicode=True).strip()
    return dumped[:-4].strip() if dumped.endswith("\n...") else dumped


def type_text(option):
    kind = option.get("type", "str")
    if kind == "list" and option.get("elements"):
        kind = "list of %s" % option["elements"]
    if option.get("no_log"):
        kind += ", secret"
    return kind


def default_cell(name, option, defaults, long_defaults):
    if name not in defaults:
        return "-"
    value = defaults[name]
    shown = flow(value)
    if value is None:
        shown = "null"
    if len(shown) > CELL_LIMIT or "\n" in shown:
        long_defaults.append(name)
        return "see below"
    return "`%s`" % shown if shown else "`''`"


def option_rows(name, option, defaults, long_defaults, takers, entry_count, prefix=""):
    full = prefix + name
    description = text(option.get("description", ""))
    if option.get("choices"):
        shown = ["`%s`" % (choice if choice != "" else "''") for choice in option["choices"]]
        description += " Choices: %s." % ", ".join(shown)
    if not prefix and entry_count > 1 and len(takers.get(name, [])) < entry_count:
        description += " Entry points: %s." % ", ".join("`%s`" % entry for entry in takers[name])
    if prefix:
        default = "`%s`" % flow(option["default"]) if "default" in option else "-"
    else:
        default = default_cell(name, option, defaults, long_defaults)
    rows = ["| `%s` | %s | %s | %s | %s |" % (full, type_text(option), "yes" if option.get("required") else "no",
                                              cell(default), cell(description))]
    for sub_name, sub_option in (option.get("options") or {}).items():
        rows.extend(option_rows(sub_name, sub_option, defaults, long_defaults, takers, entry_count,
                                prefix=full + "[]." if option.get("type") == "list" else full + "."))
    return rows


def render(role, roles_dir=ROLES):
    specs, defaults = load_role(role, roles_dir)
    main = specs.get("main") or next(iter(specs.values()))
    options, takers = all_options(specs)
    lines = [
        "<!-- Generated by scripts/role_readmes.py from meta/argument_specs.yml and defaults/main.yml: edit those. -->",
        "# %s.%s" % (COLLECTION, role),
        "",
        text(main.get("short_description", "")).rstrip(".") + ".",
        "",
    ]
    description = main.get("description") or []
    for paragraph in [description] if isinstance(description, str) else description:
        lines.extend([text(paragraph), ""])

    if len(specs) > 1:
        lines.extend(["## Entry points", "", "| `tasks_from` | What it does |", "|---|---|"])
        for entry, spec in entry_points(specs):
            what = text(spec.get("short_description", ""))
            if entry != "main" and spec.get("description"):
                what += " " + text(spec["description"])
            lines.append("| `%s` | %s |" % (entry, cell(what)))
        lines.append("")

    long_defaults = []
    lines.extend(["## Variables", "",
                  "| Variable | Type | Required | Default | Description |", "|---|---|---|---|---|"])
    for name, option in options.items():
        lines.extend(option_rows(name, option, defaults, long_defaults, takers, len(specs)))
    lines.append("")
    if long_defaults:
        sources = default_sources(role, roles_dir)
        lines.extend(["Defaults too long for the table (from `defaults/main.yml`):", "", "```yaml"])
        lines.extend(sources[name] for name in long_defaults)
        lines.extend(["```", ""])

    examples = main.get("examples")
    lines.extend(["## Example", "", "```yaml"])
    if examples:
        lines.append(examples.rstrip())
    else:
        lines.extend(["- name: Use %s.%s" % (COLLECTION, role), "  ansible.builtin.include_role:",
                      "    name: %s.%s" % (COLLECTION, role)])
    lines.extend(["```", "", FOOTER, ""])
    return "\n".join(lines)


def readme_path(role, roles_dir=ROLES):
    return os.path.join(roles_dir, role, "README.md")


def stale_readmes(roles_dir=ROLES):
    stale = []
    for role in role_names(roles_dir):
        path = readme_path(role, roles_dir)
        current = open(path, encoding="utf-8").read() if os.path.isfile(path) else None
        if current != render(role, roles_dir):
            stale.append(role)
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report READMEs that differ, change nothing")
    parser.add_argument("--roles-dir", default=ROLES)
    args = parser.parse_args(argv)
    stale = stale_readmes(args.roles_dir)
    if args.check:
        for role in stale:
            print("roles/%s/README.md is out of date: run python scripts/role_readmes.py" % role)
        return 1 if stale else 0
    for role in stale:
        with open(readme_path(role, args.roles_dir), "w", encoding="utf-8") as handle:
            handle.write(render(role, args.roles_dir))
        print("wrote roles/%s/README.md" % role)
    return 0


if __name__ == "__main__":
    sys.exit(main())
