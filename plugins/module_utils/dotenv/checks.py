# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Content checks over a parsed :class:`Document`. Each check yields findings at the rule's default severity.

Values are read with ``document.raw()`` to evaluate a rule and never reach a message.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

from ansible_collections.facturino.release.plugins.module_utils.dotenv import rules as R
from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import Finding
from ansible_collections.facturino.release.plugins.module_utils.dotenv.profiles import profile


class Context:
    """What the checks need besides the document."""

    def __init__(self, document, profile_name="production", laravel_major=None, required=(), forbidden=(),
                 app_reads=None):
        self.document = document
        self.profile_name = profile_name
        self.profile = profile(profile_name)
        self.laravel_major = laravel_major
        self.required = tuple(required)
        self.forbidden = tuple(forbidden)
        self.app_reads = app_reads  # env() names read by the app's config/*.php, or None

    def finding(self, rule, key, message, line=None):
        if line is None and key is not None:
            line = self.document.line(key)
        return Finding(rule, key, line, R.default_severity(rule), message)


def run_all(context):
    findings = [context.finding(rule, key, message, line) for rule, key, line, message in context.document.issues]
    for check in CHECKS:
        findings.extend(check(context))
    return findings


def _is_true(value):
    return value is not None and value.strip().lower() in R.BOOLEAN_TRUE


def _is_false(value):
    return value is not None and value.strip().lower() in R.BOOLEAN_FALSE


def _is_empty(value):
    return value is None or value.strip() == "" or value.strip().lower() in ("null", "(null)", "empty", "(empty)")


def _url_host(value):
    try:
        parts = urlsplit(value)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None, None, None


def is_placeholder(value):
    return any(pattern.search(value) for pattern in R.PLACEHOLDER_PATTERNS)


def check_required(ctx):
    doc = ctx.document
    for key in ctx.profile["required"] + ctx.required:
        if not doc.has(key):
            state = "empty" if key in doc.values else "missing"
            yield ctx.finding("required-missing", key, "%s is %s (required by the %s profile)"
                              % (key, state, ctx.profile_name if key not in ctx.required else "task's 'required'"))
    for key in ctx.forbidden:
        if key in doc.values:
            yield ctx.finding("forbidden-key", key, "%s must not be set (listed in 'forbidden')" % key)


def check_app(ctx):
    doc = ctx.document
    accepted = ctx.profile["app_env"]
    if accepted and doc.has("APP_ENV") and doc.raw("APP_ENV") not in accepted:
        yield ctx.finding("app-env", "APP_ENV", "APP_ENV must be %s for the %s profile"
                          % (" or ".join(repr(v) for v in accepted), ctx.profile_name))
    if _is_true(doc.raw("APP_DEBUG")):
        yield ctx.finding("app-debug", "APP_DEBUG", "APP_DEBUG is true: error pages show stack traces, "
                          "environment and secrets to visitors")
    if doc.has("APP_URL"):
        scheme, host, _port = _url_host(doc.raw("APP_URL"))
        if not scheme or not host:
            yield ctx.finding("app-url-invalid", "APP_URL", "APP_URL is not an absolute URL with a host")
        else:
            if scheme != "https":
                yield ctx.finding("app-url-scheme", "APP_URL", "APP_URL does not use https: generated links, "
                                  "redirects and secure cookies break or leak over plain HTTP")
            if R.LOCAL_HOSTS.match(host):
                yield ctx.finding("app-url-local", "APP_URL", "APP_URL points at a local host")
    yield from _check_app_key(ctx)


def _check_app_key(ctx):
    doc = ctx.document
    if not doc.has("APP_KEY"):
        return
    value = doc.raw("APP_KEY")
    cipher = (doc.raw("APP_CIPHER") or R.DEFAULT_CIPHER).lower()
    if cipher not in R.CIPHER_KEY_BYTES:
        yield ctx.finding("invalid-choice", "APP_CIPHER", "APP_CIPHER is not one of %s" % ", ".join(R.CIPHER_KEY_BYTES))
        return
    if is_placeholder(value):
        return  # reported by the placeholder check
    if not value.startswith("base64:"):
        yield ctx.finding("app-key", "APP_KEY", "APP_KEY does not start with 'base64:'; generate one with "
                          "'php artisan key:generate --show'")
        return
    try:
        key_bytes = len(base64.b64decode(value[len("base64:"):], validate=True))
    except (binascii.Error, ValueError):
        yield ctx.finding("app-key", "APP_KEY", "APP_KEY is not valid base64")
        return
    if key_bytes != R.CIPHER_KEY_BYTES[cipher]:
        yield ctx.finding("app-key", "APP_KEY", "APP_KEY decodes to a key of the wrong length for %s (needs %d bytes)"
                          % (cipher.upper(), R.CIPHER_KEY_BYTES[cipher]))


