# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's knowledge as data: rule catalogue, Laravel key versions, placeholders, choices.

Checks (``checks.py``) read these tables; profiles (``profiles.py``) adjust severities. Adding a
placeholder pattern or a versioned key is a one-line change here.
"""

from __future__ import annotations

import re

# rule id -> (default severity, what it protects against)
RULES = {
    # syntax
    "laravel-rejects-file": ("error", "phpdotenv refuses the file, so Laravel stops with \"The environment file is "
                                      "invalid!\" and does not boot"),
    "keys-lost": ("error", "an open double quote makes phpdotenv drop lines without an error; Laravel never sees "
                           "their keys"),
    "bom": ("warning", "phpdotenv strips a byte order mark, but shells and other dotenv readers corrupt the first "
                       "name with it"),
    "crlf": ("warning", "phpdotenv reads CRLF as a line break, but shells and other tools keep a carriage return in "
                        "values"),
    "invalid-key-name": ("error", "a variable name that a .env file cannot carry"),
    "duplicate-key": ("warning", "only the last assignment is used"),
    "undefined-reference": ("warning", "${VAR} naming nothing defined earlier stays literal unless the server's "
                                       "environment sets it"),
    "multiline-value": ("warning", "multi-line values are mangled by many tools"),
    # required and valid
    "required-missing": ("error", "a required variable is missing or empty"),
    "forbidden-key": ("error", "a variable that must not be set is set"),
    "app-env": ("error", "APP_ENV must match the deployment"),
    "app-debug": ("error", "APP_DEBUG=true shows stack traces and secrets to visitors"),
    "app-url-scheme": ("error", "APP_URL without https produces insecure links and cookies"),
    "app-url-invalid": ("error", "APP_URL cannot be parsed"),
    "app-url-local": ("error", "APP_URL points at a local host"),
    "app-key": ("error", "APP_KEY must be base64: and decode to a key the cipher accepts"),
    "db-connection": ("error", "the database must be PostgreSQL (DB_CONNECTION=pgsql or DATABASE_URL)"),
    "database-url-invalid": ("error", "DATABASE_URL cannot be parsed"),
    "invalid-integer": ("error", "the value must be an integer"),
    "invalid-boolean": ("error", "the value must be true or false"),
    "invalid-choice": ("error", "the value is not one Laravel accepts"),
    "queue-sync": ("warning", "QUEUE_CONNECTION=sync runs jobs inside the web request"),
    "mail-mailer": ("warning", "the mailer is missing or does not deliver mail"),
    "sanctum-domain": ("error", "SANCTUM_STATEFUL_DOMAINS must contain APP_URL's host or SPA logins fail"),
    # placeholders
    "placeholder": ("error", "a template placeholder was never replaced"),
    "empty-secret": ("error", "a secret is set but empty"),
    # Laravel version
    "deprecated-key": ("warning", "the running Laravel version reads a newer name; this key is ignored"),
    "unsupported-key": ("warning", "the running Laravel version does not read this key yet"),
    "laravel-version-unknown": ("info", "version-specific key checks were skipped"),
    # redis
    "redis-connection": ("error", "a redis driver needs REDIS_HOST and REDIS_PORT"),
    "redis-client": ("error", "REDIS_CLIENT must be phpredis or predis"),
    "redis-db-collision": ("error", "two Redis roles share a database number"),
    # features and backups
    "feature-ai-config": ("error", "FEATURE_MCP_AI_TOOLS=true needs AI_PROVIDER and a real key"),
    "feature-mocked-data": ("error", "mocked partner data must be off in production"),
    "backup-credentials": ("error", "AWS_BACKUP_BUCKET needs S3 credentials and a region"),
    # hardening
    "session-encrypt": ("warning", "session payloads are stored unencrypted; a database or Redis reader sees them"),
    "trusted-proxies-wildcard": ("warning", "TRUSTED_PROXIES=* trusts X-Forwarded-* from any client (spoofed IP and "
                                            "scheme); acceptable only behind a proxy that overwrites them"),
    "weak-db-password": ("warning", "a short or low-variety database password can be brute-forced"),
    "mail-encryption": ("warning", "mail credentials and content cross the network unencrypted"),
    # repository (Security Checklist)
    "git-repository": ("error", "app_path must be a git work tree for the repository checks"),
    "env-file-committed": ("error", "an environment file is in the git history; its secrets must be rotated"),
    "gitignore-env": ("error", ".gitignore must keep .env and its variants out of git"),
    "hardcoded-credential": ("error", "a literal credential in app/ or config/ instead of env()"),
    "agpl-files": ("error", "AGPL compliance needs LICENSE and LEGAL_NOTES"),
    "dirty-tree": ("error", "the working tree has uncommitted changes"),
    # drift
    "drift-missing": ("warning", "the reference has a key this environment lacks"),
    "drift-extra": ("info", "this environment has a key the reference lacks"),
    "drift-differs": ("warning", "the key's value differs from the reference"),
}

# Keys whose meaning changed across Laravel versions: key -> (first major that reads it, last major or None,
# the name the other versions read). Sources: laravel/laravel config/*.php per branch.
VERSIONED_KEYS = {
    "MAIL_DRIVER": (None, 6, "MAIL_MAILER"),
    "MAIL_MAILER": (7, None, "MAIL_DRIVER"),
    "CACHE_DRIVER": (None, 10, "CACHE_STORE"),
    "CACHE_STORE": (11, None, "CACHE_DRIVER"),
    "DATABASE_URL": (None, 10, "DB_URL"),
    "DB_URL": (11, None, "DATABASE_URL"),
    "SESSION_ENCRYPT": (11, None, None),
}

SECRET_KEY_PATTERN = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|(^|_)KEY$|_KEY_ID$|API_KEY)")
# Secrets that are legitimately empty (no auth on a private network).
EMPTY_SECRET_ALLOWED = frozenset(["REDIS_PASSWORD", "MAIL_PASSWORD", "MAIL_USERNAME"])

PLACEHOLDER_PATTERNS = [
    re.compile(pattern, re.IGNORECASE) for pattern in (
        r"YOUR[_-].*[_-]HERE",
        r"^YOUR[_-]",
        r"(^|[/@.-])your[-_][a-z0-9-]*(domain|host|app|project)",
        r"(^|[/@.])example\.(com|org|net)(\b|$)",
        r"(^|[^a-z])change[-_ ]?me([^a-z]|$)",
        r"^(xxx+|todo|tbd|fixme|replace[-_]?me|placeholder|secret|password)$",
        r"^<[^>]+>$",
        r"^sk-ant-YOUR",
        r"^AKIA_?YOUR",
    )
]

BOOLEAN_TRUE = frozenset(["true", "(true)", "1", "on", "yes"])
BOOLEAN_FALSE = frozenset(["false", "(false)", "0", "off", "no"])
BOOLEAN_KEYS = ("APP_DEBUG", "SESSION_ENCRYPT", "SESSION_SECURE_COOKIE", "AWS_USE_PATH_STYLE_ENDPOINT")
FEATURE_PREFIX = "FEATURE_"

CHOICES = {
    "SESSION_DRIVER": ("file", "cookie", "database", "apc", "memcached", "redis", "dynamodb", "array"),
    "QUEUE_CONNECTION": ("sync", "database", "beanstalkd", "sqs", "redis", "null", "deferred", "background",
                         "failover"),
    "CACHE_DRIVER": ("apc", "array", "database", "file", "memcached", "redis", "dynamodb", "octane", "null"),
    "CACHE_STORE": ("apc", "array", "database", "file", "memcached", "redis", "dynamodb", "octane", "null",
                    "failover"),
    "MAIL_MAILER": ("smtp", "ses", "ses-v2", "mailgun", "postmark", "resend", "sendmail", "log", "array",
                    "failover", "roundrobin"),
    "DB_CONNECTION": ("pgsql", "mysql", "mariadb", "sqlite", "sqlsrv"),
}
INTEGER_KEYS = ("SESSION_LIFETIME", "DB_PORT", "REDIS_PORT", "MAIL_PORT")

DB_KEYS = ("DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD")
DATABASE_URL_SCHEMES = ("postgres", "postgresql", "pgsql")
# Drivers that can be redis, by key.
REDIS_DRIVER_KEYS = ("CACHE_DRIVER", "CACHE_STORE", "QUEUE_CONNECTION", "SESSION_DRIVER", "BROADCAST_DRIVER",
                     "BROADCAST_CONNECTION")
REDIS_CLIENTS = ("phpredis", "predis")
# The cache DB is flushed by cache:clear, so it must not be shared with any other role.
REDIS_CACHE_DB_KEY = "REDIS_CACHE_DB"
REDIS_DB_PATTERN = re.compile(r"^REDIS(_[A-Z]+)?_DB$")

AI_PROVIDER_KEYS = {
    "claude": ("CLAUDE_API_KEY", "ANTHROPIC_API_KEY"),
    "anthropic": ("ANTHROPIC_API_KEY", "CLAUDE_API_KEY"),
    "openai": ("OPENAI_API_KEY",),
    "gemini": ("GEMINI_API_KEY",),
    "mistral": ("MISTRAL_API_KEY",),
}
BACKUP_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
LOCAL_HOSTS = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1|\[::1\]|mailhog|mailpit|[a-z0-9-]+\.local)$",
                         re.IGNORECASE)
CIPHER_KEY_BYTES = {"aes-128-cbc": 16, "aes-256-cbc": 32, "aes-128-gcm": 16, "aes-256-gcm": 32}
DEFAULT_CIPHER = "aes-256-cbc"
WEAK_PASSWORD_MIN_LENGTH = 16
WEAK_PASSWORD_MIN_CLASSES = 3


def default_severity(rule):
    return RULES[rule][0]


def explanation(rule):
    return RULES[rule][1]
