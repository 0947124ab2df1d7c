"""APP_KEY guard and the config-cache warning."""

import base64

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import LaravelError
from ansible_collections.facturino.release.plugins.module_utils.laravel import guards

GOOD_KEY = "base64:" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture(autouse=True)
def no_process_key(monkeypatch):
    monkeypatch.delenv("APP_KEY", raising=False)


def test_missing_key_names_the_fix(tmp_path):
    with pytest.raises(LaravelError, match="APP_KEY is not set") as error:
        guards.check_app_key(str(tmp_path), {})
    assert "key:generate --show" in error.value.hint


def test_key_from_environment_dotenv_or_process(tmp_path, monkeypatch):
    guards.check_app_key(str(tmp_path), {"APP_KEY": GOOD_KEY})
    (tmp_path / ".env").write_text("APP_KEY=%s\n" % GOOD_KEY)
    guards.check_app_key(str(tmp_path), {})
    (tmp_path / ".env").write_text("APP_KEY=\n")
    monkeypatch.setenv("APP_KEY", GOOD_KEY)
    guards.check_app_key(str(tmp_path), {})


@pytest.mark.parametrize("key", ["base64:abc", "base64:!!!", "short", "base64:" + base64.b64encode(b"k" * 20).decode()])
def test_malformed_key_is_rejected_without_showing_it(tmp_path, key):
    with pytest.raises(LaravelError) as error:
        guards.check_app_key(str(tmp_path), {"APP_KEY": key})
    assert key not in str(error.value)


def test_cached_config_skips_the_key_check_and_warns_about_environment(tmp_path):
    (tmp_path / "bootstrap" / "cache").mkdir(parents=True)
    (tmp_path / "bootstrap" / "cache" / "config.php").write_text("<?php return [];")
    guards.check_app_key(str(tmp_path), {})
    assert "ignores the `environment`" in guards.config_cache_warnings(str(tmp_path), {"X": "1"}, "migrate")[0]
    assert guards.config_cache_warnings(str(tmp_path), {"X": "1"}, "config:clear") == []
    assert guards.config_cache_warnings(str(tmp_path), {}, "migrate") == []


def test_caching_config_with_environment_warns(tmp_path):
    assert "bakes the environment" in guards.config_cache_warnings(str(tmp_path), {"X": "1"}, "config:cache")[0]
    assert guards.config_cache_warnings(str(tmp_path), {}, "config:cache") == []
