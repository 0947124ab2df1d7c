#!/usr/bin/env python
"""Benchmark pg_backup against bare pg_dump/pg_restore/psql on an ~800 MB throwaway database (not a test).

Usage: source .venv/bin/activate && python bench/pg_backup.py [--rows 2700000] [--customers 200000] [--keep-db]
Needs PostgreSQL on PGHOST/PGPORT (default 127.0.0.1:5432, user postgres). Creates fr_pgb_bench_<hex>, drops it after.
The default 2.7 M invoices + 200 k customers make about 840 MB with indexes (realistic invoice rows are wider
than the 3 M random-hex rows of earlier runs, so fewer of them fill the same ~800 MB).
The module runs as Ansible runs it (separate process), so its figures include module start-up.
"""

import argparse
import binascii
import datetime
import os
import random
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

# Realistic invoicing data (not random bytes): customers and invoices as an invoicing app keeps them - company names,
# addresses, VAT numbers, service lines from a price list billed per month or per unit, amounts = quantity x price
# (+ VAT), status mostly "paid" for old invoices, Cyrillic text (some Latin/Greek for export customers), NULLs where
# a real row has nothing. Rows come from random.Random(SEED): every run generates the same database.
DDL = """
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, contact_name text, email text, phone text,
                        vat_number text, address text, city text, postal_code text, country char(2) NOT NULL DEFAULT 'MK',
                        currency char(3) NOT NULL DEFAULT 'MKD', payment_terms int NOT NULL DEFAULT 15,
                        created_at timestamptz NOT NULL, updated_at timestamptz);
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),
                       number text NOT NULL UNIQUE, reference text, issued_on date NOT NULL, due_on date,
                       status text NOT NULL, currency char(3) NOT NULL DEFAULT 'MKD', subtotal numeric(14,2) NOT NULL,
                       tax numeric(14,2) NOT NULL, total numeric(14,2) NOT NULL, description text NOT NULL, notes text,
                       paid_at timestamptz, created_at timestamptz NOT NULL, updated_at timestamptz);
"""
INDEXES = """
SELECT setval('customers_id_seq', (SELECT max(id) FROM customers));
SELECT setval('invoices_id_seq', (SELECT max(id) FROM invoices));
CREATE INDEX ON invoices (customer_id);
CREATE INDEX ON invoices (issued_on);
CREATE INDEX ON invoices (status);
ANALYZE;
"""
SEED = 20251126

