#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: env_audit
short_description: Audit a Laravel environment and its repository without revealing any value
version_added: 0.1.0
description:
  - Audits a dotenv file such as C(.env.production), or a dict of variables such as Railway's, against the
    runbook's Critical and Optional environment variables and its Security Checklist.
  - Reports every problem as a finding with C(rule), C(key), C(line), C(severity) and C(message). No value
    from the audited environment ever appears in a finding, in C(msg) or in an error.
  - Checks required and valid settings (C(APP_ENV), C(APP_DEBUG), https C(APP_URL), C(APP_KEY) length for the
    cipher, PostgreSQL via C(DB_*) or C(DATABASE_URL), session, queue, mail, Sanctum domain), template
    placeholders and empty secrets, key names the running Laravel version ignores (C(CACHE_STORE) before 11,
    C(MAIL_DRIVER) from 7), Redis settings, feature flags, backup credentials, hardening warnings and syntax
    (duplicates, BOM, CRLF, undefined C(${VAR}), multi-line values).
  - A file is read exactly as Laravel reads it, by a model of phpdotenv 5.4 (Laravel 8 to 10, as Debian packages
    them) or 5.6 (Laravel 11 and later, and when the version is unknown), chosen by the Laravel version. It
    follows phpdotenv's rules for comments after unquoted values, escape sequences in double quotes, C(${VAR})
    references (resolved from earlier lines only), C(export), quoted names, name characters, multi-line values,
    BOM and CRLF. The checks judge the values Laravel gets, after comments are stripped and references resolved.
  - A file phpdotenv refuses is reported as C(laravel-rejects-file) with its line and reason, since Laravel
    stops with "The environment file is invalid!". Lines phpdotenv drops without an error (a double quote opened in
    a comment, or never closed) are reported as C(keys-lost), naming the keys Laravel never sees.
  - The audit takes the server's own environment to be empty. A C(${VAR}) that no earlier line defines stays
    literal and is reported, although a server that sets C(VAR) itself would resolve it.
  - With O(app_path), also checks the repository, which is the runbook's Security Checklist. It checks that no
    C(.env) or C(.env.*) file other than C(.env.example) appears anywhere in the git history. It checks C(.gitignore)
    coverage, hard-coded credentials in C(app/) and C(config/), C(LICENSE) and C(LEGAL_NOTES), and a clean work tree.
  - Read-only. The task fails when a finding is at or above O(fail_on).
  - Values of secret-named keys, passwords in URLs and token-like values are added to Ansible's no_log list as a
    second line of defence. Plain values of other keys (V(false), V(3), V(database)) are deliberately left
    unmasked, also from O(variables), so counts, messages and paths stay readable.
author:
  - Facturino release engineers (@facturino)
