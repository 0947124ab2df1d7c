#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: laravel_probe
short_description: The runbook's tinker checks of a Laravel app (database, users, cache, queue, columns, queries)
version_added: 0.1.0
description:
  - Boots the Laravel application once, as C(php artisan tinker) would, and runs the runbook's checks in that one
    process - database connection (driver, server version), user count, a cache round trip (write, read, forget a
    random key), the queue backlog, failed jobs, columns that must exist, named read-only queries, and optionally
    dispatches a probe job for a queue round trip.
  - App-side failures (the database is down, the app does not boot) do not fail the task; they come back in
    RV(errors) with RV(ok=false), so that a verification can weigh them. Bad options and a missing PHP or framework
    fail the task.
  - The service's variables (O(environment)) reach PHP through the process environment, never a command line or
    the task's C(environment:); no configuration or environment value is returned.
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.laravel
  - facturino.release.attributes
attributes:
  check_mode:
    details: Runs the read-only checks; dispatches no probe job.
options:
  timeout:
    description: Seconds before the PHP process (and everything it started) is stopped.
    type: int
    default: 60
  checks:
    description: The checks to run.
    type: list
    elements: str
    default: []
    choices: [db, users, cache, queue, failed_jobs]
  columns:
    description: "Columns that must exist, by table, as SQL LIKE patterns, for example C({users: ['two_factor%']})."
    type: dict
    default: {}
  queries:
    description: Named read-only SELECT queries returning one row, for example the runbook's 48-hour metrics.
    type: dict
    default: {}
  dispatch:
    description: An artisan command that dispatches a probe job (empty, the default, dispatches nothing).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Database connection, user count and cache round trip (the runbook's tinker session)
  facturino.release.laravel_probe:
    app_path: /srv/release/build
    environment: "{{ railway_variables }}"
    checks: [db, users, cache, queue, failed_jobs]
    columns:
      users: ["two_factor%"]
  register: probe
"""

RETURN = r"""
ok:
  description: Every check passed.
  returned: always
  type: bool
  sample: true
errors:
  description: Failed checks by name (C(bootstrap) when the app did not boot, C(probe) when PHP gave no result).
  returned: always
  type: dict
  sample: {}
db:
  description: Connection facts (connected, driver, server_version, database).
  returned: when db is in checks and the connection worked
  type: dict
  sample: {"connected": true, "driver": "pgsql", "server_version": "15.19", "database": "railway"}
users:
  description: Number of users.
  returned: when users is in checks
  type: int
  sample: 12
cache:
  description: The cache store and whether the value written was read back.
  returned: when cache is in checks
  type: dict
  sample: {"store": "database", "round_trip": true}
queue:
  description: The queue connection and the jobs backlog (null without a jobs table).
  returned: when queue is in checks
  type: dict
  sample: {"connection": "database", "backlog": 0}
failed_jobs:
  description: Number of failed jobs (null without a failed_jobs table).
  returned: when failed_jobs is in checks
  type: int
  sample: 0
columns:
  description: Columns found, by table.
  returned: when columns is set
  type: dict
  sample: {"users": ["two_factor_secret", "two_factor_recovery_codes", "two_factor_confirmed_at"]}
queries:
  description: The row each named query returned.
  returned: when queries is set
  type: dict
  sample: {"invoices_48h": {"count": 3}}
dispatch:
  description: The probe job command, its exit code and output.
  returned: when dispatch is set, outside check mode
  type: dict
  sample: {"command": "sandbox:dispatch", "rc": 0, "output": "dispatched"}
duration_ms:
  description: How long the PHP process ran.
  returned: always
  type: float
  sample: 180.4
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import run_module
from ansible_collections.facturino.release.plugins.module_utils.laravel.argspec import laravel_probe_argument_spec, prune_no_log_values
from ansible_collections.facturino.release.plugins.module_utils.laravel.probe import handle


def main():
    module = AnsibleModule(argument_spec=laravel_probe_argument_spec(), supports_check_mode=True)
    prune_no_log_values(module)
    run_module(module, handle)


if __name__ == "__main__":
    main()
