"""config:cache leaves the cached configuration (every secret of the app) readable by its owner only."""

import os
import stat

from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
from ansible_collections.facturino.release.plugins.module_utils.laravel import caches


class WritingArtisan:
    """Writes bootstrap/cache/config.php 0644, as `php artisan config:cache` does under umask 022."""

    def __init__(self, app_path):
        self.app_path = str(app_path)

    def run(self, command, extra_env=None):
        path = os.path.join(self.app_path, "bootstrap", "cache", "config.php")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("<?php return ['database' => ['password' => 'pw']];\n")
        os.chmod(path, 0o644)
        return CommandResult(["php", "artisan", command], 0, "", "", 1.0)

    def argv(self, command):
        return ["php", "artisan", command]


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_config_cache_is_owner_only(tmp_path):
    for command in ("config:cache", "optimize"):
        result = caches.run_cache_command(WritingArtisan(tmp_path), command, check_mode=False, diff=False)
        assert _mode(tmp_path / "bootstrap" / "cache" / "config.php") == 0o600, command
        assert result["changed"] in (True, False)


def test_route_cache_leaves_config_alone(tmp_path):
    caches.run_cache_command(WritingArtisan(tmp_path), "route:cache", check_mode=False, diff=False)
    assert _mode(tmp_path / "bootstrap" / "cache" / "config.php") == 0o644
