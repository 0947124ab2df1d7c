"""prepare-app: make the sandbox Laravel app ready (idempotent).

Steps, each logged with its duration:
  1. packages    php-cli, php-pgsql, php-laravel-framework, postgresql (apt-get, only when missing)
  2. postgresql  something listening on 127.0.0.1:5432 (starts or creates the Debian cluster)
  3. database    role "facturino" (password generated once) and database "facturino" owned by it
  4. repos       sandbox/.state/origin.git (bare, "GitHub") and sandbox/.state/app (working clone),
                 built deterministically from sandbox/app + sandbox/scenarios; rebuilt only when
                 that content (or this script) changed
  5. env file    sandbox/.state/app/.env.production (mode 0600, git-ignored by the app)
  6. migrate     base commit migrated and seeded when the database has no migrations table
  7. app.json    sandbox/.state/app.json (mode 0600, written atomically), see sandbox/CONTRACT.md

Only the Python standard library is used. Passwords are never printed.
"""

import argparse
import base64
import fcntl
import hashlib
import io
import json
import os
import secrets
import shutil
import socket
import string
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

# the sandbox's one atomic writer (sandbox/railway/util.py); this script runs by path, so the repo root is added
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from sandbox.railway.util import atomic_write_bytes  # noqa: E402  pylint: disable=wrong-import-position

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[2]
APP_SRC = ROOT / "sandbox" / "app"
SCENARIOS_SRC = ROOT / "sandbox" / "scenarios"
DEFAULT_STATE = ROOT / "sandbox" / ".state"

# One sandbox per checkout: SANDBOX_DB_NAME and RAILWAY_EMULATOR_DOMAIN_PORT let a second checkout
# (a worktree, the version matrix) run its own sandbox beside this one.
DB_NAME = os.environ.get("SANDBOX_DB_NAME") or "facturino"
DB_USER = DB_NAME  # its own role too, so the two sandboxes never reset each other's password
DOMAIN_HOSTPORT = "127.0.0.1:%s" % (os.environ.get("RAILWAY_EMULATOR_DOMAIN_PORT") or "18791")
APP_URL = "http://" + DOMAIN_HOSTPORT
DEFAULT_ADMIN_EMAIL = "admin@facturino.test"
SHARE_PHP_AUTOLOAD = "/usr/share/php/Illuminate/autoload.php"
APT_PACKAGES = ["php-cli", "php-pgsql", "php-laravel-framework", "php-tcpdf"]
TCPDF = "/usr/share/php/tcpdf/tcpdf.php"  # invoice PDFs and the 2FA QR code
SMTP_PORT = int(os.environ.get("SANDBOX_SMTP_PORT") or int(os.environ.get("RAILWAY_EMULATOR_PORT") or "18790") - 1)

T0 = time.monotonic()


class PrepareError(Exception):
    """A failure with a message meant for the operator."""


def log(msg):
    print(f"[prepare-app {time.monotonic() - T0:6.2f}s] {msg}", flush=True)


