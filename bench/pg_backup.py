#!/usr/bin/env python
"""Benchmark pg_backup against bare pg_dump/pg_restore/psql on an ~800 MB throwaway database (not a test).

Usage: source .venv/bin/activate && python bench/pg_backup.py [--rows 3000000] [--keep-db]
Needs PostgreSQL on PGHOST/PGPORT (default 127.0.0.1:5432, user postgres). Creates fr_pgb_bench_<hex>, drops it after.
The module runs as Ansible runs it (separate process), so its figures include module start-up.
"""

import argparse
import binascii
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from tests.support.modules import run_module  # noqa: E402  pylint: disable=wrong-import-position

HOST = os.environ.get("PGHOST", "127.0.0.1")
PORT = os.environ.get("PGPORT", "5432")
USER = os.environ.get("PGUSER", "postgres")

SCHEMA = """
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text, vat_number text, city text,
                        country char(2) DEFAULT 'MK', created_at timestamptz DEFAULT now());
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),
                       number text NOT NULL UNIQUE, issued_on date NOT NULL, due_on date, status text NOT NULL,
                       currency char(3) NOT NULL DEFAULT 'MKD', subtotal numeric(14,2), tax numeric(14,2),
                       total numeric(14,2), notes text, created_at timestamptz, updated_at timestamptz);
INSERT INTO customers (name, email, vat_number, city)
SELECT 'Клиент ' || g || ' ДООЕЛ', 'client' || g || '@example.mk', 'MK40' || lpad(g::text, 9, '0'),
       (ARRAY['Скопје','Битола','Охрид','Тетово','Куманово'])[1 + g %% 5]
FROM generate_series(1, %(customers)d) g;
INSERT INTO invoices (customer_id, number, issued_on, due_on, status, subtotal, tax, total, notes, created_at, updated_at)
SELECT 1 + (g::bigint * 7919) %% %(customers)d, 'INV-' || lpad(g::text, 9, '0'), date '2020-01-01' + (g %% 2000),
       date '2020-01-31' + (g %% 2000), (ARRAY['draft','sent','paid','overdue'])[1 + g %% 4],
       s, round(s * 0.18, 2), round(s * 1.18, 2),
       CASE WHEN g %% 3 = 0 THEN NULL ELSE 'Услуги по договор ' || (g %% 977) || ': ' || md5(g::text) || ' ' || repeat('ставка ', 1 + g %% 5) END,
       timestamptz '2020-01-01' + g * interval '37 seconds', timestamptz '2020-01-01' + g * interval '41 seconds'
FROM (SELECT g, round((random() * 100000)::numeric, 2) AS s FROM generate_series(1, %(invoices)d) g) x;
CREATE INDEX ON invoices (customer_id);
CREATE INDEX ON invoices (issued_on);
CREATE INDEX ON invoices (status);
ANALYZE;
"""