# (name, unit, base price in MKD, billed per month, VAT %, English name on export invoices)
SERVICES = [
    ("Сметководствени услуги", "мес.", 6000, True, 18, "Accounting services"),
    ("Пресметка и исплата на плати", "вработен", 350, True, 18, "Payroll processing"),
    ("Изработка на годишна сметка", "усл.", 15000, False, 18, "Annual financial statements"),
    ("Даночно советување", "ч", 2500, False, 18, "Tax advisory"),
    ("Одржување на веб-страница", "мес.", 3000, True, 18, "Website maintenance"),
    ("Хостинг и домен .mk", "год.", 4800, False, 18, "Hosting and .mk domain"),
    ("Лиценца за софтвер Facturino Pro", "мес.", 1490, True, 18, "Facturino Pro software licence"),
    ("Техничка поддршка", "ч", 1800, False, 18, "Technical support"),
    ("Консултантски услуги", "ч", 3000, False, 18, "Consulting services"),
    ("Транспорт на стока", "км", 45, False, 18, "Freight transport"),
    ("Закуп на деловен простор", "мес.", 24000, True, 18, "Office space rent"),
    ("Закуп на опрема", "мес.", 5500, True, 18, "Equipment rental"),
    ("Сервисирање на возило", "усл.", 7800, False, 18, "Vehicle service"),
    ("Канцелариски материјал", "ком.", 120, False, 18, "Office supplies"),
    ("Тонер за печатач HP 85A", "ком.", 2900, False, 18, "Printer toner HP 85A"),
    ("Превод и заверка на документи", "стр.", 600, False, 18, "Certified translation"),
    ("Правни услуги", "ч", 4000, False, 18, "Legal services"),
    ("Обука за вработени", "ден", 9000, False, 18, "Staff training"),
    ("Маркетинг на социјални мрежи", "мес.", 12000, True, 18, "Social media marketing"),
    ("Печатење на флаери А5", "ком.", 4, False, 18, "A5 flyer printing"),
    ("Градежни работи", "м²", 850, False, 18, "Construction works"),
    ("Електрични инсталации", "ч", 1200, False, 18, "Electrical installation"),
    ("Чистење на деловен простор", "мес.", 8000, True, 18, "Office cleaning"),
    ("Обезбедување на објект", "мес.", 30000, True, 18, "Security services"),
    ("Кетеринг услуги", "порција", 450, False, 18, "Catering"),
    ("Сместување", "ноќевање", 2800, False, 5, "Accommodation"),
    ("Поправка на компјутер", "усл.", 1500, False, 18, "Computer repair"),
    ("Монтажа на клима уред", "ком.", 3500, False, 18, "Air conditioner installation"),
    ("Дезинфекција и дератизација", "усл.", 5000, False, 18, "Pest control"),
    ("Ревизија на финансиски извештаи", "усл.", 60000, False, 18, "Financial audit"),
    ("Архитектонски проект", "м²", 300, False, 18, "Architectural design"),
    ("Геодетски елаборат", "усл.", 18000, False, 18, "Land survey"),
    ("Леб и пецива", "кг", 70, False, 5, "Bread and pastry"),
    ("Овошје и зеленчук", "кг", 60, False, 5, "Fruit and vegetables"),
    ("Медицински потрошен материјал", "ком.", 380, False, 5, "Medical supplies"),
    ("Стручна литература", "ком.", 650, False, 5, "Professional books"),
    ("Мобилна телефонија – Бизнис пакет", "мес.", 1199, True, 18, "Mobile plan Business"),
    ("Интернет 100 Mbps", "мес.", 1450, True, 18, "Internet 100 Mbps"),
    ("Гориво Еуродизел", "л", 82, False, 18, "Diesel fuel"),
    ("Софтверски развој", "ч", 2200, False, 18, "Software development"),
]
MONTHS = ["јануари", "февруари", "март", "април", "мај", "јуни", "јули", "август", "септември", "октомври",
          "ноември", "декември"]
STEMS1 = [("Вардар", "vardar"), ("Пелистер", "pelister"), ("Алфа", "alfa"), ("Бета", "beta"), ("Еуро", "euro"),
          ("Техно", "tehno"), ("Агро", "agro"), ("Мега", "mega"), ("Нова", "nova"), ("Балкан", "balkan"),
          ("Македонија", "makedonija"), ("Охрид", "ohrid"), ("Шар", "shar"), ("Кожув", "kozhuv"), ("Бистра", "bistra"),
          ("Стар", "star"), ("Интер", "inter"), ("Мак", "mak"), ("Про", "pro"), ("Дента", "denta"),
          ("Фарма", "farma"), ("Арт", "art"), ("Глобал", "global"), ("Спектар", "spektar"), ("Орбис", "orbis"),
          ("Лотос", "lotos"), ("Јака", "jaka"), ("Водно", "vodno"), ("Сигма", "sigma"), ("Омега", "omega")]
STEMS2 = [("Трејд", "trade"), ("Комерц", "komerc"), ("Инженеринг", "inzenering"), ("Консалтинг", "consulting"),
          ("Софт", "soft"), ("Транс", "trans"), ("Градба", "gradba"), ("Маркет", "market"), ("Принт", "print"),
          ("Медиа", "media"), ("Сервис", "servis"), ("Логистик", "logistik"), ("Фуд", "food"), ("Дизајн", "design"),
          ("Електро", "elektro"), ("Систем", "sistem"), ("Тим", "tim"), ("Плус", "plus"), ("Груп", "group"),
          ("Мед", "med")]