class Step:
    """Context manager that logs a step and its duration."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.start = time.monotonic()
        log(f"{self.name} ...")
        return self

    def __exit__(self, exc_type, exc, tb):
        took = time.monotonic() - self.start
        if exc_type is None:
            log(f"{self.name}: done in {took:.2f}s")
        return False


def run(cmd, *, cwd=None, env=None, input_text=None, check=True, capture=True, timeout=600):
    """Run a command; on failure raise PrepareError with its output tail."""
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, input=input_text, text=True, timeout=timeout,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None, check=False,
        )
    except FileNotFoundError as exc:
        raise PrepareError(f"command not found: {cmd[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise PrepareError(f"timed out after {timeout}s: {' '.join(cmd[:3])} ...") from exc
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout or "").strip().splitlines()[-25:])
        raise PrepareError(f"`{' '.join(cmd[:4])}` exited {proc.returncode}:\n{tail}")
    return proc


def atomic_write(path, data, mode=0o600):
    atomic_write_bytes(path, data.encode("utf-8"), mode)


def gen_secret(length=32):
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _position in range(length))


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------- 1. packages

def php_ok():
    if not shutil.which("php"):
        return False, "php"
    proc = run(["php", "-r", 'exit(extension_loaded("pdo_pgsql") ? 0 : 1);'], check=False)
    if proc.returncode != 0:
        return False, "pdo_pgsql"
    if not os.path.isfile(SHARE_PHP_AUTOLOAD):
        return False, "php-laravel-framework"
    if not os.path.isfile(TCPDF):
        return False, "php-tcpdf"
    return True, ""


def apt_install(packages):
    if os.geteuid() != 0:
        raise PrepareError(f"missing packages {packages}; run as root or install them: "
                           f"apt-get install -y {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", *packages]  # waits for a concurrent apt
    log(f"  apt-get install -y {' '.join(packages)}")
    if run(cmd, env=env, check=False).returncode != 0:
        log("  install failed; running apt-get update and retrying")
        run(["apt-get", "update", "-q"], env=env)
        run(cmd, env=env)


def ensure_packages(args):
    ok, missing = php_ok()
    if not ok:
        if args.no_install:
            raise PrepareError(f"{missing} is missing and --no-install was given")
        log(f"  {missing} missing")
        apt_install(APT_PACKAGES)
        ok, missing = php_ok()
        if not ok:
            raise PrepareError(f"{missing} still missing after apt-get install")
    if not (shutil.which("psql") and shutil.which("pg_ctlcluster")):
        if args.no_install:
            raise PrepareError("postgresql is missing and --no-install was given")
        apt_install(["postgresql"])
    log(f"  php {run(['php', '-r', 'echo PHP_VERSION;']).stdout.strip()}, "
        f"laravel framework from {SHARE_PHP_AUTOLOAD}, psql present")


# --------------------------------------------------------------------------- 2. postgresql

def ensure_postgres(args):
    host, port = args.pg_host, args.pg_port
    if port_open(host, port):
        log(f"  PostgreSQL already listening on {host}:{port}")
        return
    if os.geteuid() != 0:
        raise PrepareError(f"nothing listens on {host}:{port} and starting the cluster needs root")
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if versions and os.path.isdir(f"/etc/postgresql/{versions[0]}/main"):
        version = versions[0]
    else:
        installed = sorted(os.listdir("/usr/lib/postgresql")) if os.path.isdir("/usr/lib/postgresql") else []
        if not installed:
            raise PrepareError("no PostgreSQL server installed under /usr/lib/postgresql")
        version = versions[0] if versions else installed[-1]
        log(f"  creating cluster {version}/main")
        run(["pg_createcluster", "-p", str(port), version, "main"])
    log(f"  starting cluster {version}/main")
    run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_open(host, port):
            log(f"  PostgreSQL listening on {host}:{port}")
            return
        time.sleep(0.2)
    raise PrepareError(f"PostgreSQL did not start listening on {host}:{port} within 30s "
                       f"(see /var/log/postgresql/postgresql-{version}-main.log)")


class PgAdmin:
    """Runs SQL as the postgres superuser: TCP first, the local socket as postgres as fallback."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.mode = None

    def _cmd(self, mode, db):
        base = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-p", str(self.port), "-d", db]
        if mode == "tcp":
            return base + ["-h", self.host, "-U", "postgres", "-w"]
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + base
        return ["sudo", "-n", "-u", "postgres"] + base

    def _env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["PGCONNECT_TIMEOUT"] = "10"
        if os.environ.get("SANDBOX_PG_ADMIN_PASSWORD"):
            env["PGPASSWORD"] = os.environ["SANDBOX_PG_ADMIN_PASSWORD"]
        return env

    def _pick(self):
        if self.mode:
            return
        errors = []
        for mode in ("tcp", "socket"):
            proc = run(self._cmd(mode, "postgres"), input_text="select 1;", env=self._env(),
                       check=False, timeout=30)
            if proc.returncode == 0:
                self.mode = mode
                log(f"  connected as postgres via {'TCP ' + self.host if mode == 'tcp' else 'local socket'}")
                return
            errors.append(f"{mode}: {(proc.stdout or '').strip()[-300:]}")
        raise PrepareError("cannot connect to PostgreSQL as postgres:\n" + "\n".join(errors))

    def sql(self, text, db="postgres", variables=None):
        self._pick()
        cmd = self._cmd(self.mode, db)
        for key, value in (variables or {}).items():
            cmd += ["-v", f"{key}={value}"]
        # SQL (and the psql variables holding passwords) go through stdin/argv of psql only,
        # never through a shell.
        return run(cmd, input_text=text, env=self._env(), timeout=120).stdout.strip()


