#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: pg_backup
short_description: Verified PostgreSQL backups, restores and retention
version_added: 0.1.0
description:
  - Dumps a database with C(pg_dump) into O(dest), atomically (temp name, fsync, rename, directory fsync); an
    interrupted or failed dump leaves nothing under the final name.
  - Writes a C(.sha256) sidecar and a C(.manifest.json) (written last, the completion marker) with versions, size,
    checksum and per-table row counts taken in the dump's own snapshot (C(pg_export_snapshot) + C(pg_dump --snapshot)),
    so they match the dumped rows exactly under concurrent writes.
  - Verifies (size, checksum, C(pg_restore --list), optional scratch-database restore), restores with row-count
    proof, prunes with rules that never delete the newest verified backup, and lists backups.
  - Idempotence of O(state=dumped) - when O(dest) holds a backup with the same O(label), database and O(format)
    whose manifest says verified and whose size and sha256 still match, nothing is dumped and C(changed=false).
    A backup that is no longer good is dumped again under the same name. O(force=true) always dumps.
  - O(state=restored) always reports C(changed=true) (a restore replaces data; guard it with C(when)).
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.postgres
  - facturino.release.attributes
attributes:
  check_mode:
    details: Connects and checks versions, but dumps, restores, deletes and writes nothing.
  diff_mode:
    support: partial
    details: O(state=pruned) shows the backup names before and after.
