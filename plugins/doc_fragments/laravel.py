# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the modules that run a Laravel application's artisan (see module_utils/laravel/argspec.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  app_path:
    description:
      - Directory of the Laravel application, the one that holds C(artisan).
      - On the controller this is a checkout of the deployed commit; on the target host, the release directory.
    type: path
    required: true
  php:
    description:
      - The PHP executable, a name looked up on E(PATH) or an absolute path.
    type: str
    default: php
  environment:
    description:
      - Variables passed to the artisan process on top of the task's environment, as C(railway run) does with the
        service's variables (for example C(DATABASE_URL), C(APP_KEY), C(APP_ENV)).
      - The option is C(no_log), and its values are masked wherever they appear in the result. Ansible masks
        substrings, so values that cannot be secrets stay readable, or every rc, batch and message would be
        garbled. These are empty values, C(true)/C(false)/C(null), C(yes)/C(no), C(on)/C(off), numbers of up
        to 5 digits, and the values of well-known settings such as C(APP_ENV), C(DB_HOST), C(DB_DATABASE),
        C(DB_USERNAME), C(QUEUE_CONNECTION) and C(CACHE_DRIVER). Such a value stays masked when a secret
        variable holds the same value.
      - Ignored by Laravel for configuration once C(bootstrap/cache/config.php) exists; the module warns then.
    type: dict
    default: {}
  timeout:
    description:
      - Seconds one artisan run may take before it is stopped (with every process it started) and the task fails.
    type: int
    default: 600
"""
