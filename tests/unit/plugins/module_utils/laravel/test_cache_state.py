"""Cache-file snapshots: what changed on disk, per command scope."""

from ansible_collections.facturino.release.plugins.module_utils.laravel import cache_state


def _app(tmp_path):
    for relpath in ("bootstrap/cache", "storage/framework/views", "storage/framework/cache/data"):
        (tmp_path / relpath).mkdir(parents=True)
    (tmp_path / "bootstrap/cache/.gitignore").write_text("*\n")
    return tmp_path


def test_added_modified_removed(tmp_path):
    app = _app(tmp_path)
    before = cache_state.snapshot(str(app), ("config", "views"))
    assert before == {}
    (app / "bootstrap/cache/config.php").write_text("<?php return [];")
    (app / "storage/framework/views/a.php").write_text("view")
    middle = cache_state.snapshot(str(app), ("config", "views"))
    assert cache_state.compare(before, middle)["added"] == ["bootstrap/cache/config.php", "storage/framework/views/a.php"]
    (app / "bootstrap/cache/config.php").write_text("<?php return ['x' => 1];")
    (app / "storage/framework/views/a.php").unlink()
    changes = cache_state.compare(middle, cache_state.snapshot(str(app), ("config", "views")))
    assert changes == {"added": [], "removed": ["storage/framework/views/a.php"], "modified": ["bootstrap/cache/config.php"]}
    assert cache_state.is_changed(changes)


def test_rewriting_identical_content_is_unchanged(tmp_path):
    app = _app(tmp_path)
    (app / "bootstrap/cache/config.php").write_text("same")
    before = cache_state.snapshot(str(app), ("config",))
    (app / "bootstrap/cache/config.php").write_text("same")
    assert not cache_state.is_changed(cache_state.compare(before, cache_state.snapshot(str(app), ("config",))))


def test_scopes_are_separate_and_placeholders_ignored(tmp_path):
    app = _app(tmp_path)
    (app / "storage/framework/cache/data/.gitignore").write_text("*")
    (app / "storage/framework/cache/data/ab/cd").mkdir(parents=True)
    (app / "storage/framework/cache/data/ab/cd/entry").write_text("cached")
    (app / "bootstrap/cache/routes-v7.php").write_text("routes")
    assert list(cache_state.snapshot(str(app), ("cache",))) == ["storage/framework/cache/data/ab/cd/entry"]
    assert list(cache_state.snapshot(str(app), ("routes",))) == ["bootstrap/cache/routes-v7.php"]


def test_route_cache_noise_is_ignored_but_real_changes_are_not(tmp_path):
    one, two, three = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    one.write_bytes(b"'as' => 'generated::80vSCiOymzqSFnGR' s:4:\"self\";s:32:\"00000000000003e60000000000000000\";"
                    b"s:4:\"hash\";s:44:\"VTFh3scsrqn5K9T/4M39Grg2vDWt2/2voMxaLA8Tx6w=\";")
    two.write_bytes(b"'as' => 'generated::Zz9YxW8vU7tS6rQp' s:4:\"self\";s:32:\"00000000000003d70000000000000000\";"
                    b"s:4:\"hash\";s:44:\"iM7AjRdUferuBGbXbsh4XUA/BE5OawuCqeZaLDohW40=\";")
    three.write_bytes(two.read_bytes().replace(b"'as'", b"'uri'"))
    digest = cache_state.file_digest
    assert digest(str(one), "bootstrap/cache/routes-v7.php") == digest(str(two), "bootstrap/cache/routes-v7.php")
    assert digest(str(two), "bootstrap/cache/routes-v7.php") != digest(str(three), "bootstrap/cache/routes-v7.php")
    assert digest(str(one), "bootstrap/cache/config.php") != digest(str(two), "bootstrap/cache/config.php")