def check_database(ctx):
    doc = ctx.document
    for url_key in ("DATABASE_URL", "DB_URL"):
        if doc.has(url_key):
            scheme, host, _port = _url_host(doc.raw(url_key))
            path = urlsplit(doc.raw(url_key)).path.strip("/") if scheme else ""
            if scheme not in R.DATABASE_URL_SCHEMES or not host or not path:
                yield ctx.finding("database-url-invalid", url_key, "%s is not a postgres://user:password@host:port/"
                                  "database URL" % url_key)
            else:
                return  # a usable URL replaces DB_*
    if doc.raw("DB_CONNECTION", "") != "pgsql":
        state = "not pgsql" if doc.has("DB_CONNECTION") else "missing"
        yield ctx.finding("db-connection", "DB_CONNECTION", "DB_CONNECTION is %s and no DATABASE_URL is set; "
                          "Facturino needs PostgreSQL" % state)
        return
    for key in R.DB_KEYS:
        if not doc.has(key) and not (key == "DB_PASSWORD" and key in doc.values):
            yield ctx.finding("required-missing", key, "%s is missing (needed with DB_CONNECTION=pgsql and no "
                              "DATABASE_URL)" % key)


def check_types(ctx):
    doc = ctx.document
    for key in R.INTEGER_KEYS:
        if doc.has(key) and not re.match(r"^\d+$", doc.raw(key)):
            yield ctx.finding("invalid-integer", key, "%s must be an integer" % key)
    for key, choices in R.CHOICES.items():
        if doc.has(key) and doc.raw(key) not in choices:
            yield ctx.finding("invalid-choice", key, "%s must be one of: %s" % (key, ", ".join(choices)))
    for key in doc.keys():
        if (key in R.BOOLEAN_KEYS or key.startswith(R.FEATURE_PREFIX)) and doc.has(key):
            if not (_is_true(doc.raw(key)) or _is_false(doc.raw(key))):
                yield ctx.finding("invalid-boolean", key, "%s must be true or false" % key)
    if doc.raw("QUEUE_CONNECTION") == "sync":
        yield ctx.finding("queue-sync", "QUEUE_CONNECTION", "QUEUE_CONNECTION=sync runs every job inside the "
                          "web request: slow responses and lost retries")


def check_mail(ctx):
    doc = ctx.document
    mailer_key = "MAIL_DRIVER" if ctx.laravel_major is not None and ctx.laravel_major < 7 else "MAIL_MAILER"
    mailer = doc.raw(mailer_key)
    if not mailer:
        yield ctx.finding("mail-mailer", mailer_key, "%s is not set: Laravel falls back to its config default and "
                          "notifications may not be delivered" % mailer_key, line=doc.line(mailer_key))
        mailer = "smtp"
    elif mailer in ("log", "array"):
        yield ctx.finding("mail-mailer", mailer_key, "%s does not deliver mail: notifications are only logged or "
                          "discarded" % mailer_key)
    if mailer == "smtp":
        for key in ("MAIL_HOST", "MAIL_PORT"):
            if not doc.has(key):
                yield ctx.finding("required-missing", key, "%s is missing (the smtp mailer needs it)" % key)
        host = (doc.raw("MAIL_HOST") or "").lower()
        if host and not R.LOCAL_HOSTS.match(host) and _is_empty(doc.raw("MAIL_ENCRYPTION")):
            yield ctx.finding("mail-encryption", "MAIL_ENCRYPTION", "MAIL_ENCRYPTION is empty or null for a remote "
                              "mail host: SMTP credentials and mail content cross the network unencrypted")


def check_sanctum(ctx):
    doc = ctx.document
    if not doc.has("APP_URL"):
        return
    _scheme, host, port = _url_host(doc.raw("APP_URL"))
    if not host:
        return
    if not doc.has("SANCTUM_STATEFUL_DOMAINS"):
        yield ctx.finding("sanctum-domain", "SANCTUM_STATEFUL_DOMAINS", "SANCTUM_STATEFUL_DOMAINS is not set; it "
                          "must list APP_URL's host for cookie-based SPA authentication")
        return
    wanted = set([host] + (["%s:%s" % (host, port)] if port else []))
    domains = set(item.strip().lower() for item in doc.raw("SANCTUM_STATEFUL_DOMAINS").split(","))
    if not wanted & domains:
        yield ctx.finding("sanctum-domain", "SANCTUM_STATEFUL_DOMAINS", "SANCTUM_STATEFUL_DOMAINS does not list "
                          "APP_URL's host")


def check_placeholders(ctx):
    doc = ctx.document
    for key in doc.keys():
        value = doc.raw(key)
        if value and is_placeholder(value):
            yield ctx.finding("placeholder", key, "%s still holds a template placeholder" % key)
        elif (R.SECRET_KEY_PATTERN.search(key) and key not in R.EMPTY_SECRET_ALLOWED and key != "APP_KEY"
              and _is_empty(value)):
            yield ctx.finding("empty-secret", key, "%s is a secret but it is empty" % key)