ROLE_SQL = r"""
SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"user";
"""

DROP_SQL = r"""
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
CREATE DATABASE :"db" OWNER :"user";
"""


def ensure_database(pg, db_password, reset):
    variables = {"user": DB_USER, "db": DB_NAME, "pw": db_password}
    pg.sql(ROLE_SQL, variables=variables)
    log(f"  role {DB_USER} and database {DB_NAME} present")
    if reset:
        pg.sql(DROP_SQL, variables=variables)
        log(f"  database {DB_NAME} dropped and recreated (--reset-db)")


# --------------------------------------------------------------------------- 4. repos

def keep_source_file(rel):
    """Runtime files that never belong in a commit (the app .gitignore covers them too)."""
    parts = rel.split("/")
    name = parts[-1]
    if any(p in (".git", "node_modules", "__pycache__") for p in parts):
        return False
    if name == ".env" or (name.startswith(".env.") and name != ".env.example"):
        return False
    if parts[0] == "storage" or parts[:2] == ["bootstrap", "cache"]:
        return name == ".gitignore"
    if parts[0] == "vendor":
        return rel == "vendor/autoload.php"
    return True


def source_files(base):
    out = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in (".git", "node_modules", "__pycache__"))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(base).as_posix()
            if keep_source_file(rel) and full.is_file():
                out.append((rel, full))
    return out


def content_hash():
    h = hashlib.sha256()
    h.update(b"prepare-app\0" + SCRIPT.read_bytes())
    for label, base in (("app", APP_SRC), ("scenarios", SCENARIOS_SRC)):
        for rel, full in source_files(base):
            h.update(f"\0{label}/{rel}\0".encode())
            h.update(full.read_bytes())
    return h.hexdigest()


def load_spec():
    try:
        return json.loads((SCENARIOS_SRC / "scenarios.json").read_text())
    except (OSError, ValueError) as exc:
        raise PrepareError(f"cannot read {SCENARIOS_SRC / 'scenarios.json'}: {exc}") from exc


def git_env(home, identity, date):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LC_ALL": "C",
        "TZ": "UTC",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
    }
    if identity:
        env.update({
            "GIT_AUTHOR_NAME": identity["name"], "GIT_AUTHOR_EMAIL": identity["email"],
            "GIT_COMMITTER_NAME": identity["name"], "GIT_COMMITTER_EMAIL": identity["email"],
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        })
    return env


GIT_OPTS = ["-c", "core.autocrlf=false", "-c", "core.fileMode=true", "-c", "commit.gpgsign=false",
            "-c", "tag.gpgsign=false", "-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false"]


def git(args, cwd, env):
    return run(["git", *GIT_OPTS, *args], cwd=cwd, env=env).stdout.strip()


def copy_tree_into(src, dest, executable):
    for rel, full in source_files(src):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(full, target)
        os.chmod(target, 0o755 if rel in executable else 0o644)


