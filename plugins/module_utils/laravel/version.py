# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Laravel version an app runs, without booting it when a file says so.

Order: composer.lock, vendor/laravel/framework, Debian's php-laravel-framework (when the app loads
``<share>/Illuminate/autoload.php``), then ``php artisan --version``.
"""

from __future__ import annotations

import json
import os
import re

VERSION_PATTERN = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")
CONST_PATTERN = re.compile(r"""const\s+VERSION\s*=\s*['"]([^'"]+)['"]""")
ARTISAN_PATTERN = re.compile(r"Laravel Framework\s+v?(\d+\.\d+(?:\.\d+)?)")
APPLICATION_PHP = os.path.join("Illuminate", "Foundation", "Application.php")
DEBIAN_SHARE = "/usr/share/php"
# Files through which an app without Composer loads Debian's framework.
DEBIAN_LOADERS = ("vendor/autoload.php", "bootstrap/autoload.php", "bootstrap/app.php", "artisan")
ARTISAN_TIMEOUT = 60


class LaravelVersion:
    __slots__ = ("version", "source", "major", "minor", "patch")

    def __init__(self, version, source):
        match = VERSION_PATTERN.match(version)
        if not match:
            raise ValueError("not a Laravel version: %r" % (version,))
        self.major, self.minor = int(match.group(1)), int(match.group(2) or 0)
        self.patch = int(match.group(3) or 0)
        self.version = "%d.%d.%d" % (self.major, self.minor, self.patch)
        self.source = source

    def as_dict(self):
        return {"version": self.version, "major": self.major, "minor": self.minor, "source": self.source}

    def __repr__(self):
        return "LaravelVersion(%s from %s)" % (self.version, self.source)


def parse_version(text, source="given"):
    """``LaravelVersion`` from '8', '8.83', 'v8.83.26' or '8.83.26+dfsg-2'; ``None`` if unparseable."""
    try:
        return LaravelVersion(str(text).strip(), source)
    except ValueError:
        return None


def from_composer_lock(app_path):
    path = os.path.join(app_path, "composer.lock")
    data = _read_json(path)
    if not data:
        return None
    for section in ("packages", "packages-dev"):
        for package in data.get(section) or []:
            if isinstance(package, dict) and package.get("name") == "laravel/framework":
                return parse_version(package.get("version", ""), "composer.lock")
    return None


def from_vendor(app_path):
    framework = os.path.join(app_path, "vendor", "laravel", "framework")
    found = _version_const(os.path.join(framework, "src", APPLICATION_PHP))
    if found:
        return parse_version(found, "vendor/laravel/framework")
    data = _read_json(os.path.join(app_path, "vendor", "composer", "installed.json"))
    packages = data.get("packages", []) if isinstance(data, dict) else (data or [])
    for package in packages:
        if isinstance(package, dict) and package.get("name") == "laravel/framework":
            return parse_version(package.get("version", ""), "vendor/composer/installed.json")
    return None


def from_debian(app_path, share=DEBIAN_SHARE):
    """Debian ships no composer metadata: the version is ``Application::VERSION`` under ``share``."""
    if not any(_mentions(os.path.join(app_path, loader), "Illuminate/autoload.php") for loader in DEBIAN_LOADERS):
        return None
    application = os.path.join(share, APPLICATION_PHP)
    found = _version_const(application)
    return parse_version(found, "debian:" + application) if found else None


def from_artisan(app_path, runner):
    php = runner.which("php")
    if not php or not os.path.isfile(os.path.join(app_path, "artisan")):
        return None
    result = runner.run([php, "artisan", "--version", "--no-ansi", "--no-interaction"], cwd=app_path,
                        timeout=ARTISAN_TIMEOUT)
    match = ARTISAN_PATTERN.search(result.stdout or "") if result.rc == 0 else None
    return parse_version(match.group(1), "php artisan --version") if match else None


def detect_laravel_version(app_path, runner=None, share=DEBIAN_SHARE):
    """The app's ``LaravelVersion``, or ``None`` when no source tells (artisan is tried only with a runner)."""
    for probe in (from_composer_lock, from_vendor):
        found = probe(app_path)
        if found:
            return found
    found = from_debian(app_path, share)
    if found:
        return found
    return from_artisan(app_path, runner) if runner is not None else None


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _version_const(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            match = CONST_PATTERN.search(handle.read())
    except OSError:
        return None
    return match.group(1) if match else None


def _mentions(path, text):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return text in handle.read()
    except OSError:
        return False
