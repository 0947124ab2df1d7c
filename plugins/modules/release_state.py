#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: release_state
short_description: The release run's own state on the controller (the lock, the ledger, the report files)
version_added: 0.1.0
description:
  - Keeps the state a release run leaves on the controller. Every file is written whole (a temporary file in the
    same directory, fsync, rename), so an interrupted run leaves the old file or the new one, never half of one.
  - B(The lock.) V(lock_acquire), V(lock_release), V(lock_force) and V(lock_inspect) take, release, force-release
    or inspect the release lock of one environment, so that two releases of it never run at once. The lock is a
    directory created by an atomic rename, with its holder's record inside (owner, run id, host, the process id of
    the C(ansible-playbook) run and its start time, TTL). Exactly one of several concurrent callers wins.
  - A lock is stale at once when its holder process no longer runs on this host (an interrupted or killed run), and
    after O(ttl) seconds when its holder runs on another host. A stale lock is taken over when
    O(takeover_stale=true); the result says whose lock it was and why it was stale. Only the run that holds the lock
    (same O(run_id)) releases it; V(lock_force) removes any lock and keeps its holder's record in C(<lock_path>.bak).
  - B(The ledger.) V(ledger_record) merges O(record) into the entry of O(run_id) in the ledger at O(ledger_path)
    (one JSON file per environment, one entry per run, the newest O(keep) kept), and records the start
    (O(section_status=started)) or the end of O(section) in the entry's C(sections) list. V(ledger_inspect) only
    reads it. Both return the ledger and its rollback targets.
  - Each update is a read-modify-write under an exclusive lock of the ledger's directory, so concurrent writers never
    lose each other's entries; it writes C(<ledger_path>.bak) and then the ledger, both whole and equal.
  - B(The report files.) V(report_write) writes O(files) (for example C(report.md) and C(report.json)); unchanged
    files are not rewritten.
  - A ledger or lock record that does not parse is left as found and fails the task with a message naming the file,
    its kept copy and the fix.
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    details: Reads the lock, the ledger or the report files and predicts the outcome; creates, writes and removes
      nothing.
  diff_mode:
    support: partial
    details: V(ledger_record) shows the run's entry before and after, V(report_write) each file that changes; the lock
      operations return no diff.
options:
  operation:
    description:
      - V(lock_acquire) takes the lock (re-entrant for the same O(run_id)); V(lock_release) removes it when this
        run holds it; V(lock_force) removes it whoever holds it; V(lock_inspect) only reads it.
      - V(ledger_record) merges O(record) (and the start or end of O(section)) into this run's ledger entry;
        V(ledger_inspect) only reads the ledger.
      - V(report_write) writes O(files).
    type: str
    required: true
    choices: [lock_acquire, lock_release, lock_force, lock_inspect, ledger_inspect, ledger_record, report_write]
  lock_path:
    description:
      - Absolute path of the lock directory, one per environment, for example C(<state dir>/production/release.lock).
      - Required by the lock operations.
    type: path
  run_id:
    description:
      - Identifier of this run. Only the same run id releases the lock; the ledger entry of this run id is the one
        V(ledger_record) updates.
    type: str
    default: manual
  owner:
    description: Who holds the lock, shown to anyone refused (for example C(user@host)).
    type: str
    default: unknown
  ttl:
    description: Seconds after which a lock held from another host is stale.
    type: int
    default: 3600
  takeover_stale:
    description: Take over a stale lock (with the reason in the result) instead of refusing like a live one.
    type: bool
    default: true
  ledger_path:
    description:
      - Absolute path of the ledger file, one per environment, for example C(<state dir>/production/ledger.json).
        Created (mode 0600, its directory 0700) by the first V(ledger_record).
      - Required by the ledger operations.
    type: path
  environment_name:
    description: The environment the ledger belongs to, written into a new ledger and into each new entry.
    type: str
    default: production
  record:
    description:
      - Fields merged into this run's entry (a shallow merge; a field given replaces the one stored), for example
        C(tag), C(commit), C(deployment_id), C(previous_deployment_id), C(backup), C(migrations), C(status)
        (V(started), V(deployed), V(good), V(degraded), V(bad), V(rolled_back), V(aborted)), C(finished_at).
      - A new entry starts with C(run_id), C(environment), C(started_at) and C(status=started). Never put a secret
        here.
    type: dict
    default: {}
  section:
    description:
      - Name of a section of the run (for example V(deploy)) whose start or end V(ledger_record) records in the
        entry's C(sections) list, with its time; the entry's C(section) field names the last one recorded.
    type: str
  section_status:
    description:
      - With O(section), V(started) appends the section with its start time (the default); any other status ends
        the newest started item of that name, with C(finished_at) and C(duration_s).
    type: str
    choices: [started, ok, changed, failed, skipped, interrupted]
  keep:
    description: Newest release entries kept when the ledger is written (V(0) keeps all).
    type: int
    default: 200
  files:
    description:
      - The files V(report_write) writes, each atomically; its directory is created (mode 0750) when missing.
      - Required by V(report_write).
    type: list
    elements: dict
    suboptions:
      path:
        description: Absolute path of the file.
        type: path
        required: true
      content:
        description:
          - The text to write (a final newline is added when missing). Never a secret.
          - Exactly one of O(files[].content) and O(files[].data) is required.
        type: str
      data:
        description:
          - A value written as JSON (indented by 2, keys sorted), for example a report document. Free-form (raw)
            because any JSON value is accepted; it is rendered here rather than templated to text, so that no
            ansible-core version turns JSON text back into a dictionary on its way to the module.
        type: raw
      mode:
        description: Permissions of the file, an octal string.
        type: str
        default: "0640"
