"""The source packer: gitignore/railwayignore semantics, always-excluded dirs, symlinks, tarball layout."""

import gzip
import io
import os
import tarfile

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.railway.upload import (
    collect_files,
    is_ignored,
    pack,
    parse_ignore,
)


def tree(root, files):
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def names(root, **kwargs):
    return [rel for rel, _full in collect_files(str(root), **kwargs)]


@pytest.mark.parametrize("pattern,path,is_dir,expected", [
    ("*.log", "a/b/x.log", False, True),
    ("*.log", "x.log.txt", False, False),
    ("/build", "build", True, True),
    ("/build", "src/build", True, False),
    ("build/", "src/build", True, True),
    ("build/", "src/build", False, False),
    ("doc/*.txt", "doc/a.txt", False, True),
    ("doc/*.txt", "doc/sub/a.txt", False, False),
    ("**/cache", "a/b/cache", True, True),
    ("logs/**", "logs/a/b.txt", False, True),
    ("a/**/z", "a/z", False, True),
    ("a/**/z", "a/x/y/z", False, True),
    ("file?.php", "file1.php", False, True),
    ("file[0-9].php", "fileA.php", False, False),
    ("\\#hash", "#hash", False, True),
])
def test_gitignore_patterns(pattern, path, is_dir, expected):
    assert is_ignored(parse_ignore(pattern), path, is_dir) is expected


def test_negation_and_comments():
    rules = parse_ignore("# comment\n*.env\n!.env.example\n\n")
    assert is_ignored(rules, ".env", False)
    assert not is_ignored(rules, ".env.example", False)


def test_collect_honours_both_ignore_files_nested_and_always_excluded(tmp_path):
    tree(tmp_path, {
        "artisan": "x", ".gitignore": "/vendor/\n*.log\n.env.production\n", ".railwayignore": "tests/\n",
        "app/Models/User.php": "<?php", "app/.gitignore": "generated.php\n", "app/generated.php": "<?php",
        "vendor/autoload.php": "<?php", "storage/laravel.log": "log", "tests/FooTest.php": "<?php",
        ".env.production": "APP_KEY=secret", ".git/HEAD": "ref", "node_modules/x/index.js": "js",
        "public/index.php": "<?php", ".env.example": "APP_KEY=",
    })
    assert names(tmp_path) == [".env.example", ".gitignore", ".railwayignore", "app/.gitignore", "app/Models/User.php",
                               "artisan", "public/index.php"]


def test_collect_without_ignore_files_still_drops_git_and_node_modules(tmp_path):
    tree(tmp_path, {".gitignore": "*.log\n", "a.log": "x", ".git/HEAD": "ref", "node_modules/m.js": "x"})
    assert names(tmp_path, use_ignore_files=False) == [".gitignore", "a.log"]


def test_symlinks_are_followed_and_loops_stop(tmp_path):
    tree(tmp_path, {"real/a.php": "<?php"})
    os.symlink(tmp_path / "real", tmp_path / "link")
    os.symlink(tmp_path, tmp_path / "real" / "loop")
    found = names(tmp_path)
    assert "link/a.php" in found and "real/a.php" in found
    assert len(found) < 10


def test_pack_makes_gzip_tar_with_dot_slash_entries(tmp_path):
    tree(tmp_path, {"index.php": "<?php echo 1;", "bin/run": "#!/bin/sh"})
    os.chmod(tmp_path / "bin" / "run", 0o755)
    package = pack(str(tmp_path))
    assert package.data[:2] == b"\x1f\x8b"
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(package.data))) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert set(members) == {"./index.php", "./bin/run"}
        assert members["./bin/run"].mode & 0o111
        assert tar.extractfile("./index.php").read() == b"<?php echo 1;"
    assert package.summary()["files"] == 2


def test_digest_follows_content_not_mtime(tmp_path):
    tree(tmp_path, {"index.php": "<?php echo 1;"})
    first = pack(str(tmp_path)).digest
    os.utime(tmp_path / "index.php", (1, 1))
    assert pack(str(tmp_path)).digest == first
    (tmp_path / "index.php").write_text("<?php echo 2;")
    assert pack(str(tmp_path)).digest != first


def test_source_must_be_a_directory(tmp_path):
    with pytest.raises(InvalidInputError):
        collect_files(str(tmp_path / "missing"))