def check_versioned_keys(ctx):
    doc = ctx.document
    used = [key for key in R.VERSIONED_KEYS if key in doc.values]
    if ctx.laravel_major is None:
        if used:
            yield ctx.finding("laravel-version-unknown", None, "Laravel version unknown: not checking whether %s "
                              "are read (pass laravel_version or app_path)" % ", ".join(used))
        return
    for key in used:
        since, until, other = R.VERSIONED_KEYS[key]
        if ctx.app_reads is not None and key in ctx.app_reads:
            continue  # the app's own config reads it
        if until is not None and ctx.laravel_major > until:
            yield ctx.finding("deprecated-key", key, "Laravel %d ignores %s (replaced by %s)"
                              % (ctx.laravel_major, key, other))
        elif since is not None and ctx.laravel_major < since:
            hint = "; it reads %s" % other if other else ""
            yield ctx.finding("unsupported-key", key, "Laravel %d does not read %s (introduced in %d)%s"
                              % (ctx.laravel_major, key, since, hint))


def check_redis(ctx):
    doc = ctx.document
    drivers = [key for key in R.REDIS_DRIVER_KEYS if doc.raw(key) == "redis"]
    if drivers and not doc.has("REDIS_URL"):
        for key in ("REDIS_HOST", "REDIS_PORT"):
            if not doc.has(key):
                yield ctx.finding("redis-connection", key, "%s is missing but %s use redis" % (key, ", ".join(drivers)))
    if doc.has("REDIS_CLIENT") and doc.raw("REDIS_CLIENT") not in R.REDIS_CLIENTS:
        yield ctx.finding("redis-client", "REDIS_CLIENT", "REDIS_CLIENT must be phpredis or predis")
    numbers = {}
    for key in doc.keys():
        if R.REDIS_DB_PATTERN.match(key) and doc.has(key):
            if re.match(r"^\d+$", doc.raw(key)):
                numbers[key] = int(doc.raw(key))
            else:
                yield ctx.finding("invalid-integer", key, "%s must be a database number" % key)
    cache_db = numbers.get(R.REDIS_CACHE_DB_KEY)
    for key in sorted(numbers):
        if key != R.REDIS_CACHE_DB_KEY and cache_db is not None and numbers[key] == cache_db:
            yield ctx.finding("redis-db-collision", R.REDIS_CACHE_DB_KEY, "%s and %s use the same database: "
                              "cache:clear flushes it and wipes the other" % (R.REDIS_CACHE_DB_KEY, key))
    others = sorted(key for key in numbers if key != R.REDIS_CACHE_DB_KEY)
    for index, key in enumerate(others):
        for later in others[index + 1:]:
            if numbers[key] == numbers[later]:
                finding = ctx.finding("redis-db-collision", later, "%s and %s use the same database" % (key, later))
                yield finding.with_severity("warning")


def check_features(ctx):
    doc = ctx.document
    if _is_true(doc.raw("FEATURE_MCP_AI_TOOLS")):
        provider = (doc.raw("AI_PROVIDER") or "").lower()
        if not provider:
            yield ctx.finding("feature-ai-config", "AI_PROVIDER", "FEATURE_MCP_AI_TOOLS is true but AI_PROVIDER "
                              "is not set")
        else:
            keys = R.AI_PROVIDER_KEYS.get(provider, ("%s_API_KEY" % provider.upper(),))
            real = [key for key in keys if doc.has(key) and not is_placeholder(doc.raw(key))]
            if not real:
                yield ctx.finding("feature-ai-config", keys[0], "FEATURE_MCP_AI_TOOLS is true but %s holds no "
                                  "real key" % " / ".join(keys))
    if _is_true(doc.raw("FEATURE_PARTNER_MOCKED_DATA")):
        yield ctx.finding("feature-mocked-data", "FEATURE_PARTNER_MOCKED_DATA", "FEATURE_PARTNER_MOCKED_DATA is "
                          "true: partners see mocked data instead of real data")


def check_backups(ctx):
    doc = ctx.document
    if doc.has("AWS_BACKUP_BUCKET"):
        for key in R.BACKUP_KEYS:
            if not doc.has(key):
                yield ctx.finding("backup-credentials", key, "%s is missing but AWS_BACKUP_BUCKET is set" % key)


def check_hardening(ctx):
    doc = ctx.document
    if _is_false(doc.raw("SESSION_ENCRYPT")):
        yield ctx.finding("session-encrypt", "SESSION_ENCRYPT", "SESSION_ENCRYPT is false: " + R.explanation(
            "session-encrypt"))
    if doc.raw("TRUSTED_PROXIES") == "*":
        yield ctx.finding("trusted-proxies-wildcard", "TRUSTED_PROXIES", R.explanation("trusted-proxies-wildcard"))
    password = doc.raw("DB_PASSWORD")
    if password and not is_placeholder(password):
        classes = sum(1 for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]") if re.search(pattern, password))
        if len(password) < R.WEAK_PASSWORD_MIN_LENGTH or classes < R.WEAK_PASSWORD_MIN_CLASSES:
            yield ctx.finding("weak-db-password", "DB_PASSWORD", "DB_PASSWORD is weak: use at least %d characters "
                              "from at least %d of lower case, upper case, digits and symbols"
                              % (R.WEAK_PASSWORD_MIN_LENGTH, R.WEAK_PASSWORD_MIN_CLASSES))


CHECKS = (check_required, check_app, check_database, check_types, check_mail, check_sanctum, check_placeholders,
          check_versioned_keys, check_redis, check_features, check_backups, check_hardening)