def build_repos(state, spec):
    """Build origin.git, the working clone and base-checkout in a temp dir, then swap them in."""
    identity = spec["identity"]
    executable = set(spec.get("executable", []))
    base = spec["base"]
    state.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=str(state)))
    try:
        work = tmp / "work"
        env = git_env(tmp, identity, base["date"])
        run(["git", "init", "-q", "-b", base["branch"], str(work)], env=env)
        copy_tree_into(APP_SRC, work, executable)
        git(["add", "-A"], work, env)
        git(["commit", "-q", "--no-verify", "-m", base["message"]], work, env)
        commits = {base["key"]: git(["rev-parse", "HEAD"], work, env)}
        branches = {base["key"]: base["branch"]}
        tags = {}
        if base.get("tag"):
            tag = base["tag"]
            tenv = git_env(tmp, identity, tag["date"])
            git(["tag", "-a", tag["name"], "-m", tag["message"], commits[base["key"]]], work, tenv)
            tags[tag["name"]] = commits[base["key"]]

        for sc in spec["scenarios"]:
            senv = git_env(tmp, identity, sc["date"])
            git(["checkout", "-q", "-b", sc["branch"], commits[base["key"]]], work, senv)
            overlay = SCENARIOS_SRC / sc["dir"] / "files"
            if not overlay.is_dir() and not sc.get("delete"):
                raise PrepareError(f"scenario {sc['key']}: {overlay} missing")
            if overlay.is_dir():
                copy_tree_into(overlay, work, executable)
            for rel in sc.get("delete", []):
                git(["rm", "-q", "-r", "--", rel], work, senv)
            git(["add", "-A"], work, senv)
            git(["commit", "-q", "--no-verify", "-m", sc["message"]], work, senv)
            commits[sc["key"]] = git(["rev-parse", "HEAD"], work, senv)
            branches[sc["key"]] = sc["branch"]
        git(["checkout", "-q", base["branch"]], work, env)

        final_origin = state / "origin.git"
        origin = tmp / "origin.git"
        plain = git_env(tmp, None, None)
        run(["git", "init", "-q", "--bare", "-b", base["branch"], str(origin)], env=plain)
        git(["push", "-q", str(origin), "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"], work, plain)

        clone = tmp / "app"
        run(["git", *GIT_OPTS, "clone", "-q", str(origin), str(clone)], env=plain)
        git(["remote", "set-url", "origin", str(final_origin)], clone, plain)
        git(["config", "user.name", "Facturino Engineer"], clone, plain)
        git(["config", "user.email", "engineer@facturino.test"], clone, plain)
        for key, branch in branches.items():
            if branch != base["branch"]:
                git(["branch", "-q", "--track", branch, f"origin/{branch}"], clone, plain)

        checkout = tmp / "base-checkout"
        extract_commit(origin, commits[base["key"]], checkout, plain)

        for name in ("origin.git", "app", "base-checkout"):
            dest = state / name
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp / name, dest)
        return commits, branches, tags
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def extract_commit(repo, commit, dest, env):
    """`git archive <commit>` unpacked into dest (a plain tree, no .git)."""
    proc = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
    if proc.returncode != 0:
        raise PrepareError(f"git archive {commit} failed: {proc.stderr.decode(errors='replace')}")
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        if hasattr(tarfile, "tar_filter"):
            tar.extractall(dest, filter="tar")
        else:
            tar.extractall(dest)


def repos_current(state, previous, digest):
    if previous.get("content_hash") != digest:
        return False, "content changed" if previous.get("content_hash") else "no previous build"
    for name in ("origin.git", "app/.git", "base-checkout/artisan"):
        if not (state / name).exists():
            return False, f"{name} missing"
    shas = list((previous.get("commits") or {}).values())
    if len(shas) < 5:
        return False, "commits missing from app.json"
    proc = subprocess.run(["git", "-C", str(state / "origin.git"), "cat-file", "--batch-check"],
                          input="\n".join(shas) + "\n", text=True, capture_output=True, check=False)
    if proc.returncode != 0 or "missing" in proc.stdout:
        return False, "recorded commits missing from origin.git"
    return True, "unchanged"


# --------------------------------------------------------------------------- 5/6. env + migrate

def env_production(info):
    db = info["db"]
    lines = [
        "# Written by sandbox/bin/prepare-app. Not committed (the app .gitignore covers .env.*).",
        "APP_NAME=Facturino",
        "APP_ENV=production",
        "APP_DEBUG=false",
        f"APP_URL={APP_URL}",
        f"APP_KEY={info['app_key']}",
        "",
        "DB_CONNECTION=pgsql",
        f"DB_HOST={db['host']}",
        f"DB_PORT={db['port']}",
        f"DB_DATABASE={db['name']}",
        f"DB_USERNAME={db['user']}",
        f"DB_PASSWORD={db['password']}",
        "",
        "SESSION_DRIVER=database",
        "SESSION_LIFETIME=1440",
        "SESSION_ENCRYPT=false",
        "QUEUE_CONNECTION=database",
        "CACHE_DRIVER=database",
        "",
        "MAIL_MAILER=smtp",
        f"MAIL_HOST={info['smtp']['host']}",
        f"MAIL_PORT={info['smtp']['port']}",
        "MAIL_ENCRYPTION=null",
        "MAIL_FROM_ADDRESS=noreply@facturino.test",
        "MAIL_FROM_NAME=Facturino",
        "",
        f"SANCTUM_STATEFUL_DOMAINS={DOMAIN_HOSTPORT}",
        'TRUSTED_PROXIES="*"',
        "",
    ]
    return "\n".join(lines)