options:
  state:
    description:
      - V(dumped) takes a backup, V(verified) checks one, V(restored) restores one into O(dbname),
        V(pruned) applies retention in O(dest), V(listed) lists the backups in O(dest), newest first.
    type: str
    default: dumped
    choices: [dumped, verified, restored, pruned, listed]
  dest:
    description:
      - Directory holding the backups (created with mode 0700 when missing, for O(state=dumped)).
      - For O(state=verified) and O(state=restored), the backup is found here by O(label); without a label,
        the newest (O(state=restored) - the newest verified) backup is used.
    type: path
  path:
    description: A backup file (or directory-format directory) to verify or restore, instead of O(dest) + O(label).
    type: path
  label:
    description:
      - Label of the backup, for example V(pre_v1.0.0); letters, digits, C(.), C(_) and C(-).
      - Default for O(state=dumped) is the UTC time, C(20260101T120000Z).
    type: str
  name_template:
    description:
      - File name of a dump without its extension; placeholders C({dbname}), C({label}), C({timestamp}).
      - The extension follows the format - C(.dump) (custom), C(.dir) (directory), C(.sql) or C(.sql.gz) (plain).
    type: str
    default: "{dbname}_{label}"
  format:
    description:
      - V(custom) (one compressed file, selective and parallel restore), V(directory) (parallel dump with O(jobs)),
        V(plain) (SQL script, the runbook's C(.sql); written with C(--clean --if-exists), restored with C(psql)).
    type: str
    default: custom
    choices: [custom, directory, plain]
  compression:
    description:
      - gzip level 0-9. Default V(1) for custom and directory, V(0) for plain.
      - Level 1 was chosen from measurements on 834-840 MB invoice databases (bench/pg_backup.py) - 2.4 to 2.8 times
        faster than pg_dump's default level 6, for 10-38% more bytes depending on the data; 22-31% of the plain SQL
        size. With level 6 a dump takes about 4 times as long as a plain C(pg_dump).
    type: int
  jobs:
    description:
      - Parallel workers for directory-format dumps and for custom/directory restores.
      - With V(1) a restore runs in a single transaction (all or nothing); above 1 it cannot.
    type: int
    default: 1
  verify:
    description: Check the new dump (C(pg_restore --list) or the plain trailer) before it gets its final name.
    type: bool
    default: true
  force:
    description: Dump even when a verified backup with the same label exists (it is replaced atomically).
    type: bool
    default: false
  restore_test:
    description:
      - With O(state=verified), also restore into a scratch database on the server of O(dbname), compare every
        table's row count with the manifest, and drop the scratch database. Needs the CREATEDB privilege.
    type: bool
    default: false
  clean:
    description:
      - Allow O(state=restored) into a non-empty database - the dump's objects are dropped and recreated
        (C(pg_restore --clean --if-exists), or the plain dump's own C(DROP ... IF EXISTS)).
      - First, relations of the target that the dump does not contain - tables, views, materialized views and
        sequences created after the dump, for example by a migration of the release being rolled back - are dropped
        with C(DROP ... IF EXISTS ... CASCADE), in one transaction. They can hold foreign keys to the dump's tables
        (or be views on them), which would make the restore's C(DROP TABLE) fail. The dump's contents are read from
        its schema part (C(pg_restore --section=pre-data), or the plain file before its first data). CASCADE also
        removes what depends on them - sequences they own, foreign keys and views of other tables on them, column
        defaults using them; the restore then recreates every object the dump has. Other object kinds (functions,
        types, schemas, extensions) are left alone. Both lists are returned in RV(dropped_relations) and
        RV(dropped_cascade); in check mode nothing is dropped and they say what would be.
      - This runs after every guard - the backup is verified, the client tools are checked, and the safety backup
        (O(safety_backup)) of the target is taken - and right before the restore. The drop and the restore are two
        transactions - if the restore then fails, the dropped relations stay dropped (the error says so, and names
        the safety backup to get them back).
      - Without it, restoring into a database that has objects fails and changes nothing.
    type: bool
    default: false
  no_owner:
    description: Restore without ownership and privileges (C(--no-owner --no-acl)), for a different role set.
    type: bool
    default: false
  safety_backup:
    description: Before restoring over a non-empty database, dump it (custom format, label C(pre_restore_<time>)).
    type: bool
    default: false
  safety_dest:
    description: Directory for the safety backup. Default is the directory of the backup being restored.
    type: path
  keep_last:
    description: With O(state=pruned), keep this many newest verified backups.
    type: int
  keep_days:
    description: With O(state=pruned), keep verified backups younger than this many days.
    type: float
  timeout:
    description: Seconds after which a C(pg_dump), C(pg_restore) or C(psql) run is stopped (none by default).
    type: int
  maintenance_db:
    description: Database used to create and drop databases (restore target, restore-test scratch database).
    type: str
    default: postgres
  pg_bin_dir:
    description: Directory of C(pg_dump), C(pg_restore) and C(psql); default is E(PATH).
    type: path
  s3_bucket:
    description:
      - Also keep the backup in this S3 bucket. O(state=dumped) uploads it only after local verification, with its
        sha256 as object metadata (objects already there with the same sha256 are skipped).
      - O(state=verified) and O(state=restored) with O(dest) + O(label) download it when it is not in O(dest), and
        check each file's sha256 against the metadata before it gets its final name (single-file formats).
      - Needs boto3. Credentials come from O(s3_access_key)/O(s3_secret_key) or boto3's usual chain (E(AWS_*), profile).
    type: str
  s3_prefix:
    description: Key prefix inside O(s3_bucket).
    type: str
    default: ""
  s3_endpoint_url:
    description: S3-compatible endpoint (MinIO, moto, ...); default is AWS.
    type: str
  s3_region:
    description: Region of O(s3_bucket).
    type: str
  s3_access_key:
    description: S3 access key id. Not logged.
    type: str
  s3_secret_key:
    description: S3 secret access key. Not logged.
    type: str
requirements:
  - psycopg2 on the managed host
  - boto3, only with O(s3_bucket)
  - PostgreSQL client tools (pg_dump, pg_restore, psql) of at least the server's major version
notes:
  - Retention - only verified backups count. A verified backup is kept when it is among the O(keep_last) newest or
    younger than O(keep_days); the newest verified backup is always kept. Backups that are not verified are deleted
    only when older than the newest verified one; with no verified backup nothing is deleted. Temp files of
    running or killed dumps (C(.NAME.tmp-*)) are listed as C(partial) and never deleted.
"""

EXAMPLES = r"""
- name: Back up before the release
  facturino.release.pg_backup:
    database_url: "{{ database_url }}"
    state: dumped
    label: pre_v1.0.0
    dest: /var/backups/facturino
  register: backup

- name: Prove the backup restores
  facturino.release.pg_backup:
    database_url: "{{ database_url }}"
    state: verified
    path: "{{ backup.dump_path }}"
    restore_test: true

- name: Rollback option 3 - restore over the live database
  facturino.release.pg_backup:
    database_url: "{{ database_url }}"
    state: restored
    dest: /var/backups/facturino
    label: pre_v1.0.0
    clean: true
    safety_backup: true

- name: Keep a week of backups, at least the last 3
  facturino.release.pg_backup:
    state: pruned
    dest: /var/backups/facturino
    keep_last: 3
    keep_days: 7
"""

RETURN = r"""
dump_path:
  description: Path of the dump (file, or directory for the directory format).
  returned: state is dumped, verified or restored
  type: str
  sample: /var/backups/facturino/facturino_pre_v1.0.0.dump
manifest_path:
  description: Path of the JSON manifest beside the dump.
  returned: state is dumped, verified or restored
  type: str
  sample: /var/backups/facturino/facturino_pre_v1.0.0.dump.manifest.json
checksum_path:
  description: Path of the sha256sum-format sidecar.
  returned: state is dumped, verified or restored
  type: str
  sample: /var/backups/facturino/facturino_pre_v1.0.0.dump.sha256
checksum:
  description: sha256 of the dump (for a directory, of its sha256sum listing).
  returned: state is dumped, verified or restored (null in check mode when nothing exists yet)
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
size_bytes:
  description: Size of the dump in bytes.
  returned: state is dumped, verified or restored
  type: int
  sample: 127104512
label:
  description: Label of the backup.
  returned: state is dumped, verified or restored
  type: str
  sample: pre_v1.0.0
format:
  description: Dump format.
  returned: state is dumped, verified or restored
  type: str
  sample: custom
created_at:
  description: UTC time the dump started.
  returned: state is dumped, verified or restored
  type: str
  sample: "2026-11-26T10:00:00.000000Z"
row_counts:
  description:
    - Rows per table (C(schema.table)). For O(state=dumped) and O(state=verified), counted in the dump's snapshot;
      for O(state=restored), counted in the target after the restore.
  returned: state is dumped, verified or restored
  type: dict
  sample: {"public.customers": 200000, "public.invoices": 3000000}
total_rows:
  description: Sum of the manifest's row counts.
  returned: state is dumped, verified or restored
  type: int
  sample: 3200000
server_version:
  description: PostgreSQL server version at dump time.
  returned: state is dumped, verified or restored
  type: str
  sample: "15.20"
pg_dump_version:
  description: pg_dump version used.
  returned: state is dumped, verified or restored
  type: str
  sample: "15.20"
verified:
  description: Whether the backup passed verification.
  returned: state is dumped, verified or restored
  type: bool
  sample: true
manifest:
  description: The whole manifest (database, host, versions, snapshot, sequences, verification, ...).
  returned: state is dumped, verified or restored
  type: dict
  sample: {"label": "pre_v1.0.0", "format": "custom", "total_rows": 3200000}
reasons:
  description: Why verification failed (empty when it passed).
  returned: state is verified
  type: list
  elements: str
  sample: ["/b/x.dump is truncated: 1000 bytes, the manifest says 2000"]
checks:
  description: The checks performed.
  returned: state is verified
  type: list
  elements: str
  sample: ["manifest", "size", "checksum", "pg_restore --list"]
restore_test_passed:
  description: Result of the scratch restore (null when not requested).
  returned: state is verified
  type: bool
  sample: true
target_dbname:
  description: Database restored into.
  returned: state is restored
  type: str
  sample: facturino
database_created:
  description: Whether the target database had to be created.
  returned: state is restored
  type: bool
  sample: false
row_count_mismatches:
  description: Tables whose restored row count differs from the manifest (the task fails when not empty).
  returned: state is restored
  type: list
  elements: dict
  sample: []
extra_tables:
  description: Tables in the target after the restore that the dump does not contain (normally empty - O(clean) drops them).
  returned: state is restored
  type: list
  elements: str
  sample: []
dropped_relations:
  description:
    - Relations of the target that the dump does not contain, dropped (in check mode - would be dropped) before
      the restore because of O(clean), each with its C(name) (C(schema.name)) and C(kind).
  returned: state is restored
  type: list
  elements: dict
  sample: [{"name": "public.two_factor_tokens", "kind": "table"}]
dropped_cascade:
  description: Other objects the CASCADE of RV(dropped_relations) removes (or would remove) with them, as PostgreSQL describes them.
  returned: state is restored
  type: list
  elements: str
  sample: ["constraint invoices_last_payment_id_fkey on table invoices", "sequence payments_id_seq"]
restore_duration_ms:
  description: Duration of the pg_restore or psql run.
  returned: state is restored and not check mode
  type: float
  sample: 15730.2
safety_backup:
  description: Summary (dump_path, checksum, row_counts, ...) of the safety dump of the target.
  returned: state is restored and safety_backup was taken
  type: dict
  sample: {"dump_path": "/var/backups/facturino/facturino_pre_restore_20261126T100000Z.dump"}
deleted:
  description: Backups deleted (would be deleted in check mode), with status and reason.
  returned: state is pruned
  type: list
  elements: dict
  sample: [{"path": "/b/db_old.dump", "status": "verified", "reason": "verified, but outside keep_last/keep_days"}]
kept:
  description: Backups kept, with status and reason.
  returned: state is pruned
  type: list
  elements: dict
  sample: [{"path": "/b/db_new.dump", "status": "verified", "reason": "newest verified backup (always kept)"}]
backups:
  description: Backups in O(dest), newest first, each with path, name, label, database, format, status, created_at,
    size_bytes, checksum, manifest_path and manifest.
  returned: state is listed
  type: list
  elements: dict
  sample: [{"name": "facturino_pre_v1.0.0.dump", "status": "verified"}]
s3_uploaded:
  description: S3 keys uploaded by this run (empty when all were already there).
  returned: state is dumped and s3_bucket is set
  type: list
  elements: str
  sample: ["facturino/facturino_pre_v1.0.0.dump", "facturino/facturino_pre_v1.0.0.dump.manifest.json"]
count:
  description: Number of backups listed.
  returned: state is listed
  type: int
  sample: 3
verified_count:
  description: Number of listed backups with status verified.
  returned: state is listed
  type: int
  sample: 2
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import run_module
from ansible_collections.facturino.release.plugins.module_utils.postgres.argspec import (
    PG_BACKUP_MUTUALLY_EXCLUSIVE,
    PG_BACKUP_REQUIRED_IF,
    pg_backup_argument_spec,
)
from ansible_collections.facturino.release.plugins.module_utils.postgres.states import handle


def main():
    module = AnsibleModule(
        argument_spec=pg_backup_argument_spec(),
        required_if=PG_BACKUP_REQUIRED_IF,
        mutually_exclusive=PG_BACKUP_MUTUALLY_EXCLUSIVE,
        supports_check_mode=True,
    )
    run_module(module, handle)


if __name__ == "__main__":
    main()
