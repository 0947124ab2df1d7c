# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Atomic file writes: a file is either whole under its final name, or not there at all."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile


def fsync_directory(path):
    """Persist a rename by syncing the directory entry."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicFile:
    """A temporary path in the destination's directory that becomes ``path`` only on :meth:`commit`.

    Use it for writers that need a path (pg_dump, tar) rather than a Python file object::

        with AtomicFile(dest) as tmp:
            run_pg_dump(output=tmp.temp_path)
            tmp.commit()

    Leaving the block without ``commit()`` (an exception, an interrupted dump) removes the temp file.
    """

    def __init__(self, path, mode=0o600, directory=False):
        self.path = os.path.abspath(path)
        self.mode = mode
        self.directory = directory
        self.temp_path = None
        self.committed = False

    def __enter__(self):
        parent = os.path.dirname(self.path)
        prefix = ".%s.tmp-" % os.path.basename(self.path)
        if self.directory:
            self.temp_path = tempfile.mkdtemp(prefix=prefix, dir=parent)
        else:
            fd, self.temp_path = tempfile.mkstemp(prefix=prefix, dir=parent)
            os.close(fd)
        os.chmod(self.temp_path, self.mode if not self.directory else 0o700)
        return self

    def commit(self):
        if not self.directory:
            with open(self.temp_path, "rb+") as handle:
                os.fsync(handle.fileno())
        else:
            for name in os.listdir(self.temp_path):
                entry = os.path.join(self.temp_path, name)
                if os.path.isfile(entry) and not os.path.islink(entry):
                    with open(entry, "rb") as handle:
                        os.fsync(handle.fileno())
            fsync_directory(self.temp_path)
        replaced = None
        if self.directory and os.path.isdir(self.path):
            # rename() cannot replace a directory: move the old one aside, switch, then drop it.
            replaced = "%s.old-%d" % (self.temp_path, os.getpid())
            os.rename(self.path, replaced)
        os.rename(self.temp_path, self.path)
        fsync_directory(os.path.dirname(self.path))
        self.committed = True
        if replaced:
            shutil.rmtree(replaced, ignore_errors=True)

    def discard(self):
        if self.temp_path and not self.committed and os.path.lexists(self.temp_path):
            if os.path.isdir(self.temp_path) and not os.path.islink(self.temp_path):
                shutil.rmtree(self.temp_path)
            else:
                os.unlink(self.temp_path)

    def __exit__(self, exc_type, exc, traceback):
        self.discard()
        return False


def atomic_write(path, data, mode=0o600, check_mode=False):
    """Write ``data`` (bytes or str) to ``path`` atomically; return True when the content changed.

    Check mode is decided here, at the write: it reports whether the file would change and writes nothing.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if os.path.isfile(path):
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    if check_mode:
        return True
    with AtomicFile(path, mode=mode) as tmp:
        with open(tmp.temp_path, "wb") as handle:
            handle.write(data)
        tmp.commit()
    return True


def sha256_file(path, chunk_size=1024 * 1024):
    """Hex sha256 of a file, read unbuffered into one reusable buffer (no allocation or copy per chunk).

    Both ``readinto`` and ``update`` on large chunks release the GIL, so hashing in a thread overlaps other work.
    """
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while True:
            size = handle.readinto(buffer)
            if not size:
                break
            digest.update(view[:size])
    return digest.hexdigest()
