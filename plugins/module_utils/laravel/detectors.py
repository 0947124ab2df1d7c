# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failure detectors: name the cause and the fix of a failed run, including runs that exit 0 but failed.

Laravel prints errors on stdout, so detectors read stdout and stderr together.
"""

from __future__ import annotations

import glob
import os
import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import LaravelError
from ansible_collections.facturino.release.plugins.module_utils.laravel.output import extract_error

DB_HINT = "check DATABASE_URL or DB_HOST/DB_PORT/DB_DATABASE/DB_USERNAME/DB_PASSWORD in `environment` (the Railway variables)"

# (pattern, cause, fix); the first match wins. Patterns run on the joined output.
KNOWN_FAILURES = (
    (re.compile(r'password authentication failed for user "(?P<who>[^"]*)"'),
     'PostgreSQL rejected the password for user "{who}" (wrong DB_PASSWORD or DATABASE_URL)',
     "set the right password in DB_PASSWORD or DATABASE_URL; " + DB_HINT),
    (re.compile(r'database "(?P<db>[^"]*)" does not exist'),
     'the database "{db}" does not exist on the PostgreSQL server',
     "create it, or point DB_DATABASE/DATABASE_URL at the right one"),
    (re.compile(r'connection to server at "(?P<host>[^"]*)", port (?P<port>\d+) failed:\s+Connection refused'),
     "PostgreSQL at {host}:{port} refused the connection (server down or wrong host/port)",
     "start the database or " + DB_HINT),
    (re.compile(r"could not translate host name \"(?P<host>[^\"]*)\""),
     'the database host "{host}" does not resolve',
     DB_HINT),
    (re.compile(r"No application encryption key has been specified"),
     "APP_KEY is missing", "set APP_KEY (generate one with `php artisan key:generate --show`)"),
    (re.compile(r"Command Cancell?ed!|Command cancell?ed\."),
     "artisan refused to run in production without --force",
     "pass --force (named operations do; add it to `argv` for raw commands)"),
    (re.compile(r'Command "(?P<name>[^"]+)" is not defined|There are no commands defined in the "(?P<name2>[^"]+)" namespace'),
     'artisan has no such command in this Laravel version or app',
     "check the command name with `php artisan list`"),
    (re.compile(r"(?:Failed opening required|Failed to open stream: No such file).*?(?P<file>\S*(?:autoload|Illuminate)\S*)"),
     "the Laravel framework could not be loaded ({file})",
     "install the dependencies in app_path (`composer install --no-dev`) or the framework package"),
    (re.compile(r'Class "?(?P<cls>Illuminate\\[\w\\]+)"? not found'),
     "the Laravel framework is not installed ({cls} not found)",
     "install the dependencies in app_path (`composer install --no-dev`)"),
)

# ".{0,6}" tolerates a line wrapped inside "could not be" (80-column captures).
LOG_UNWRITABLE = re.compile(r'The stream or file "(?P<path>[^"]*)" could not.{0,6}opened in append mode')
LOG_HIDDEN_CAUSE = "The exception occurred while attempting to log: "
CACHE_CLEAR_FAILED = "Failed to clear cache. Make sure you have the appropriate permissions."
LOG_ERROR = re.compile(r"^\[(?P<when>[^\]]+)\] \w+\.(?P<level>ERROR|CRITICAL|ALERT|EMERGENCY): (?P<message>.*)$")
LOST_CONNECTION = re.compile(r"SQLSTATE\[08|server has gone away|no connection to the server|Connection refused|"
                             r"password authentication failed|could not translate host name|does not exist")


def _joined(result):
    return "\n".join(part for part in (result.stdout, result.stderr) if part)


def known_cause(text):
    """(cause, fix) for a recognised failure in ``text``, else None."""
    for pattern, cause, fix in KNOWN_FAILURES:
        match = pattern.search(text or "")
        if match:
            return cause.format(**match.groupdict()), fix
    return None


def raise_for_failure(command, result, **data):
    """Raise ``LaravelError`` for a non-zero exit or a failure printed while exiting 0."""
    text = _joined(result)
    flat = extract_error(text, limit=20000)
    unwritable_log = LOG_UNWRITABLE.search(flat)
    if unwritable_log:
        # Each failed log attempt nests the previous one; the last is the real cause.
        hidden = flat.rsplit(LOG_HIDDEN_CAUSE, 1)[-1].split(" Context: ")[0] if LOG_HIDDEN_CAUSE in flat else ""
        raise LaravelError(
            "`artisan %s` failed and storage/logs is not writable (%s), which hid the real error%s (exit code %s)"
            % (command, unwritable_log.group("path"), (": " + hidden) if hidden else "", result.rc),
            hint="make storage/ and bootstrap/cache/ writable by the user that runs artisan (chown -R or chmod)",
            **data)
    if CACHE_CLEAR_FAILED in text:
        raise LaravelError(
            "`artisan %s` could not delete the cache files (it printed %r and exited %s)" % (command, CACHE_CLEAR_FAILED, result.rc),
            hint="run artisan as the owner of storage/framework/cache, or chown -R it to that user", **data)
    if result.rc == 0:
        return
    if getattr(result, "timed_out", False):
        raise LaravelError("`artisan %s` timed out and was stopped" % command,
                           hint="raise `timeout`, or check what the command waits for", **data)
    detail = flat[:2000] or "no output"
    cause = known_cause(text) or known_cause(detail)
    if cause:
        raise LaravelError("`artisan %s` failed: %s. Laravel said: %s" % (command, cause[0], detail), hint=cause[1], **data)
    raise LaravelError("`artisan %s` failed with exit code %s: %s" % (command, result.rc, detail), **data)


class LogWatch:
    """Reads what the app appended to storage/logs/*.log during one run (queue:work exits 0 on failures)."""

    def __init__(self, app_path):
        self.pattern = os.path.join(app_path, "storage", "logs", "*.log")
        self.sizes = {}

    def start(self):
        self.sizes = dict((path, os.path.getsize(path)) for path in glob.glob(self.pattern))
        return self

    def new_errors(self, extra_text=""):
        """ERROR-or-worse entries appended since ``start`` (plus any found in ``extra_text``, e.g. stderr)."""
        lines = (extra_text or "").splitlines()
        for path in sorted(glob.glob(self.pattern)):
            try:
                with open(path, "rb") as handle:
                    handle.seek(self.sizes.get(path, 0))
                    lines.extend(handle.read().decode("utf-8", "replace").splitlines())
            except OSError:
                continue
        errors = []
        for line in lines:
            match = LOG_ERROR.match(line.strip())
            if match:
                errors.append(match.group("message")[:500])
        return errors


def raise_for_lost_connection(command, log_errors, **data):
    """queue:work exits 0 when the database is unreachable; the cause is only in the log."""
    lost = [message for message in log_errors if LOST_CONNECTION.search(message)]
    if lost:
        cause = known_cause(lost[0])
        raise LaravelError(
            "`artisan %s` exited 0 but its queue connection failed: %s" % (command, cause[0] if cause else lost[0]),
            hint=cause[1] if cause else DB_HINT, log_errors=lost[:5], **data)


def read_dotenv_key(app_path):
    """The APP_KEY line of ``app_path/.env``: None (no line), '' (empty) or the value. Never returned to the user."""
    path = os.path.join(app_path, ".env")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = re.match(r"^\s*(?:export\s+)?APP_KEY\s*=\s*(.*?)\s*$", line)
            if match:
                return match.group(1).strip("'\"")
    return None


def raise_for_key_generate(app_path, argv, result, **data):
    """``key:generate`` says 'Application key set successfully.' even when .env has no APP_KEY line."""
    if not argv or argv[0] != "key:generate" or "--show" in argv or result.rc != 0:
        return
    if not read_dotenv_key(app_path):
        raise LaravelError(
            "`artisan key:generate` reported success but %s has no APP_KEY line, so no key was written"
            % os.path.join(app_path, ".env"),
            hint="add an `APP_KEY=` line to .env and run again, or set APP_KEY as an environment (Railway) variable", **data)
