#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: artisan
short_description: Run the runbook's C(php artisan) steps with structured, idempotent results
description:
  - Runs C(php artisan) in O(app_path) with O(environment) injected, the way C(railway run -- php artisan ...) does,
    on the target host or on the controller.
  - Always passes C(--no-interaction) and C(--no-ansi), adds C(--force) to commands that ask for confirmation in
    production, and sets C(COLUMNS=1000) so that the output parses the same on every terminal.
  - Parses both output styles, legacy (Laravel 8 and 9.0-9.20) and components (9.21 to 12), detected from the output
    itself. An output line it does not understand fails the task instead of being dropped.
  - Fails with the cause and the fix when artisan exits 0 but failed (C(queue:work) with the database down,
    C(cache:clear) without permissions, an unwritable C(storage/logs), C(key:generate) without an C(APP_KEY) line),
    and on a missing C(APP_KEY), PHP, framework, or a wrong database password.
version_added: 0.1.0
author:
  - Facturino release engineers (@facturino)
options:
  command:
    description:
      - C(migrate_status) lists migrations; a database without the migrations table has everything pending.
      - C(migrate) runs only when something is pending; C(rollback) undoes the last O(step) migrations.
      - The cache commands (C(config:cache), C(optimize:clear), ...) report C(changed) from the cache files under
        C(bootstrap/cache) and C(storage/framework), compared before and after.
      - C(down)/C(up) are judged by C(storage/framework/down).
      - C(queue_work_once) processes at most one job (C(--once --sleep=0)); C(queue_restart) signals workers;
        C(queue_failed) lists failed jobs; C(version) returns the Laravel version.
      - C(raw) runs O(argv), any other artisan command.
    type: str
    required: true
    choices: [migrate_status, migrate, rollback, down, up, queue_work_once, queue_restart, queue_failed, version, raw,
              "config:clear", "config:cache", "cache:clear", "route:clear", "route:cache", "view:clear", "view:cache",
              optimize, "optimize:clear"]
  argv:
    description:
      - With O(command=raw), the artisan command and its arguments, for example C([backup:run, --only-db]).
      - Shown in C(cmd); pass secrets through O(environment), never here.
    type: list
    elements: str
    default: []
  step:
    description: With O(command=rollback), how many migrations to roll back.
    type: int
    default: 1
  secret:
    description: With O(command=down), the bypass path segment (C(--secret)); never shown in C(cmd).
    type: str
  retry:
    description: With O(command=down), the C(Retry-After) seconds (C(--retry)).
    type: int
  refresh:
    description: With O(command=down), the C(Refresh) seconds (C(--refresh)).
    type: int
  queue:
    description: With O(command=queue_work_once), the queue(s) to take a job from (C(--queue)).
    type: str
  connection:
    description: With O(command=queue_work_once), the queue connection name.
    type: str
extends_documentation_fragment:
  - facturino.release.laravel
  - facturino.release.attributes
attributes:
  check_mode:
    support: partial
    description: Reports what would change without changing the database, the caches or the maintenance state.
    details:
      - C(migrate) and C(rollback) run with C(--pretend) and return the names and SQL; the database is untouched.
        On a database without the migrations table the SQL is not previewed, because C(--pretend) would create it.
      - C(config:cache), C(route:cache) and C(optimize) run with the cache paths pointed at a temporary directory
        and compare; C(*:clear) and C(down)/C(up) are predicted from the files; C(view:cache) is predicted as
        changed only when no compiled view exists.
      - C(queue_work_once), C(queue_restart) and C(raw) are not run.
  diff_mode:
    support: partial
    description: Shows the cache files, or the maintenance state, before and after.
    details: Cache commands return the cache files (path and hash prefix) before and after, C(down)/C(up) the
      maintenance state; other commands return no diff.
  platform:
    support: full
    description: Runs where O(app_path) is, the target host or the controller, with the C(php) found there.
notes:
  - Laravel 8 prints errors on stdout; failures are read from stdout and stderr together.
  - Route caches name unnamed routes C(generated::<random>) on each run; those names are ignored when comparing.
  - C(cache:clear) on a non-file cache store (database, redis) changes no file, so it reports C(changed=false).
seealso:
  - name: Laravel migrations
    description: The migrate, rollback and status commands.
    link: https://laravel.com/docs/8.x/migrations
"""

EXAMPLES = r"""
- name: Apply pending migrations with the production variables (railway run -- php artisan migrate --force)
  facturino.release.artisan:
    app_path: /srv/facturino
    command: migrate
    environment: "{{ railway_variables }}"
  register: migration

- name: Preview the SQL without touching the database
  facturino.release.artisan:
    app_path: /srv/facturino
    command: migrate
    environment: "{{ railway_variables }}"
  check_mode: true

- name: Roll back the 2FA migration
  facturino.release.artisan:
    app_path: /srv/facturino
    command: rollback
    step: 1
    environment: "{{ railway_variables }}"

- name: Cache configuration for production
  facturino.release.artisan:
    app_path: /srv/facturino
    command: "config:cache"

- name: Maintenance mode with a bypass secret
  facturino.release.artisan:
    app_path: /srv/facturino
    command: down
    secret: "{{ maintenance_secret }}"
    retry: 60

- name: Process one queued job and fail the play if it failed
  facturino.release.artisan:
    app_path: /srv/facturino
    command: queue_work_once
    environment: "{{ railway_variables }}"
  register: worker
  failed_when: worker.job_failed