options:
  path:
    description:
      - The dotenv file to audit. Must be UTF-8 text of at most O(max_bytes) bytes.
      - Exactly one of O(path) and O(variables) is required.
    type: path
  variables:
    description:
      - The environment to audit as a dict, for example the variables read from Railway. Findings then have no line.
    type: dict
  profile:
    description:
      - How strict the audit is. V(production) is strictest.
      - V(staging) accepts C(APP_ENV=staging) or V(production). It turns the https rule into V(info), drops the
        local-host rule, and lowers C(APP_DEBUG), Sanctum and mocked-data findings to warnings.
      - V(local) only requires C(APP_KEY) and turns most hardening rules off.
    type: str
    default: production
    choices: [local, production, staging]
  laravel_version:
    description:
      - The Laravel version the app runs, such as V(8.83) or V(11). It decides which key names are read, and
        which phpdotenv reads the file (5.4 before Laravel 11, else 5.6).
      - When omitted, it is detected from O(app_path). The order is C(composer.lock), C(vendor/laravel/framework),
        then Debian's C(php-laravel-framework) when the app loads C(/usr/share/php/Illuminate/autoload.php), and
        finally C(php artisan --version).
    type: str
  app_path:
    description:
      - The application checkout. Turns on the repository checks and version detection.
      - When it has C(config/*.php), a key read there with C(env()) is never reported as ignored by the version.
    type: path
  required:
    description: Extra keys that must be set and not empty.
    type: list
    elements: str
    default: []
  forbidden:
    description: Keys that must not be set.
    type: list
    elements: str
    default: []
  ignore:
    description:
      - Rule ids to skip, or V(rule:KEY) to skip a rule for one key only, for example V(app-url-scheme:APP_URL).
      - Unknown rule ids are rejected.
    type: list
    elements: str
    default: []
  severity_overrides:
    description:
      - Map of rule id to V(error), V(warning), V(info) or V(off). It is applied after the profile.
    type: dict
    default: {}
  reference:
    description:
      - The same environment as seen elsewhere, for example Railway's variables. Used for drift detection.
      - Drift is reported as missing, extra and differing keys, by name only.
    type: dict
  reference_path:
    description: Like O(reference), but read from a dotenv file.
    type: path
  fail_on:
    description: The lowest severity that fails the task. V(never) only reports.
    type: str
    default: error
    choices: [error, warning, info, never]
  max_bytes:
    description: The largest dotenv file accepted, in bytes.
    type: int
    default: 1048576
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    description: The module never changes anything, so check mode runs the full audit.
  diff_mode:
    description: Nothing is changed, so there is no diff.
  platform:
    support: full
    description: Runs on the host that holds the file or checkout; git and php are used from its PATH.
notes:
  - "Rule ids, for O(ignore) and O(severity_overrides). Syntax: C(laravel-rejects-file), C(keys-lost), C(bom),
    C(crlf), C(invalid-key-name), C(duplicate-key), C(undefined-reference), C(multiline-value).
    Required and valid: C(required-missing), C(forbidden-key), C(app-env), C(app-debug), C(app-url-scheme),
    C(app-url-invalid), C(app-url-local), C(app-key), C(db-connection), C(database-url-invalid),
    C(invalid-integer), C(invalid-boolean), C(invalid-choice), C(queue-sync), C(mail-mailer), C(sanctum-domain).
    Placeholders: C(placeholder), C(empty-secret). Laravel version: C(deprecated-key), C(unsupported-key),
    C(laravel-version-unknown). Redis: C(redis-connection), C(redis-client), C(redis-db-collision).
    Features and backups: C(feature-ai-config), C(feature-mocked-data), C(backup-credentials).
    Hardening: C(session-encrypt), C(trusted-proxies-wildcard), C(weak-db-password), C(mail-encryption).
    Repository: C(git-repository), C(env-file-committed), C(gitignore-env), C(hardcoded-credential), C(agpl-files),
    C(dirty-tree). Drift: C(drift-missing), C(drift-extra), C(drift-differs)."
  - Repository checks need C(git) on the host.
seealso:
  - name: Facturino deployment runbook
    description: The Environment Preparation and Security Checklist sections this module automates.
    link: https://github.com/facturino/facturino
"""

EXAMPLES = r"""
- name: Audit the production dotenv file and the repository
  facturino.release.env_audit:
    path: /srv/facturino/.env.production
    app_path: /srv/facturino

- name: Audit the staging sandbox, which serves plain HTTP on 127.0.0.1
  facturino.release.env_audit:
    path: "{{ app_dir }}/.env.production"
    profile: staging
    severity_overrides:
      trusted-proxies-wildcard: info
    ignore:
      - sanctum-domain:SANCTUM_STATEFUL_DOMAINS

- name: Audit Railway's variables and compare them with the local file
  facturino.release.env_audit:
    variables: "{{ railway_variables }}"
    reference_path: /srv/facturino/.env.production
    laravel_version: "8.83"
    fail_on: never
  register: audit
"""

RETURN = r"""
passed:
  description: True when no finding is at or above O(fail_on).
  returned: always
  type: bool
  sample: false
counts:
  description: The number of findings per severity, after the profile, overrides and ignores.
  returned: always
  type: dict
  sample: {"error": 2, "warning": 3, "info": 0}
findings:
  description: The problems found, errors first. A finding never contains a value.
  returned: always
  type: list
  elements: dict
  sample:
    - {"rule": "placeholder", "key": "DB_PASSWORD", "line": 13, "severity": "error",
       "message": "DB_PASSWORD still holds a template placeholder"}
ignored:
  description: How many findings were dropped by O(ignore), O(severity_overrides) V(off) or the profile.
  returned: always
  type: int
  sample: 1
profile:
  description: The profile used.
  returned: always
  type: str
  sample: production
laravel_version:
  description: The Laravel version used for key-name checks, with its source; null when unknown.
  returned: always
  type: dict
  sample: {"version": "8.83.26", "major": 8, "minor": 83, "source": "debian:/usr/share/php/Illuminate/Foundation/Application.php"}
audited:
  description:
    - What was audited. C(origin) is V(file) or V(variables), C(keys) is the number of distinct keys Laravel gets.
    - C(phpdotenv) is the phpdotenv version the file was read as (null for O(variables)), and C(laravel_loads_it)
      is false when phpdotenv refuses the file.
  returned: always
  type: dict
  sample: {"origin": "file", "path": "/srv/facturino/.env.production", "keys": 42, "phpdotenv": "5.4",
           "laravel_loads_it": true}
repository:
  description: Facts from the repository checks; null without O(app_path).
  returned: always
  type: dict
  sample: {"git": true, "toplevel": "/srv/facturino", "env_files_in_history": [".env"], "gitignore_gaps": [],
           "modified": 0, "untracked": 0, "hardcoded_credentials": 0}
drift:
  description: Key names that are missing, extra or different compared with the reference; null without one.
  returned: always
  type: dict
  sample: {"missing": ["REDIS_HOST"], "extra": [], "differs": ["APP_URL"]}
msg:
  description: A one-line summary by rule and key.
  returned: always
  type: str
  sample: "env_audit: 0 error(s), 2 warning(s), 1 info (passed, fail_on=error)"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import run_module
from ansible_collections.facturino.release.plugins.module_utils.dotenv.argspec import (
    ENV_AUDIT_MODULE_KWARGS,
    env_audit_argument_spec,
)
from ansible_collections.facturino.release.plugins.module_utils.dotenv.task import handle


def main():
    module = AnsibleModule(argument_spec=env_audit_argument_spec(), **ENV_AUDIT_MODULE_KWARGS)
    run_module(module, handle)


if __name__ == "__main__":
    main()
