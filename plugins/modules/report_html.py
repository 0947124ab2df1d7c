#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: report_html
short_description: Write the release report as one self-contained HTML page with charts and screenshots
version_added: 1.0.0
description:
  - Renders the release report (the content of C(report.json)) as one HTML file that loads nothing from elsewhere and
    runs no script. Charts are drawn by matplotlib as inline SVG. The page holds
    the timeline of the sections with the background backup and watch as overlapping bars, the
    monitoring windows' latency (p50 and p95 per endpoint) and error rate, the browser steps with their screenshots
    (embedded as data URIs), and the checklist with its evidence.
  - The file is written atomically; a second run with the same report changes nothing.
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    details: Renders the page and reports whether the file would change; writes nothing.
options:
  report:
    description: The report document (what the report role writes to C(report.json)).
    type: dict
    required: true
  background:
    description: Work that ran beside the sections, each with C(name) (for example V(backup), V(watch)), C(started_at)
      (ISO 8601 UTC) and C(duration_s); drawn as bars overlapping the sections.
    type: list
    elements: dict
    default: []
  dest:
    description: The HTML file to write. Its directory must exist.
    type: path
    required: true
  max_screenshot_bytes:
    description: Screenshots larger than this are left out of the page (their step is still listed).
    type: int
    default: 2097152
  mode:
    description: File mode of O(dest).
    type: raw
    default: "0644"
requirements:
  - matplotlib
"""

EXAMPLES = r"""
- name: Write report.html beside report.json
  facturino.release.report_html:
    report: "{{ lookup('ansible.builtin.file', report_path ~ '/report.json') | from_json }}"
    background:
      - {name: backup, started_at: "2026-01-15T10:00:05Z", duration_s: 3.2}
    dest: "{{ report_path }}/report.html"
"""

RETURN = r"""
dest:
  description: The file written.
  returned: always
  type: str
  sample: /srv/reports/v1.0.0/20260115T100000Z-abc123/report.html
bytes:
  description: Size of the page.
  returned: always
  type: int
  sample: 1843022
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: wrote /srv/reports/v1.0.0/20260115T100000Z-abc123/report.html
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import require_libraries, run_module
from ansible_collections.facturino.release.plugins.module_utils.report.runner import report_argument_spec, write_report


def main():
    module = AnsibleModule(argument_spec=report_argument_spec(), supports_check_mode=True)
    require_libraries(module, ("matplotlib", "matplotlib"))
    run_module(module, lambda mod: write_report(mod.params, mod.check_mode))


if __name__ == "__main__":
    main()