- name: Any other artisan command
  facturino.release.artisan:
    app_path: /srv/facturino
    command: raw
    argv: ["backup:run", "--only-db"]
    environment: "{{ railway_variables }}"
"""

RETURN = r"""
cmd:
  description: The artisan argv that ran (or would run in check mode), with secrets replaced by C(********).
  returned: always
  type: list
  elements: str
  sample: ["php", "artisan", "migrate", "--no-interaction", "--no-ansi", "--force"]
rc:
  description:
    - Exit code of that run.
    - Absent when nothing ran (check mode for commands that cannot be pretended), because Ansible treats any
      other non-zero C(rc), null included, as a failure.
  returned: when artisan ran
  type: int
  sample: 0
stdout:
  description: Standard output of that run (Laravel prints its errors here too).
  returned: always
  type: str
  sample: "Migrating: 2025_11_16_233237_add_two_factor_columns_to_users_table"
stderr:
  description: Standard error of that run.
  returned: always
  type: str
  sample: ""
duration_ms:
  description: Wall time of that run in milliseconds.
  returned: always
  type: float
  sample: 163.4
output_format:
  description: The output style detected, C(legacy) (Laravel 8, 9.0-9.20) or C(components) (9.21 and later).
  returned: when the output was parsed
  type: str
  sample: legacy
migrations:
  description: Every migration with whether it ran and its batch.
  returned: command=migrate_status
  type: list
  elements: dict
  sample: [{"name": "2025_11_16_233237_add_two_factor_columns_to_users_table", "ran": false, "batch": null}]
pending:
  description: Names of migrations not yet run.
  returned: command=migrate_status
  type: list
  elements: str
  sample: ["2025_11_16_233237_add_two_factor_columns_to_users_table"]
table_missing:
  description: True when the database has no migrations table yet (everything is pending).
  returned: command=migrate_status
  type: bool
  sample: false
pending_before:
  description: Migrations pending before the run.
  returned: command=migrate
  type: list
  elements: str
  sample: ["2025_11_16_233237_add_two_factor_columns_to_users_table"]
applied:
  description: Migrations applied (in check mode, those that would be). On failure, those applied before it.
  returned: command=migrate
  type: list
  elements: str
  sample: ["2025_11_16_233237_add_two_factor_columns_to_users_table"]
batch:
  description: The batch number the applied migrations went into.
  returned: command=migrate
  type: int
  sample: 2
pending_after:
  description: Migrations still pending after a real run.
  returned: command=migrate and something was applied
  type: list
  elements: str
  sample: []
sql:
  description: The queries C(--pretend) printed, each with the migration it belongs to.
  returned: check mode, command=migrate or rollback
  type: list
  elements: dict
  sample: [{"migration": "2025_11_16_233237_add_two_factor_columns_to_users_table", "query": "alter table \"users\" add column ..."}]
rolled_back:
  description: Migrations rolled back (in check mode, those that would be).
  returned: command=rollback
  type: list
  elements: str
  sample: ["2025_11_16_233237_add_two_factor_columns_to_users_table"]
cache_changes:
  description: Cache files added, removed and modified by the run (paths relative to O(app_path)).
  returned: cache commands, not in check mode
  type: dict
  sample: {"added": ["bootstrap/cache/config.php"], "removed": [], "modified": []}
maintenance:
  description: Whether the application is in maintenance mode after the task.
  returned: command=down or up
  type: bool
  sample: true
job_ran:
  description: Whether C(queue:work --once) processed a job.
  returned: command=queue_work_once, not in check mode
  type: bool
  sample: true
job_failed:
  description: Whether that job failed (it then went to C(failed_jobs)).
  returned: command=queue_work_once, not in check mode
  type: bool
  sample: false
job:
  description: Class of the job processed.
  returned: command=queue_work_once, not in check mode
  type: str
  sample: App\Jobs\DemoJob
job_id:
  description: Queue id of the job processed (legacy output only; null for components).
  returned: command=queue_work_once, not in check mode
  type: str
  sample: "1"
jobs:
  description: Every job line the worker printed, with its status (running, processed, failed).
  returned: command=queue_work_once, not in check mode
  type: list
  elements: dict
  sample: [{"job": "App\\Jobs\\DemoJob", "id": "1", "status": "processed"}]
failed_count:
  description: Number of failed jobs.
  returned: command=queue_failed
  type: int
  sample: 1
failed_ids:
  description: Ids (UUIDs) of the failed jobs.
  returned: command=queue_failed
  type: list
  elements: str
  sample: ["e7413525-7ac4-48e8-b7bf-ee4c92c187bf"]
failed_jobs:
  description: The failed jobs with connection, queue, class (legacy output) and time.
  returned: command=queue_failed
  type: list
  elements: dict
  sample: [{"id": "e7413525-7ac4-48e8-b7bf-ee4c92c187bf", "connection": "database", "queue": "default"}]
laravel_version:
  description: The Laravel framework version.
  returned: command=version
  type: str
  sample: 8.83.26
skipped_in_check_mode:
  description: True when the command was not run because the task is in check mode.
  returned: check mode, command=queue_work_once, queue_restart or raw
  type: bool
  sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import run_module
from ansible_collections.facturino.release.plugins.module_utils.laravel.argspec import artisan_argument_spec, prune_no_log_values
from ansible_collections.facturino.release.plugins.module_utils.laravel.operations import handle


def main():
    module = AnsibleModule(argument_spec=artisan_argument_spec(), supports_check_mode=True)
    prune_no_log_values(module)
    run_module(module, handle)


if __name__ == "__main__":
    main()
