"""Type discipline in the YAML: no play relies on ansible-core 2.19's native-type templating.

On ansible-core 2.17 and 2.18 a variable whose value is a template is a string by the time another template reads
it; a comparison or sum with it fails ("'<' not supported between instances of 'str' and 'float'") or quietly takes
the wrong branch. `tests/support/template_types.py` finds every such use without a cast.
"""

import os

import pytest

from tests.support import template_types as tt

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_every_play_and_role_casts_templated_values_before_arithmetic_or_comparison():
    files = tt.repository_files(REPO)
    assert any(path.endswith(os.path.join("monitor", "tasks", "sample.yml")) for path in files)
    assert any(path.endswith(os.path.join("report", "templates", "report.json.j2")) for path in files)
    faults = []
    for path in files:
        faults.extend(tt.file_faults(path, os.path.relpath(path, REPO)))
    assert not faults, "uncast templated values (they break ansible-core 2.17/2.18):\n" + "\n".join(faults)


# The expression that failed the deploy section on ansible-core 2.17 and 2.18 (issue 15), then its cast form.
BEFORE = """
- name: Monitoring window
  facturino.release.http_health:
    monitor:
      thresholds: >-
        {{ monitor_thresholds | combine({
             'inaccessible_after': [monitor_thresholds.inaccessible_after | default(60) | float, monitor_this_window] | min,
             'consecutive_failures': [monitor_thresholds.consecutive_failures | default(3) | int,
                                      ((monitor_this_window / (monitor_interval | float)) | round(0, 'ceil') | int)] | min}) }}
  vars:
    monitor_this_window: >-
      {{ [monitor_window | float, (monitor_duration | float) - ((monitor_index - 1) * (monitor_window | float))] | min }}
"""
AFTER = BEFORE.replace("monitor_this_window]", "monitor_this_window | float]") \
    .replace("((monitor_this_window /", "(((monitor_this_window | float) /") \
    .replace("(monitor_index - 1)", "((monitor_index | int) - 1)")


def test_the_deploy_section_fault_of_2_17_is_caught():
    faults = tt.yaml_faults(BEFORE)
    assert any("monitor_this_window meets 'min' over a list" in fault for fault in faults), faults
    assert any("monitor_this_window meets arithmetic" in fault for fault in faults), faults
    assert any("monitor_index meets arithmetic" in fault for fault in faults), faults
    assert tt.yaml_faults(AFTER) == []


@pytest.mark.parametrize("expression, bare", [
    ("{{ x > 3 }}", False),
    ("x >= (limit | int)", True),
    ("{{ 10 / count }}", False),
    ("{{ -delay }}", False),
    ("{{ x | default(0) == 201 }}", False),
    ("result.status == 200", True),
    ("{{ [a | int, b] | max }}", False),
    ("{{ total | round(1) }}", False),
    ("{{ range(retries) | list }}", False),
    ("{{ (a if flag else b) * 2 }}", False),
    ("{{ lookup('env', 'N') | default(1) + 1 }}", False),
])
def test_uncast_operands_are_faults(expression, bare):
    assert tt.template_faults(expression, bare), expression


@pytest.mark.parametrize("expression, bare", [
    ("{{ (x | int) > 3 }}", False),
    ("x | float >= (limit | int)", True),
    ("{{ 'v' ~ x }}", False),
    ("{{ 'prefix-' + name }}", False),
    ("{{ items + ['one'] }}", False),
    ("{{ (a | list) + (b | list) }}", False),
    ("{{ steps + (['x'] if flag else []) }}", False),
    ("{{ name == 'main' }}", False),
    ("{{ results | length > 0 }}", False),
    ("{{ (now().timestamp() - (started | float)) | round(1) }}", False),
    ("{{ loop.index - 1 }}", False),
    ("flag | bool", True),
])
def test_cast_or_non_numeric_operands_pass(expression, bare):
    assert tt.template_faults(expression, bare) == [], expression


def test_template_files_are_read_whole():
    text = "{% set n = counts.total %}{{ 'many' if n > 10 else 'few' }}"
    assert tt.template_faults(text) and not tt.template_faults(text.replace("n > 10", "(n | int) > 10"))


def test_conditionals_are_read_as_expressions():
    faults = tt.yaml_faults("- debug: {msg: hi}\n  when: retries > 2\n- assert:\n    that: [count < 5]\n")
    assert len(faults) == 2 and all("without a cast" in fault for fault in faults), faults


def test_no_template_escapes_a_quote_with_a_backslash():
    r"""`'the deployment\'s'` parses on ansible-core 2.19+ and fails on 2.17/2.18 ("expected token ')', got 's'");
    a string with an apostrophe is written in double quotes instead."""
    faults = []
    for path in tt.repository_files(REPO):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if "\\'" in line:
                    faults.append("%s:%d: %s" % (os.path.relpath(path, REPO), number, line.strip()))
    assert not faults, "backslash-escaped quotes in templates:\n" + "\n".join(faults)
