# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs: the connection options shared by postgres modules (kept in step with doc_fragments/postgres.py)."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import SSLMODES

STATES = ("dumped", "verified", "restored", "pruned", "listed")
FORMATS = ("custom", "directory", "plain")


def connection_argument_spec():
    return dict(
        database_url=dict(type="str", no_log=True),
        host=dict(type="str"),
        port=dict(type="int"),
        user=dict(type="str"),
        password=dict(type="str", no_log=True),
        dbname=dict(type="str", aliases=["db"]),
        sslmode=dict(type="str", choices=list(SSLMODES)),
        connect_timeout=dict(type="int", default=10),
    )


def pg_backup_argument_spec():
    spec = connection_argument_spec()
    spec.update(
        state=dict(type="str", default="dumped", choices=list(STATES)),
        dest=dict(type="path"),
        path=dict(type="path"),
        label=dict(type="str"),
        name_template=dict(type="str", default="{dbname}_{label}"),
        format=dict(type="str", default="custom", choices=list(FORMATS)),
        compression=dict(type="int"),
        jobs=dict(type="int", default=1),
        verify=dict(type="bool", default=True),
        force=dict(type="bool", default=False),
        restore_test=dict(type="bool", default=False),
        clean=dict(type="bool", default=False),
        no_owner=dict(type="bool", default=False),
        safety_backup=dict(type="bool", default=False),
        safety_dest=dict(type="path"),
        keep_last=dict(type="int"),
        keep_days=dict(type="float"),
        timeout=dict(type="int"),
        maintenance_db=dict(type="str", default="postgres"),
        pg_bin_dir=dict(type="path"),
        s3_bucket=dict(type="str"),
        s3_prefix=dict(type="str", default=""),
        s3_endpoint_url=dict(type="str"),
        s3_region=dict(type="str"),
        s3_access_key=dict(type="str", no_log=True),
        s3_secret_key=dict(type="str", no_log=True),
    )
    return spec


PG_BACKUP_REQUIRED_IF = [
    ("state", "dumped", ("dest",)),
    ("state", "pruned", ("dest",)),
    ("state", "listed", ("dest",)),
    ("state", "verified", ("path", "dest"), True),
    ("state", "restored", ("path", "dest"), True),
]
PG_BACKUP_MUTUALLY_EXCLUSIVE = [("path", "dest")]