def psql(dbname, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", PORT, "-U", USER, "-d", dbname, "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def scalar(dbname, sql):
    return subprocess.run(["psql", "-X", "-At", "-h", HOST, "-p", PORT, "-U", USER, "-d", dbname, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def timed(argv, **kwargs):
    started = time.monotonic()
    subprocess.run(argv, check=True, stdout=kwargs.pop("stdout", subprocess.DEVNULL), **kwargs)
    return time.monotonic() - started


def module(args):
    started = time.monotonic()
    result = run_module("pg_backup", args)
    elapsed = time.monotonic() - started
    if result.failed:
        raise SystemExit("pg_backup failed: %s" % result.get("msg"))
    return elapsed, result


def median(values):
    return sorted(values)[len(values) // 2]


def size(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, n)) for n in os.listdir(path))
    return os.path.getsize(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3000000)
    parser.add_argument("--customers", type=int, default=200000)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the generated database")
    parser.add_argument("--db", help="reuse this already generated database (never dropped)")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved bare/module pairs (median reported)")
    opts = parser.parse_args()
    suffix = binascii.hexlify(os.urandom(3)).decode()
    db, target = opts.db or "fr_pgb_bench_" + suffix, "fr_pgb_bench_r_" + suffix
    work = tempfile.mkdtemp(prefix="pgb_bench_")
    conn = {"host": HOST, "port": int(PORT), "user": USER}
    rows = []

    def row(name, seconds, nbytes=None, note=""):
        rows.append((name, seconds, nbytes, note))
        print("%-52s %8.2f s %10s %s" % (name, seconds, "%.1f MB" % (nbytes / 1e6) if nbytes else "-", note), flush=True)

    try:
        started = time.monotonic()
        if not opts.db:
            psql("postgres", "CREATE DATABASE %s" % db)
            psql(db, SCHEMA % {"customers": opts.customers, "invoices": opts.rows})
        db_size = scalar(db, "SELECT pg_size_pretty(pg_database_size(current_database()))")
        print("generated %s: %s in %.0f s" % (db, db_size, time.monotonic() - started), flush=True)
        if opts.generate_only:
            return
        env = dict(os.environ, PGHOST=HOST, PGPORT=PORT, PGUSER=USER)
        base = ["pg_dump", "-d", db]
        t = {}
        # interleave bare and module runs; keep the best of two for each
        for rnd in range(opts.rounds):
            out = os.path.join(work, "bare_z1.dump")
            t.setdefault("bare_z1", []).append(timed(base + ["-Fc", "-Z1", "-f", out], env=env))
            t["bare_z1_size"] = size(out)
            os.unlink(out)
            elapsed, res = module(dict(conn, dbname=db, state="dumped", dest=os.path.join(work, "m"), label="r%d" % rnd,
                                       compression=1))
            t.setdefault("mod_z1", []).append(elapsed)
            t["mod_path"], t["mod_size"] = res["dump_path"], res["size_bytes"]
            # the module's own cost beyond pg_dump: robust to other load on the machine
            t.setdefault("dump_overhead", []).append(elapsed - res["manifest"]["timings"]["pg_dump_s"])
            timings = res["manifest"]["timings"]
            print("  round %d: bare %.2f s, module %.2f s, inside: %s" % (rnd, t["bare_z1"][-1], elapsed, timings),
                  flush=True)
        row("pg_dump -Fc -Z1 (bare, median)", median(t["bare_z1"]), t["bare_z1_size"])
        row("pg_backup dumped (custom, Z1 default, +manifest+verify)", median(t["mod_z1"]), t["mod_size"])
        out = os.path.join(work, "bare_z6.dump")
        row("pg_dump -Fc (default gzip 6)", timed(base + ["-Fc", "-f", out], env=env), size(out))
        elapsed, res6 = module(dict(conn, dbname=db, state="dumped", dest=os.path.join(work, "m6"), label="z6", compression=6))
        row("pg_backup dumped compression=6", elapsed, res6["size_bytes"])
        t_z6_bare, t_z6_mod = rows[-2][1], rows[-1][1]
        out0 = os.path.join(work, "bare_z0.dump")
        row("pg_dump -Fc -Z0", timed(base + ["-Fc", "-Z0", "-f", out0], env=env), size(out0))
        os.unlink(out0)
        plain = os.path.join(work, "plain.sql")
        with open(plain, "wb") as handle:
            t_plain = timed(base, env=env, stdout=handle)
        row("plain pg_dump > .sql", t_plain, size(plain))
        elapsed = module(dict(conn, dbname=db, state="verified", path=t["mod_path"]))[0]
        row("pg_backup verified (no restore test)", elapsed)
        t_verify = elapsed
        # restores: bare pg_restore (same flags the module uses) vs module, each into a fresh database
        restores = {}
        for rnd in range(opts.rounds):
            psql("postgres", "DROP DATABASE IF EXISTS %s" % target)
            psql("postgres", "CREATE DATABASE %s" % target)
            restores.setdefault("bare", []).append(timed(["pg_restore", "--exit-on-error", "--single-transaction", "-d", target,
                                                          t["mod_path"]], env=env))
            psql("postgres", "DROP DATABASE %s" % target)
            psql("postgres", "CREATE DATABASE %s" % target)
            elapsed, res_r = module(dict(conn, dbname=target, state="restored", path=t["mod_path"]))
            inside = (res_r["restore_duration_ms"] / 1000.0, res_r["row_counts_s"])
            print("  module restore: pg_restore %.2f s, row counts %.2f s" % inside, flush=True)
            restores.setdefault("mod", []).append(elapsed)
            restores.setdefault("overhead", []).append(elapsed - res_r["restore_duration_ms"] / 1000.0)
        row("pg_restore --single-transaction (bare, median)", median(restores["bare"]))
        row("pg_backup restored (+checksum, row-count proof)", median(restores["mod"]))
        psql("postgres", "DROP DATABASE %s" % target)
        psql("postgres", "CREATE DATABASE %s" % target)
        row("pg_restore -j2 (bare)", timed(["pg_restore", "-j2", "-d", target, t["mod_path"]], env=env))
        psql("postgres", "DROP DATABASE %s" % target)
        psql("postgres", "CREATE DATABASE %s" % target)
        row("psql < plain.sql", timed(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target, "-f", plain], env=env))
        print()
        print("ratios (targets in brackets):")
        bare_dump, bare_restore = median(t["bare_z1"]), median(restores["bare"])
        print("  dumped / bare pg_dump, same format+Z1      %.3f  [<= 1.10]" % (median(t["mod_z1"]) / bare_dump))
        extra = median(t["dump_overhead"])
        print("    from the module's own overhead (%.2f s)   %.3f" % (extra, (bare_dump + extra) / bare_dump))
        print("  dumped / bare pg_dump, Z6                  %.3f  [<= 1.10]" % (t_z6_mod / t_z6_bare))
        print("  default dumped+verify / plain pg_dump time %.3f  [<= 2.0]" % (median(t["mod_z1"]) / t_plain))
        print("  default dump size / plain SQL size         %.3f  [<= 0.30]" % (t["mod_size"] / size(plain)))
        print("  verified / dumped time                     %.3f  [<= 0.05]" % (t_verify / median(t["mod_z1"])))
        print("  restored / bare pg_restore                 %.3f  [<= 1.15]" % (median(restores["mod"]) / bare_restore))
        extra = median(restores["overhead"])
        print("    from the module's own overhead (%.2f s)   %.3f" % (extra, (bare_restore + extra) / bare_restore))
    finally:
        for name in (target, db):
            if (opts.keep_db or opts.db) and name == db:
                continue
            subprocess.run(["psql", "-X", "-q", "-h", HOST, "-p", PORT, "-U", USER, "-d", "postgres", "-c",
                            "DROP DATABASE IF EXISTS %s" % name], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
