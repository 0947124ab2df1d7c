"""detect_laravel_version (plugins/module_utils/laravel/version.py): each source, in order, on real files."""

import json
import os
import shutil
import subprocess

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.process import SubprocessCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.laravel.version import (
    detect_laravel_version,
    parse_version,
)

DEBIAN_APPLICATION = "/usr/share/php/Illuminate/Foundation/Application.php"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def application_php(version):
    return "<?php\nclass Application extends Container\n{\n    const VERSION = '%s';\n}\n" % version


@pytest.mark.parametrize("text, version, major", [
    ("8", "8.0.0", 8), ("8.83", "8.83.0", 8), ("v11.9.2", "11.9.2", 11), ("8.83.26+dfsg-2", "8.83.26", 8),
])
def test_parse_version(text, version, major):
    parsed = parse_version(text)
    assert (parsed.version, parsed.major) == (version, major)


def test_parse_version_rejects_garbage():
    assert parse_version("latest") is None


def test_composer_lock_wins_over_vendor(tmp_path):
    write(str(tmp_path / "composer.lock"), json.dumps({"packages": [
        {"name": "laravel/sanctum", "version": "v3.3.3"}, {"name": "laravel/framework", "version": "v11.31.0"}]}))
    write(str(tmp_path / "vendor/laravel/framework/src/Illuminate/Foundation/Application.php"), application_php("10.0.0"))
    found = detect_laravel_version(str(tmp_path))
    assert (found.version, found.source) == ("11.31.0", "composer.lock")


def test_vendor_application_constant(tmp_path):
    write(str(tmp_path / "vendor/laravel/framework/src/Illuminate/Foundation/Application.php"), application_php("10.48.4"))
    found = detect_laravel_version(str(tmp_path))
    assert (found.version, found.source) == ("10.48.4", "vendor/laravel/framework")


def test_debian_share_used_only_when_the_app_loads_it(tmp_path):
    share = tmp_path / "share"
    write(str(share / "Illuminate/Foundation/Application.php"), application_php("8.83.26"))
    app = tmp_path / "app"
    app.mkdir()
    assert detect_laravel_version(str(app), share=str(share)) is None
    write(str(app / "bootstrap/autoload.php"), "<?php\nrequire_once $sharePhp.'/Illuminate/autoload.php';\n")
    found = detect_laravel_version(str(app), share=str(share))
    assert found.version == "8.83.26" and found.source.startswith("debian:")


@pytest.mark.skipif(not os.path.exists(DEBIAN_APPLICATION), reason="php-laravel-framework is not installed")
def test_real_debian_package_version_matches_dpkg(tmp_path):
    write(str(tmp_path / "vendor/autoload.php"), "<?php require '/usr/share/php/Illuminate/autoload.php';\n")
    found = detect_laravel_version(str(tmp_path))
    dpkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "php-laravel-framework"], capture_output=True,
                          text=True, check=False).stdout
    assert found.version == dpkg.split("+")[0]


@pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed")
def test_artisan_fallback_runs_php(tmp_path):
    write(str(tmp_path / "artisan"), "<?php\necho \"Laravel Framework 9.52.16\\n\";\n")
    assert detect_laravel_version(str(tmp_path)) is None  # no runner: no process is started
    found = detect_laravel_version(str(tmp_path), SubprocessCommandRunner())
    assert (found.version, found.source) == ("9.52.16", "php artisan --version")


@pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed")
def test_failing_artisan_gives_none(tmp_path):
    write(str(tmp_path / "artisan"), "<?php\nfwrite(STDERR, 'boom');\nexit(1);\n")
    assert detect_laravel_version(str(tmp_path), SubprocessCommandRunner()) is None