FORMS = ["ДООЕЛ"] * 5 + ["ДОО"] * 3 + ["АД"]
FIRST = [("Марко", "marko"), ("Ана", "ana"), ("Петар", "petar"), ("Елена", "elena"), ("Александар", "aleksandar"),
         ("Марија", "marija"), ("Никола", "nikola"), ("Ивана", "ivana"), ("Стефан", "stefan"), ("Сара", "sara"),
         ("Горан", "goran"), ("Билјана", "biljana"), ("Дејан", "dejan"), ("Весна", "vesna"), ("Зоран", "zoran"),
         ("Кристина", "kristina"), ("Бојан", "bojan"), ("Јована", "jovana"), ("Игор", "igor"), ("Тамара", "tamara")]
LAST = [("Петровски", "petrovski"), ("Стојанов", "stojanov"), ("Николовски", "nikolovski"), ("Трајковски", "trajkovski"),
        ("Јовановски", "jovanovski"), ("Димитриев", "dimitriev"), ("Илиевски", "ilievski"), ("Ристов", "ristov"),
        ("Ангеловски", "angelovski"), ("Костов", "kostov"), ("Георгиевски", "georgievski"), ("Митревски", "mitrevski"),
        ("Андонов", "andonov"), ("Спасовски", "spasovski"), ("Велковски", "velkovski"), ("Тодоров", "todorov"),
        ("Здравковски", "zdravkovski"), ("Арсов", "arsov"), ("Богдановски", "bogdanovski"), ("Ѓорѓиевски", "gjorgjievski")]
CITIES = [("Скопје", "1000")] * 5 + [
    ("Битола", "7000"), ("Куманово", "1300"), ("Прилеп", "7500"), ("Тетово", "1200"), ("Велес", "1400"),
    ("Штип", "2000"), ("Охрид", "6000"), ("Гостивар", "1230"), ("Струмица", "2400"), ("Кавадарци", "1430"),
    ("Кочани", "2300")]
STREETS = ["ул. Македонија", "бул. Партизански одреди", "бул. Илинден", "ул. Орце Николов", "бул. Гоце Делчев",
           "ул. Димитрие Чуповски", "бул. Кузман Јосифовски Питу", "ул. Маршал Тито", "ул. Јане Сандански",
           "бул. Христијан Тодоровски Карпош", "ул. Васил Главинов", "ул. Никола Вапцаров"]
FOREIGN = [("RS", "Beograd", "d.o.o.", "11000", "Knez Mihailova"), ("BG", "Sofia", "EOOD", "1000", "bul. Vitosha"),
           ("AL", "Tirana", "sh.p.k.", "1001", "Rruga e Durrësit"), ("DE", "München", "GmbH", "80331", "Leopoldstraße"),
           ("SI", "Ljubljana", "d.o.o.", "1000", "Slovenska cesta"), ("HR", "Zagreb", "d.o.o.", "10000", "Ilica"),
           ("GR", "Θεσσαλονίκη", "Μ.Ε.Π.Ε.", "54625", "Εγνατία"), ("AT", "Wien", "GmbH", "1010", "Kärntner Straße")]
NOTES = ["Ви благодариме за довербата.",
         "Фактурата е изготвена електронски и е валидна без печат и потпис.",
         "При плаќање наведете го бројот на фактурата како повик на број.",
         "Доцнење во плаќањето подлежи на законска казнена камата.",
         "Рекламации се примаат во рок од 8 дена од приемот на фактурата.",
         "Авансно плаќање според понуда."]
ACCOUNTS = ["300000002712345", "210071234560188", "270012345678919"]  # the issuing companies' giro accounts
PAYMENT_TERMS = (15, 15, 15, 30, 30, 8, 45, 60)  # days, per customer
STATUSES_OPEN = ["draft", "sent", "sent", "viewed", "paid", "paid"]
DAY0 = datetime.date(2019, 1, 1)
DAYS = 2556  # 2019-01-01 .. 2025-12-31
CUSTOMER_DAY0 = datetime.date(2018, 6, 1)


def copy_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def field(value):
    return "\\N" if value is None else value