"""

EXAMPLES = r"""
- name: Take the release lock of production
  facturino.release.release_state:
    operation: lock_acquire
    lock_path: "{{ playbook_dir }}/.release/production/release.lock"
    run_id: "{{ release_run_id }}"
    owner: "{{ lookup('ansible.builtin.env', 'USER') }}@{{ inventory_hostname }}"
  register: lock

- name: Refuse a second concurrent release
  ansible.builtin.fail:
    msg: "{{ lock.msg }}"
  when: not lock.acquired

- name: Record that the deploy section starts
  facturino.release.release_state:
    operation: ledger_record
    ledger_path: "{{ playbook_dir }}/.release/production/ledger.json"
    run_id: "{{ release_run_id }}"
    section: deploy

- name: Record the deployment, and that the section ended
  facturino.release.release_state:
    operation: ledger_record
    ledger_path: "{{ playbook_dir }}/.release/production/ledger.json"
    run_id: "{{ release_run_id }}"
    section: deploy
    section_status: changed
    record:
      status: deployed
      deployment_id: "{{ deploy_result.deployment_id }}"

- name: Write the report
  facturino.release.release_state:
    operation: report_write
    files:
      - path: "{{ report_path }}/report.json"
        data: "{{ report_doc }}"
      - path: "{{ report_path }}/report.md"
        content: "{{ lookup('ansible.builtin.template', 'report.md.j2') }}"

- name: Release the lock at the end of the run
  facturino.release.release_state:
    operation: lock_release
    lock_path: "{{ playbook_dir }}/.release/production/release.lock"
    run_id: "{{ release_run_id }}"
"""

RETURN = r"""
operation:
  description: The operation run.
  returned: always
  type: str
  sample: lock_acquire
path:
  description: The lock directory, or the ledger file.
  returned: when operation is not report_write
  type: str
  sample: /srv/release/.release/production/release.lock
acquired:
  description: This run holds the lock (or would, in check mode).
  returned: when operation is a lock operation (lock_*)
  type: bool
  sample: true
released:
  description: The lock was removed (or would be, in check mode).
  returned: when operation is a lock operation (lock_*)
  type: bool
  sample: false
took_over:
  description: A stale lock was taken over.
  returned: when operation is a lock operation (lock_*)
  type: bool
  sample: false
stale:
  description: The lock found was stale.
  returned: when operation is a lock operation (lock_*)
  type: bool
  sample: false
stale_reason:
  description: Why the lock found was stale (empty when it was live or absent).
  returned: when operation is a lock operation (lock_*)
  type: str
  sample: its process 4242 no longer runs on ci-runner-1
holder:
  description:
    - The holder's record found before the operation, or null when the lock was free.
    - A record that does not parse has C(owner) and C(run_id) V(unknown) and C(corrupt) saying why.
  returned: when operation is a lock operation (lock_*)
  type: dict
  sample: {"owner": "ops@ci-runner-1", "run_id": "20261205T080000Z-ab12cd", "host": "ci-runner-1", "pid": 4242,
           "started_at_iso": "2026-12-05T08:00:00Z", "ttl": 3600}
held:
  description: A lock exists (O(operation=lock_inspect) only).
  returned: when operation is lock_inspect
  type: bool
  sample: true
lock:
  description: The record written when this run took the lock.
  returned: when the lock was created
  type: dict
  sample: {"owner": "ops@ci-runner-1", "run_id": "20261205T080000Z-ab12cd", "pid": 4242, "ttl": 3600}
backup:
  description: Where V(lock_force) kept the removed holder's record (null when there was none to keep).
  returned: when operation is lock_force and a lock was held
  type: str
  sample: /srv/release/.release/production/release.lock.bak
ledger:
  description: The whole ledger after the operation (in check mode, as it would be).
  returned: when operation is ledger_record or ledger_inspect
  type: dict
  sample: {"version": 1, "environment": "production", "releases": [{"run_id": "20261205T080000Z-ab12cd",
           "tag": "v1.0.0", "status": "good", "deployment_id": "d-42"}]}
entry:
  description: This run's entry after the merge.
  returned: when operation is ledger_record
  type: dict
  sample: {"run_id": "20261205T080000Z-ab12cd", "status": "deployed", "section": "deploy",
           "sections": [{"name": "deploy", "status": "started", "started_at": "2026-12-05T08:00:09Z"}]}
last_good:
  description: The newest entry marked C(good) that names a deployment (Option 1's default rollback target), or null.
  returned: when operation is ledger_record or ledger_inspect
  type: dict
  sample: {"run_id": "20261204T080000Z-ff00aa", "tag": "v0.9.0", "status": "good", "deployment_id": "d-41"}
bad_deployments:
  description: Deployments of entries marked C(bad) or C(rolled_back); never chosen as a rollback target.
  returned: when operation is ledger_record or ledger_inspect
  type: list
  elements: str
  sample: ["d-40"]
written:
  description: Files written (in check mode, that would be).
  returned: when operation is report_write
  type: list
  elements: str
  sample: ["/srv/release/.release/reports/v1.0.0/20261205T080000Z-ab12cd/report.json"]
unchanged:
  description: Files whose content was already the same (not rewritten).
  returned: when operation is report_write
  type: list
  elements: str
  sample: []
msg:
  description: One-line summary (the lock's holder, the ledger entry recorded, the files written).
  returned: always
  type: str
  sample: lock held
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import run_module
from ansible_collections.facturino.release.plugins.module_utils.release.argspec import release_state_argument_spec, release_state_required_if
from ansible_collections.facturino.release.plugins.module_utils.release.state import handle


def main():
    module = AnsibleModule(argument_spec=release_state_argument_spec(), required_if=release_state_required_if(),
                           supports_check_mode=True)
    run_module(module, handle)


if __name__ == "__main__":
    main()