def write_env_file(state, info):
    path = state / "app" / ".env.production"
    content = env_production(info)
    if path.exists() and path.read_text() == content and (path.stat().st_mode & 0o777) == 0o600:
        log(f"  {path} unchanged")
        return path
    atomic_write(path, content, 0o600)
    log(f"  wrote {path} (0600)")
    return path


def artisan_env(info):
    db = info["db"]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "APP_DEBUG": "false",
        "APP_KEY": info["app_key"],
        "APP_URL": APP_URL,
        "DB_CONNECTION": "pgsql",
        "DB_HOST": db["host"],
        "DB_PORT": str(db["port"]),
        "DB_DATABASE": db["name"],
        "DB_USERNAME": db["user"],
        "DB_PASSWORD": db["password"],
        "CACHE_DRIVER": "database",
        "SESSION_DRIVER": "database",
        "QUEUE_CONNECTION": "database",
        "MAIL_MAILER": "smtp",
        "MAIL_HOST": info["smtp"]["host"],
        "MAIL_PORT": str(info["smtp"]["port"]),
        "MAIL_ENCRYPTION": "null",
        "SANDBOX_ADMIN_EMAIL": info["admin_email"],
        "SANDBOX_ADMIN_PASSWORD": info["admin_password"],
    }


def migrate_base(pg, state, info, reset):
    exists = pg.sql("SELECT to_regclass('public.migrations') IS NOT NULL;", db=DB_NAME) == "t"
    need_migrate = reset or not exists
    need_seed = need_migrate
    if not need_migrate:
        has_users = pg.sql("SELECT to_regclass('public.users') IS NOT NULL;", db=DB_NAME) == "t"
        admin = pg.sql("SELECT count(*) FROM users WHERE email = :'email';", db=DB_NAME,
                       variables={"email": info["admin_email"]}) if has_users else "0"
        need_seed = admin == "0"
        if not need_seed:
            log("  migrations table present and admin seeded: leaving the database alone")
            return
    checkout = state / "base-checkout"
    env = artisan_env(info)
    if need_migrate:
        out = run(["php", "artisan", "migrate", "--force", "--no-interaction"], cwd=checkout, env=env,
                  timeout=300).stdout
        for line in out.strip().splitlines():
            log(f"  | {line}")
    out = run(["php", "artisan", "db:seed", "--force", "--no-interaction"], cwd=checkout, env=env,
              timeout=300).stdout
    for line in out.strip().splitlines():
        log(f"  | {line}")


# --------------------------------------------------------------------------- main