def customer_created(i, n):
    return CUSTOMER_DAY0 + datetime.timedelta(days=(i - 1) * (DAYS + 214) // n)


def customer_rows(n, rng):
    for i in range(1, n + 1):
        foreign = i % 20 == 0
        fn, fnl = rng.choice(FIRST)
        ln, lnl = rng.choice(LAST)
        s1, s1l = rng.choice(STEMS1)
        s2, s2l = rng.choice(STEMS2)
        sole = not foreign and rng.random() < 0.12
        if foreign:
            cc, city, form, zipc, street = rng.choice(FOREIGN)
            name = "%s %s %s" % (s1l.title(), s2l.title(), form)
            vat, address = cc + "%09d" % rng.randrange(10 ** 9), "%s %d" % (street, rng.randint(1, 120))
            email = "%s@%s%s.%s" % (rng.choice(("office", "info", "accounting")), s1l, s2l, cc.lower())
            phone, currency = None, "EUR"
        else:
            cc, currency = "MK", "MKD"
            city, zipc = rng.choice(CITIES)
            if sole:
                name, vat = "ТП %s %s %s" % (fn, ln, city), None
                email = "%s.%s%d@gmail.com" % (fnl, lnl, rng.randint(1, 99))
            else:
                name = "%s %s %s" % (s1, s2, rng.choice(FORMS)) + (" " + city if rng.random() < 0.5 else "")
                vat = "MK40%011d" % rng.randrange(10 ** 11)
                email = "%s@%s%s.com.mk" % (rng.choice(("info", "office", "kontakt", "smetkovodstvo")), s1l, s2l)
            address = "%s бр. %d" % (rng.choice(STREETS), rng.randint(1, 180))
            phone = "+389 %s %03d %03d" % (rng.choice(("2", "70", "71", "72", "75", "76", "77", "78")),
                                           rng.randrange(1000), rng.randrange(1000))
        created = datetime.datetime.combine(customer_created(i, n), datetime.time(rng.randint(8, 17), rng.randrange(60)))
        updated = created + datetime.timedelta(days=rng.randrange(900)) if rng.random() < 0.3 else created
        contact = "%s %s" % ((fnl.title(), lnl.title()) if foreign else (fn, ln))
        yield "\t".join(field(v) for v in (
            str(i), name, None if rng.random() < 0.35 else contact,
            None if rng.random() < 0.08 else email, None if rng.random() < 0.3 else phone, vat,
            address if rng.random() < 0.9 else None, city, zipc, cc, currency,
            str(PAYMENT_TERMS[i % len(PAYMENT_TERMS)]),
            created.isoformat(" ") + "+01", updated.isoformat(" ") + "+01")) + "\n"


def money(value):
    return "%.2f" % value


def invoice_rows(n, customers, rng):
    year, seq = None, 0
    for g in range(1, n + 1):
        day = DAY0 + datetime.timedelta(days=(g - 1) * DAYS // n)
        if day.year != year:
            year, seq = day.year, 0
        seq += 1
        # customers that exist by then; regular customers (low ids) get most invoices
        known = max(1, min(customers, int(customers * (day - CUSTOMER_DAY0).days / (DAYS + 214))))
        cid = 1 + int(known * rng.random() ** 1.5)
        foreign = cid % 20 == 0
        terms = PAYMENT_TERMS[cid % len(PAYMENT_TERMS)]
        price_factor = (1.0, 1.0, 0.9, 0.95, 1.1)[cid % 5] * (1 + 0.04 * (day.year - 2019))
        lines, subtotal, tax = [], 0.0, 0.0
        main = SERVICES[cid % len(SERVICES)] if rng.random() < 0.6 else rng.choice(SERVICES)
        items = [main] if rng.random() < 0.75 else [main, rng.choice([s for s in SERVICES if s is not main])]
        for svc in items:
            name, unit, base, monthly, vat, english = svc
            if monthly or unit in ("год.", "усл."):
                qty = 1
            elif unit in ("ч", "ден", "ноќевање", "стр."):
                qty = rng.randint(1, 24)
            else:
                qty = rng.choice((1, 2, 5, 10, 20, 50, 100, 250))
            price = round(base * price_factor / (61.5 if foreign else 1), 0 if not foreign else 1)
            amount = qty * price
            label = english if foreign else name
            if monthly:
                label += (" %s %d" % (datetime.date(2000, day.month, 1).strftime("%B"), day.year) if foreign
                          else " за %s %d" % (MONTHS[day.month - 1], day.year))
            lines.append(label)
            subtotal += amount
            tax += 0 if foreign else amount * vat / 100.0
        subtotal, tax = round(subtotal, 2), round(tax, 2)
        due = day + datetime.timedelta(days=terms)
        age = (datetime.date(2025, 12, 31) - due).days
        r = rng.random()
        if age > 60:
            status = "paid" if r < 0.93 else "overdue" if r < 0.96 else "cancelled"
        else:
            status = STATUSES_OPEN[int(r * len(STATUSES_OPEN))]
        created = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60)))
        paid_at = None
        if status == "paid":
            paid_at = created + datetime.timedelta(days=int(terms * 1.4 * rng.random()), hours=rng.randint(0, 8))
        updated = paid_at or (created + datetime.timedelta(minutes=rng.randint(1, 600)) if status != "draft" else created)
        note = None
        kind = rng.random()
        if foreign:
            note = ("Reverse charge: VAT to be accounted for by the recipient." if kind < 0.6 else None)
        elif kind < 0.1:
            note = "Плаќање на жиро-сметка %s во рок од %d дена." % (ACCOUNTS[cid % 3], terms)
        elif kind < 0.3:
            note = NOTES[rng.randrange(len(NOTES))]
        reference = None
        if cid % 3 == 0:
            reference = "Дог. %02d-%d/%d" % (cid % 12 + 1, 100 + cid % 900, customer_created(cid, customers).year)
        elif rng.random() < 0.1:
            reference = "PO-%d-%05d" % (day.year, rng.randrange(100000))
        yield "\t".join(field(v) for v in (
            str(g), str(cid), "INV-%d-%06d" % (day.year, seq), reference, day.isoformat(), due.isoformat(), status,
            "EUR" if foreign else "MKD", money(subtotal), money(tax), money(subtotal + tax),
            copy_escape(", ".join(lines)), note, paid_at.isoformat(" ") + "+01" if paid_at else None,
            created.isoformat(" ") + "+01", updated.isoformat(" ") + "+01")) + "\n"


