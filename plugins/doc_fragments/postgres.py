# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options shared by the postgres wing (module_utils/postgres/argspec.py connection_argument_spec).
    DOCUMENTATION = r"""
options:
  database_url:
    description:
      - Connection URL, C(postgres://user:password@host:port/dbname?sslmode=require) (the form Railway's
        E(DATABASE_URL) uses).
      - Discrete options given alongside it win over the URL's parts.
      - Its password reaches the client tools only through E(PGPASSWORD), never their command line.
    type: str
  host:
    description: Server host name or address. Default is libpq's (local socket).
    type: str
  port:
    description: Server port. Default is libpq's (5432).
    type: int
  user:
    description: Role to connect as.
    type: str
  password:
    description:
      - Password of O(user). Never logged, never on a command line (passed as E(PGPASSWORD)).
    type: str
  dbname:
    description:
      - Database to dump, restore into, or use for the restore test's server.
      - Required unless O(database_url) names one; not needed for O(state=listed), O(state=pruned) and
        O(state=verified) without a restore test.
    type: str
    aliases: [db]
  sslmode:
    description: libpq SSL mode.
    type: str
    choices: [disable, allow, prefer, require, verify-ca, verify-full]
  connect_timeout:
    description: Seconds to wait for a connection.
    type: int
    default: 10
"""