def load_previous(state):
    path = state / "app.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except ValueError:
        log(f"  {path} is not valid JSON; starting over")
        return {}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="prepare-app",
        description="Prepare the sandbox Laravel app: packages, PostgreSQL, role+db, the app git repos "
                    "(origin.git + working clone with main/release/broken branches), .env.production, "
                    "base migrated+seeded, and sandbox/.state/app.json. Idempotent; a warm run changes nothing.",
        epilog="Environment: SANDBOX_ADMIN_EMAIL / SANDBOX_ADMIN_PASSWORD choose the seeded admin on first run "
               "(the password is otherwise generated once and kept in app.json); SANDBOX_PG_ADMIN_PASSWORD is "
               "used if the postgres superuser needs a password over TCP. Exit status 0 on success, 1 on failure.",
    )
    parser.add_argument("--reset-db", action="store_true",
                        help="terminate connections, drop and recreate the facturino database, migrate and seed "
                             "the base commit again")
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild origin.git and the working clone even if the content did not change "
                             "(drops tags and branches pushed since)")
    parser.add_argument("--repos-only", action="store_true",
                        help="only build the git repos (no packages, database, env file or migrations)")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get; fail if packages are missing")
    parser.add_argument("--state-dir", default=os.environ.get("SANDBOX_STATE_DIR", str(DEFAULT_STATE)),
                        help="generated state directory (default: sandbox/.state)")
    parser.add_argument("--pg-host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("SANDBOX_PG_PORT", "5432")),
                        help="PostgreSQL port (default 5432)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    state = Path(args.state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    lock_fh = open(state / ".prepare-app.lock", "w")
    fcntl.flock(lock_fh, fcntl.LOCK_EX)
    log(f"state dir {state}")

    previous = load_previous(state)
    # A new state directory (a fresh clone beside a database an earlier sandbox left) starts from a clean database:
    # its generated passwords and commits match nothing in the old one.
    reset_db = args.reset_db or not previous
    db_prev = previous.get("db") or {}
    info = {
        "app_repo": str(state / "app"),
        "origin_repo": str(state / "origin.git"),
        "base_checkout": str(state / "base-checkout"),
        "env_file": str(state / "app" / ".env.production"),
        "commits": previous.get("commits") or {},
        "branches": previous.get("branches") or {},
        "tags": previous.get("tags") or {},
        "db": {
            "host": args.pg_host,
            "port": args.pg_port,
            "name": DB_NAME,
            "user": DB_USER,
            "password": db_prev.get("password") or gen_secret(32),
        },
        "smtp": {"host": "127.0.0.1", "port": SMTP_PORT, "maildir": str(state / "mail")},
        "app_key": previous.get("app_key") or "base64:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "admin_email": previous.get("admin_email") or os.environ.get("SANDBOX_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL,
        "admin_password": previous.get("admin_password") or os.environ.get("SANDBOX_ADMIN_PASSWORD")
        or gen_secret(20),
    }
    db = info["db"]
    info["database_url"] = (f"postgresql://{db['user']}:{db['password']}@{db['host']}:{db['port']}/{db['name']}")

    pg = None
    if not args.repos_only:
        with Step("1/7 packages"):
            ensure_packages(args)
        with Step("2/7 postgresql"):
            ensure_postgres(args)
        with Step("3/7 role and database"):
            pg = PgAdmin(args.pg_host, args.pg_port)
            ensure_database(pg, db["password"], reset_db)

    with Step("4/7 git repos"):
        spec = load_spec()
        digest = content_hash()
        current, why = repos_current(state, previous, digest)
        if current and not args.rebuild:
            log(f"  origin.git and app unchanged (content {digest[:12]})")
        else:
            log(f"  building repos ({'--rebuild' if args.rebuild else why})")
            info["commits"], info["branches"], info["tags"] = build_repos(state, spec)
            for key, sha in info["commits"].items():
                log(f"  {info['branches'][key]:<24} {sha}  ({key})")
        info["content_hash"] = digest

    if not args.repos_only:
        with Step("5/7 .env.production"):
            write_env_file(state, info)
        with Step("6/7 migrate + seed base"):
            # Persist secrets before touching the database so a failure never orphans them.
            atomic_write(state / "app.json", json.dumps(info, indent=2, sort_keys=True) + "\n", 0o600)
            migrate_base(pg, state, info, reset_db)

    with Step("7/7 app.json"):
        atomic_write(state / "app.json", json.dumps(info, indent=2, sort_keys=True) + "\n", 0o600)
        log(f"  wrote {state / 'app.json'} (0600)")

    safe_url = info["database_url"].replace(f":{db['password']}@", ":***@")
    print(f"prepare-app: ready in {time.monotonic() - T0:.2f}s")
    print(f"  origin repo   {info['origin_repo']}")
    print(f"  working clone {info['app_repo']}")
    order = ["base", "migration", "lint_broken", "health_500", "migration_fails", "invoice_pdf_broken"]
    for key in sorted(info["commits"], key=lambda k: order.index(k) if k in order else len(order)):
        print(f"  {info['branches'].get(key, key):<24} {info['commits'][key]}  {key}")
    if not args.repos_only:
        print(f"  database      {safe_url}")
        print(f"  admin         {info['admin_email']} (password in app.json)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PrepareError as exc:
        print(f"prepare-app: ERROR: {exc}", file=sys.stderr)
        sys.exit(1)
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as exc:
        print(f"prepare-app: ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("prepare-app: interrupted", file=sys.stderr)
        sys.exit(130)