def copy_rows(dbname, table, rows):
    """COPY ``rows`` (text-format lines) into ``table`` through psql's stdin."""
    proc = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", PORT, "-U", USER, "-d", dbname,
                             "-c", "COPY %s FROM STDIN" % table], stdin=subprocess.PIPE)
    batch = []
    for line in rows:
        batch.append(line)
        if len(batch) >= 20000:
            proc.stdin.write("".join(batch).encode("utf-8"))
            batch = []
    proc.stdin.write("".join(batch).encode("utf-8"))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("COPY into %s failed" % table)


def generate(dbname, customers, invoices):
    psql(dbname, DDL)
    rng = random.Random(SEED)
    copy_rows(dbname, "customers", customer_rows(customers, rng))
    copy_rows(dbname, "invoices", invoice_rows(invoices, customers, rng))
    psql(dbname, INDEXES)


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
    parser.add_argument("--rows", type=int, default=2700000, help="invoices")
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
            generate(db, opts.customers, opts.rows)
        db_size = scalar(db, "SELECT pg_size_pretty(pg_database_size(current_database()))")
        counts = scalar(db, "SELECT (SELECT count(*) FROM invoices) || ' invoices, ' || (SELECT count(*) FROM customers)"
                            " || ' customers'")
        print("generated %s: %s (%s) in %.0f s" % (db, db_size, counts, time.monotonic() - started), flush=True)
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
        # a quarter-second task: one sample is mostly scheduling noise, take the median like the other rows
        verifies = [module(dict(conn, dbname=db, state="verified", path=t["mod_path"]))[0] for _round in range(opts.rounds)]
        print("  verified runs: %s" % ", ".join("%.3f s" % v for v in verifies), flush=True)
        t_verify = median(verifies)
        row("pg_backup verified (no restore test, median)", t_verify)
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
