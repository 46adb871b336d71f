"""`make bench`: one million deals on PostgreSQL and on SQLite, each case measured against its floor or its peer.

PostgreSQL: creates (or reuses) its own database, fills it with `generate_deals`, starts the app and the floor
(`bench/floor.py`, hand-written SQL and orjson) under the same gunicorn settings, checks that both return the same
payload. SQLite: makes (or reuses) a file of its own with the same generated deals, serves it with the app under the
same settings and with Datasette (`bench/peer.py`), and checks that both answer with the same deals. Then it drives
each case with wrk for a bounded time, the two sides alternately, for several rounds. Prints a table of medians
(and each case's ratio to its floor or peer, measured in the same round) and writes everything to bench/results/.

Settings, from the environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/dealgraph_bench),
BENCH_SQLITE (bench/.data/dealgraph-COUNT-SEED.sqlite3), BENCH_COUNT (1000000), BENCH_SEED (1), BENCH_CLIENTS (16),
BENCH_SECONDS (15), BENCH_ROUNDS (3), BENCH_LABEL (a name for the results file), BENCH_APP_ENV (extra KEY=VALUE pairs
for the app), BENCH_CASES (all: a comma-separated choice of headline, broad, cursor, detail, export, stats-top,
stats-matrix, stats-profile, the page-... cases, sqlite-headline, sqlite-detail, or `postgres`, `pages` and `sqlite`).
"""

import base64
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import peer
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dealgraph_bench")
COUNT = int(os.environ.get("BENCH_COUNT", 1_000_000))
SEED = int(os.environ.get("BENCH_SEED", 1))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 16))
SECONDS = float(os.environ.get("BENCH_SECONDS", 15))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
WARMUP_SECONDS = 3
EXPORT_REPEATS = 2
EXPORT_SUPPLIER = "france"  # about 100,000 reviewed deals at one million
REQUEST_TIMEOUT = 120
DATABASE_NAME = urlsplit(DATABASE_URL).path.lstrip("/")
SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE", BENCH / ".data" / f"dealgraph-{COUNT}-{SEED}.sqlite3")).resolve()
# The statistics are measured one request at a time: their target is a latency (median under 200 ms, uncached), and
# under 16 clients on two cores a GROUP BY over a million deals measures the queue, not the query.
STATS_CASES = ("stats-top", "stats-matrix", "stats-profile")
# The explorer's pages, one reader at a time for the same reason (target: median under 150 ms, uncached), each beside
# the API request that answers the same question on the same server: the page's ratio is what the page costs more.
PAGE_CASES = ("page-home", "page-deals", "page-deal", "page-actor", "page-system", "page-source", "page-flows")
SINGLE_CLIENT = (*STATS_CASES, *PAGE_CASES)
POSTGRES_CASES = ("headline", "broad", "cursor", "detail", "export", *STATS_CASES, *PAGE_CASES)
SQLITE_CASES = ("sqlite-headline", "sqlite-detail")
# Intake of a 1,500-word article on each database, in-process and rolled back (target: under a second).
INTAKE_CASES = ("intake",)
HEADLINE = f"/api/v1/deals/?{urlencode(peer.HEADLINE_PARAMETERS)}"
CASE_GROUPS = {
    "postgres": POSTGRES_CASES,
    "pages": PAGE_CASES,
    "sqlite": SQLITE_CASES,
    "intake": INTAKE_CASES,
    "all": POSTGRES_CASES + SQLITE_CASES + INTAKE_CASES,
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def expected_title(env) -> str:
    """What the generated register is called for this count and seed (asked of the code, which owns the format)."""
    script = f"from bench.synthetic import register_title; print(register_title(count={COUNT}, seed={SEED}))"
    return (
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def prepare_database(env) -> dict:
    """Reuse the database when it holds exactly this count and seed; otherwise make it afresh and generate."""
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if not name.startswith("dealgraph_bench"):
        raise SystemExit(f"Refusing to use {name!r}: the benchmark database's name must start with dealgraph_bench.")
    admin = with_database(DATABASE_URL, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    wanted = expected_title(env)
    with psycopg.connect(DATABASE_URL) as conn:
        titles = [
            row[0]
            for row in conn.execute(
                "SELECT title FROM sources_source WHERE kind = 'dataset' AND title LIKE %s",
                ["Dealgraph synthetic register%"],
            )
        ]
    if titles == [wanted]:
        log(f"reusing {name}: {wanted}")
        return {"generated": False}
    if titles:
        log(f"{name} holds other generated data ({titles[0]}); recreating it")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
    log(f"generating {COUNT:,} deals (seed {SEED}) into {name}")
    started = time.perf_counter()
    manage("generate_deals", "--count", str(COUNT), "--seed", str(SEED), env=env)
    return {"generated": True, "generate_seconds": round(time.perf_counter() - started, 1)}


def case_parameters() -> dict:
    with psycopg.connect(DATABASE_URL) as conn:
        largest = conn.execute(
            "SELECT a.slug FROM deals_deal d JOIN actors_actor a ON a.id = d.supplier_id "
            "GROUP BY a.slug ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM deals_deal WHERE review_status = 'reviewed'").fetchone()[0]
        deep = conn.execute(
            "SELECT id FROM deals_deal WHERE review_status = 'reviewed' ORDER BY id OFFSET %s LIMIT 1",
            [int(total * 0.9)],
        ).fetchone()[0]
        detail_ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM deals_deal WHERE review_status = 'reviewed' AND id %% %s = 13 ORDER BY id LIMIT 1000",
                [997],
            )
        ]
        importer = conn.execute(
            "SELECT a.slug FROM deals_deal d JOIN actors_actor a ON a.id = d.recipient_id "
            "GROUP BY a.slug ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        export_rows = conn.execute(
            "SELECT count(*) FROM deals_deal d JOIN actors_actor a ON a.id = d.supplier_id "
            "WHERE a.slug = %s AND d.review_status = 'reviewed'",
            [EXPORT_SUPPLIER],
        ).fetchone()[0]
        system = conn.execute(
            "SELECT s.slug FROM deals_deal d JOIN systems_system s ON s.id = d.system_id "
            "GROUP BY s.slug ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        register = conn.execute(
            "SELECT id FROM sources_source WHERE kind = 'dataset' AND title LIKE 'Dealgraph synthetic register%%'"
        ).fetchone()[0]
    cursor = base64.b64encode(f"p={deep}".encode()).decode()
    recent = "delivered_from=2021&delivered_to=2025"
    return {
        "headline": [HEADLINE],
        "broad": [f"/api/v1/deals/?supplier={largest}&page_size=50"],
        "cursor": [f"/api/v1/deals/?cursor={cursor}&page_size=50"],
        "detail": [f"/api/v1/deals/{i}/" for i in detail_ids],
        "export": [f"/api/v1/deals/export.csv?supplier={EXPORT_SUPPLIER}"],
        # Top importers of five years; the supplier-by-recipient matrix of one year; the largest importer's profile.
        "stats-top": ["/api/v1/stats/deliveries/?by=recipient&delivered_from=2021&delivered_to=2025&page_size=10"],
        "stats-matrix": ["/api/v1/stats/deliveries/?by=supplier,recipient&delivered_from=2025&delivered_to=2025"],
        "stats-profile": [f"/api/v1/actors/{importer}/profile/?delivered_from=2016&delivered_to=2025"],
        # Each page beside the API request answering the same question: {"page": paths, "api": paths}.
        "page-home": {"page": ["/"], "api": [f"/api/v1/stats/deliveries/?by=recipient&{recent}&page_size=10"]},
        "page-deals": {"page": [HEADLINE.replace("/api/v1/", "/", 1)], "api": [HEADLINE]},
        "page-deal": {"page": [f"/deals/{i}/" for i in detail_ids], "api": [f"/api/v1/deals/{i}/" for i in detail_ids]},
        "page-actor": {"page": [f"/actors/{importer}/"], "api": [f"/api/v1/actors/{importer}/profile/"]},
        "page-system": {"page": [f"/systems/{system}/"], "api": [f"/api/v1/deals/?system={system}&variants=true"]},
        "page-source": {"page": [f"/sources/{register}/"], "api": [f"/api/v1/citations/?source={register}"]},
        "page-flows": {
            "page": [f"/flows/?{recent}"],
            "api": [f"/api/v1/stats/deliveries/?by=supplier,recipient&{recent}"],
        },
        "_notes": {
            "largest_importer": importer,
            "largest_supplier": largest,
            "reviewed_deals": total,
            "cursor_after_id": deep,
            "export_rows": export_rows,
            "detail_ids": len(detail_ids),
            "largest_system": system,
            "register_source": register,
        },
    }


def register_titles(path: Path) -> list[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT title FROM sources_source WHERE kind = 'dataset' AND title LIKE ?",
                ["Dealgraph synthetic register%"],
            )
        ]


def prepare_sqlite(env) -> dict:
    """Reuse the file when it holds exactly this count and seed; otherwise generate it into a side file that takes
    its name only when complete, so an interrupted run never leaves a file that looks ready."""
    wanted = expected_title(env)
    if SQLITE_PATH.exists():
        titles = register_titles(SQLITE_PATH)
        if titles != [wanted]:
            raise SystemExit(
                f"{SQLITE_PATH} holds {titles[0] if titles else 'no generated register'}, not {wanted}; "
                "remove it, or point BENCH_SQLITE at another file."
            )
        # Datasette serves the file immutable, so any migration the code has gained goes in before either starts.
        pending = subprocess.run([PYTHON, "manage.py", "migrate", "--check"], cwd=ROOT, env=env, capture_output=True)
        if pending.returncode:
            manage("migrate", "--noinput", "--verbosity", "0", env=env)
        log(f"reusing {SQLITE_PATH}: {wanted}")
        return {"path": str(SQLITE_PATH), "generated": False}
    partial = SQLITE_PATH.with_name(SQLITE_PATH.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    side = {**env, "DATABASE_URL": f"sqlite:///{partial}"}
    log(f"generating {COUNT:,} deals (seed {SEED}) into {partial}")
    started = time.perf_counter()
    manage("migrate", "--noinput", "--verbosity", "0", env=side)
    manage("generate_deals", "--count", str(COUNT), "--seed", str(SEED), env=side)
    partial.rename(SQLITE_PATH)
    return {"path": str(SQLITE_PATH), "generated": True, "generate_seconds": round(time.perf_counter() - started, 1)}


def sqlite_parameters() -> dict:
    """Each SQLite case's paths on the app and on Datasette: the headline's filters, and the detail case's deals."""
    with closing(sqlite3.connect(f"file:{SQLITE_PATH}?mode=ro", uri=True)) as conn:
        detail_ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM deals_deal WHERE review_status = 'reviewed' AND id % 997 = 13 ORDER BY id LIMIT 1000"
            )
        ]
    return {
        "sqlite-headline": {"app": [HEADLINE], "datasette": [peer.headline_path(SQLITE_PATH)]},
        "sqlite-detail": {
            "app": [f"/api/v1/deals/{i}/" for i in detail_ids],
            "datasette": peer.detail_paths(SQLITE_PATH, detail_ids),
        },
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server on a free loopback port, by default a gunicorn started with config/gunicorn.conf.py, its processes'
    memory and CPU readable from /proc."""

    def __init__(self, name, target, env, logdir, extra=(), command=None, probe="/api/v1/deals/?cursor=&page_size=1"):
        self.name, self.port = name, free_port()
        self.log = open(logdir / f"{name}.log", "w")  # noqa: SIM115 (the server writes to it until stop() closes it)
        self.process = subprocess.Popen(
            command(self.port) if command else [GUNICORN, "--config", "config/gunicorn.conf.py", *extra, target],
            cwd=ROOT,
            env={**env, "PORT": str(self.port)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = get(self.port, probe)
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"{name} server exited; see {self.log.name}")
            time.sleep(0.3)
        raise SystemExit(f"{name} server did not answer within 60 s; see {self.log.name}")

    def pids(self) -> list[int]:
        pids, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            pid = frontier.pop()
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                    pids += map(int, children)
                    frontier += map(int, children)
            except OSError:
                continue
        return pids

    def rss_bytes(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def cpu_seconds(self) -> float:
        """User and system CPU of the master and its workers, including workers recycled meanwhile (max_requests):
        those the master has reaped are in its children's counters."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
            if pid == self.process.pid:
                total += int(fields[13]) + int(fields[14])  # cutime, cstime
        return total / ticks

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the benchmark database (and of parallel workers, which carry
    no database name); only one server runs a case at a time, so a case's growth is that server's."""
    ticks, seen = os.sysconf("SC_CLK_TCK"), {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            if not title.startswith(b"postgres:") or (
                database.encode() not in title and b"parallel worker" not in title
            ):
                continue
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    return seen


def postgres_cpu_growth(before: dict[int, float], after: dict[int, float]) -> float:
    # Backends that started meanwhile count from zero; those that ended take their last share with them.
    return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())


def get(port, path, timeout=REQUEST_TIMEOUT):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json, text/csv"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Sampler:
    """Peak memory of a server's processes, sampled every quarter second while a case runs."""

    def __init__(self, server):
        self.server, self.peak, self.running = server, server.rss_bytes(), True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.server.rss_bytes())
            time.sleep(0.25)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return max(self.peak, self.server.rss_bytes())


def wrk(port, paths, seconds, workdir, clients=CLIENTS) -> dict:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        "wrk",
        f"-t{min(2, clients)}",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(BENCH / "wrk.lua"),
        f"http://127.0.0.1:{port}",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "BENCH_PATHS": str(listing)}, timeout=seconds + 60
    )
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if done.returncode or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def measure_load(server, paths, workdir, postgres=True, clients=CLIENTS) -> dict:
    """One case under load; on SQLite the database runs inside the server's processes, so their CPU is all of it."""
    sampler, cpu, pg_before = Sampler(server), server.cpu_seconds(), postgres_cpu(DATABASE_NAME) if postgres else {}
    result = wrk(server.port, paths, SECONDS, workdir, clients)
    cpu = server.cpu_seconds() - cpu
    pg_cpu = postgres_cpu_growth(pg_before, postgres_cpu(DATABASE_NAME)) if postgres else None
    peak = sampler.stop()
    seconds = result["duration_us"] / 1e6
    measured = {
        "rps": round(result["requests"] / seconds, 1),
        "p50_ms": round(result["p50_us"] / 1000, 1),
        "p99_ms": round(result["p99_us"] / 1000, 1),
        "requests": result["requests"],
        "errors": result["non_2xx"] + result["socket_errors"] + result["timeouts"],
        "peak_rss_mb": round(peak / 2**20, 1),
        "cpu_ms_per_request": round(cpu * 1000 / max(1, result["requests"]), 2),
    }
    if postgres:
        measured["postgres_cpu_ms_per_request"] = round(pg_cpu * 1000 / max(1, result["requests"]), 2)
    return measured


def measure_export(server, path) -> dict:
    """Whole exports, one after another: rows per second of one stream, and the servers' peak memory meanwhile."""
    sampler, runs = Sampler(server), []
    for _ in range(EXPORT_REPEATS):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        conn.request("GET", path, headers={"Accept": "text/csv"})
        response = conn.getresponse()
        lines, size = 0, 0
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
            size += len(chunk)
        seconds = time.perf_counter() - started
        conn.close()
        runs.append({"status": response.status, "rows": lines - 1, "seconds": seconds, "bytes": size})
    peak = sampler.stop()
    best = statistics.median(r["seconds"] for r in runs)
    rows = runs[0]["rows"]
    return {
        "rows": rows,
        "seconds": round(best, 2),
        "rows_per_second": round(rows / best),
        "mb": round(runs[0]["bytes"] / 2**20, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "errors": sum(1 for r in runs if r["status"] != 200),
        "rps": round(1 / best, 3),
    }


def normalised(body: bytes, port: int):
    return json.loads(body.decode().replace(f"http://127.0.0.1:{port}/", "http://SERVER/"))


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: present on one side only"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def same_payload(app, floor, case, paths) -> dict:
    """The floor must answer with what the API answers, or the comparison means nothing."""
    checks = paths[:20] if case == "detail" else paths
    if case == "export":
        checks = ["/api/v1/deals/export.csv?recipient=serbia"]
    for path in checks:
        status_a, body_a = get(app.port, path)
        status_f, body_f = get(floor.port, path)
        if status_a != 200 or status_f != 200:
            return {"same": False, "difference": f"{path}: HTTP {status_a} (app) / {status_f} (floor)"}
        if case == "export":
            difference = None if body_a == body_f else "CSV bytes differ"
        else:
            difference = first_difference(normalised(body_a, app.port), normalised(body_f, floor.port))
        if difference:
            return {"same": False, "difference": f"{path}: {difference}"}
    return {"same": True}


def same_deals(app, datasette, case, paths) -> dict:
    """Datasette must answer with the deals the app answers with, or the comparison means nothing."""
    if case == "sqlite-headline":
        checks = [(paths["app"][0], paths["datasette"][0])]
    else:
        checks = list(zip(paths["app"][:20], paths["datasette"][:20], strict=False))
    for ours, theirs in checks:
        status_a, body_a = get(app.port, ours)
        status_d, body_d = get(datasette.port, theirs)
        if status_a != 200 or status_d != 200:
            return {"same": False, "difference": f"{ours}: HTTP {status_a} (app) / {status_d} (Datasette)"}
        answer_a, answer_d = json.loads(body_a), json.loads(body_d)
        if case == "sqlite-headline":
            difference = peer.headline_difference(answer_a, answer_d)
        else:
            difference = peer.detail_difference(answer_a["id"], answer_d)
        if difference:
            return {"same": False, "difference": f"{ours}: {difference}"}
    return {"same": True, "checked": len(checks)}


def floor_queries(floor, path) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", floor.port, timeout=REQUEST_TIMEOUT)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    value = response.getheader("X-Queries")
    return int(value) if value else None


def app_queries(env, paths: dict) -> dict:
    chosen = [p[0] for p in paths.values()]
    output = subprocess.run(
        [PYTHON, str(BENCH / "queries.py"), *chosen], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    counts = json.loads(output.strip().splitlines()[-1])
    return {case: counts[p[0]] for case, p in paths.items()}


def intake_timing(env) -> dict:
    """bench_intake's JSON for the database `env` names (the last line it prints)."""
    done = subprocess.run(
        [PYTHON, "manage.py", "bench_intake"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(values):
    return round(statistics.median(values), 2) if values else None


def summarise(rounds, cases):
    """Medians over the rounds of each side of each case, and the ratio of the app (the first side) to the other."""
    summary = {}
    for case in cases:
        sides = list(rounds[0][case])
        app = [r[case][sides[0]] for r in rounds]
        other = [r[case][sides[1]] for r in rounds]
        ratios = [a["rps"] / f["rps"] for a, f in zip(app, other, strict=True) if f["rps"]]
        entry = {"ratio": median(ratios), "ratios": [round(x, 2) for x in ratios]}
        for side, runs in zip(sides, (app, other), strict=True):
            keys = [k for k in runs[0] if isinstance(runs[0][k], (int, float))]
            entry[side] = {k: median([r[k] for r in runs]) for k in keys}
            entry[side]["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
            entry[side]["errors"] = sum(r["errors"] for r in runs)
        summary[case] = entry
    return summary


def table(summary, queries, checks) -> str:
    lines = [
        "| case | app req/s | floor req/s | ratio | app p50 / p99 ms | floor p50 / p99 ms | queries app / floor "
        "| peak RSS app / floor MB | CPU ms/req app / floor | PostgreSQL CPU ms/req app / floor | same payload |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case, s in summary.items():
        a, f = s["app"], s["floor"]
        same = "yes" if checks[case]["same"] else "NO"
        if case == "export":
            lines.append(
                f"| export ({a['rows']:,.0f} rows) | {a['rows_per_second']:,.0f} rows/s | {f['rows_per_second']:,.0f} rows/s "
                f"| {s['ratio']} | {a['seconds']} s per export | {f['seconds']} s | {queries[case]['app']} / "
                f"{queries[case]['floor']} | {a['peak_rss_mb']} / {f['peak_rss_mb']} | | | {same} |"
            )
            continue
        name = f"{case} (1 client)" if case in STATS_CASES else case
        lines.append(
            f"| {name} | {a['rps']} | {f['rps']} | {s['ratio']} | {a['p50_ms']} / {a['p99_ms']} "
            f"| {f['p50_ms']} / {f['p99_ms']} | {queries[case]['app']} / {queries[case]['floor']} "
            f"| {a['peak_rss_mb']} / {f['peak_rss_mb']} | {a['cpu_ms_per_request']} / {f['cpu_ms_per_request']} "
            f"| {a['postgres_cpu_ms_per_request']} / {f['postgres_cpu_ms_per_request']} | {same} |"
        )
    return "\n".join(lines)


def page_check(app, paths) -> dict:
    """Every page answers 200 with HTML; its first load (the page and each asset it names) is weighed."""
    for path in paths[:20]:
        status, body = get(app.port, path)
        if status != 200:
            return {"same": False, "difference": f"{path}: HTTP {status}"}
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', body)
    weights = {a.decode(): len(get(app.port, a.decode())[1]) for a in sorted(set(assets))}
    return {
        "same": True,
        "page_bytes": len(body),
        "assets": weights,
        "first_load_bytes": len(body) + sum(weights.values()),
    }


def page_table(summary, queries, checks) -> str:
    lines = [
        "| page (1 client) | page p50 / p99 ms | API p50 / p99 ms | page req/s | API req/s | ratio | queries page / API "
        "| CPU ms/req page / API | PostgreSQL CPU ms/req page / API | first load KB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case, s in summary.items():
        a, b = s["page"], s["api"]
        load = checks[case].get("first_load_bytes")
        lines.append(
            f"| {case.removeprefix('page-')} | {a['p50_ms']} / {a['p99_ms']} | {b['p50_ms']} / {b['p99_ms']} "
            f"| {a['rps']} | {b['rps']} | {s['ratio']} | {queries[case]['page']} / {queries[case]['api']} "
            f"| {a['cpu_ms_per_request']} / {b['cpu_ms_per_request']} "
            f"| {a['postgres_cpu_ms_per_request']} / {b['postgres_cpu_ms_per_request']} "
            f"| {'?' if load is None else round(load / 1024, 1)} |"
        )
    return "\n".join(lines)


def peer_table(summary, queries, checks) -> str:
    lines = [
        "| case (SQLite) | app req/s | Datasette req/s | ratio app/Datasette | app p50 / p99 ms "
        "| Datasette p50 / p99 ms | queries app | peak RSS app / Datasette MB | CPU ms/req app / Datasette "
        "| errors app / Datasette | same deals |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case, s in summary.items():
        a, d = s["app"], s["datasette"]
        lines.append(
            f"| {case.removeprefix('sqlite-')} | {a['rps']} | {d['rps']} | {s['ratio']} "
            f"| {a['p50_ms']} / {a['p99_ms']} | {d['p50_ms']} / {d['p99_ms']} | {queries[case]['app']} "
            f"| {a['peak_rss_mb']} / {d['peak_rss_mb']} "
            f"| {a['cpu_ms_per_request']} / {d['cpu_ms_per_request']} | {a['errors']} / {d['errors']} "
            f"| {'yes' if checks[case]['same'] else 'NO'} |"
        )
    for case, check in checks.items():
        if case in SQLITE_CASES and not check["same"]:
            lines.append(f"| {case.removeprefix('sqlite-')} | not measured: {check['difference']} |")
    return "\n".join(lines)


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return head.strip() + ("+uncommitted" if dirty.strip() else "")
    except OSError:
        return "unknown"


def chosen_cases() -> list[str]:
    chosen = set()
    for name in filter(None, (n.strip() for n in os.environ.get("BENCH_CASES", "all").split(","))):
        if name not in CASE_GROUPS and name not in CASE_GROUPS["all"]:
            raise SystemExit(
                f"BENCH_CASES: unknown case {name!r}; the cases are {', '.join(CASE_GROUPS['all'])}, "
                f"and the groups {', '.join(CASE_GROUPS)}"
            )
        chosen.update(CASE_GROUPS.get(name, (name,)))
    return [case for case in CASE_GROUPS["all"] if case in chosen]


def main():
    # A TERM (or Ctrl-C) still stops the servers this run started, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    host = urlsplit(DATABASE_URL).hostname
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "60",
        "PRODUCTION": "true",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # No throttling: the floor and Datasette have none, and every request here comes from one address.
        "THROTTLE_ANON": "",
        "THROTTLE_USER": "",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for pair in filter(None, os.environ.get("BENCH_APP_ENV", "").split()):
        key, _, value = pair.partition("=")
        env[key] = value
    sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{SQLITE_PATH}"}
    cases = chosen_cases()
    load_at_start = os.getloadavg()  # other work on a shared machine moves absolute figures; this says how much
    postgres_cases = [case for case in cases if case in POSTGRES_CASES]
    sqlite_cases = [case for case in cases if case in SQLITE_CASES]
    prepared = sqlite_prepared = datasette_info = None
    paths, notes, sqlite_paths = {}, {}, {}
    if postgres_cases:
        prepared = prepare_database(env)
        paths = case_parameters()
        notes = paths.pop("_notes")
        paths = {case: paths[case] for case in postgres_cases}
    if sqlite_cases:
        datasette_info = {"version": peer.ensure_installed(log)}
        sqlite_prepared = prepare_sqlite(sqlite_env)
        sqlite_paths = {case: p for case, p in sqlite_parameters().items() if case in sqlite_cases}
        if "sqlite-detail" in sqlite_paths:
            notes["sqlite_detail_ids"] = len(sqlite_paths["sqlite-detail"]["app"])
    if any(case in PAGE_CASES for case in cases):
        # The pages name their assets through the production static storage's manifest, as `make serve` builds it.
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    intake = {}
    if "intake" in cases:
        if prepared is None:
            prepared = prepare_database(env)
        if sqlite_prepared is None:
            sqlite_prepared = prepare_sqlite(sqlite_env)
        for name, database_env in (("postgresql", env), ("sqlite", sqlite_env)):
            intake[name] = intake_timing(database_env)
            log(
                f"intake on {name}: {intake[name]['words']} words, {intake[name]['proposals']} proposals, median "
                f"{intake[name]['intake_median_s']} s (reading alone {intake[name]['reading_median_s']} s), "
                f"{intake[name]['queries']} queries"
            )
    log(f"cases: {', '.join(cases)}; {notes}")
    workdir = Path(tempfile.mkdtemp(prefix="dealgraph-bench-"))
    servers, plan, checks, queries = [], {}, {}, {}
    try:
        if postgres_cases:
            app = Server("app", "config.wsgi", env, workdir)
            servers.append(app)
            floor = Server("floor", "floor:application", env, workdir, extra=["--pythonpath", "bench"])
            servers.append(floor)
            log(f"PostgreSQL: app on :{app.port}, floor on :{floor.port}")
            pages = {case: p for case, p in paths.items() if case in PAGE_CASES}
            for case, p in paths.items():
                if case in PAGE_CASES:
                    checks[case] = page_check(app, p["page"])
                    plan[case] = [("page", app, p["page"]), ("api", app, p["api"])]
                    continue
                checks[case] = same_payload(app, floor, case, p)
                if not checks[case]["same"]:
                    log(f"WARNING {case}: the floor's payload differs from the app's: {checks[case]['difference']}")
                plan[case] = [("app", app, p), ("floor", floor, p)]
            apis = {case: paths[case] for case in paths if case not in PAGE_CASES}
            if apis:
                queries = {case: {"app": n} for case, n in app_queries(env, apis).items()}
            for case, p in apis.items():
                queries[case]["floor"] = floor_queries(floor, p[0])
            if pages:
                page_counts = app_queries(env, {case: p["page"] for case, p in pages.items()})
                api_counts = app_queries(env, {case: p["api"] for case, p in pages.items()})
                for case in pages:
                    queries[case] = {"page": page_counts[case], "api": api_counts[case]}
        if sqlite_cases:
            sqlite_app = Server("app-sqlite", "config.wsgi", sqlite_env, workdir)
            servers.append(sqlite_app)
            metadata = peer.write_metadata(SQLITE_PATH, workdir)
            datasette = Server(
                "datasette",
                None,
                os.environ,
                workdir,
                probe="/-/versions.json",
                command=lambda port: peer.command(SQLITE_PATH, metadata, port),
            )
            servers.append(datasette)
            datasette_info["settings"] = json.loads(get(datasette.port, "/-/settings.json")[1])
            datasette_info["metadata"] = json.loads(metadata.read_text())
            log(f"SQLite ({SQLITE_PATH.name}): app on :{sqlite_app.port}, Datasette on :{datasette.port}")
            for case, p in sqlite_paths.items():
                checks[case] = same_deals(sqlite_app, datasette, case, p)
                if checks[case]["same"]:
                    plan[case] = [("app", sqlite_app, p["app"]), ("datasette", datasette, p["datasette"])]
                else:
                    log(
                        f"ERROR {case}: Datasette's answer holds other deals than the app's, so the case is not "
                        f"measured: {checks[case]['difference']}"
                    )
            counted = app_queries(sqlite_env, {case: p["app"] for case, p in sqlite_paths.items()})
            queries.update({case: {"app": n} for case, n in counted.items()})
        log(f"{CLIENTS} clients, {SECONDS:g} s per case, {ROUNDS} rounds")
        rounds = []
        for number in range(1, ROUNDS + 1):
            results = {}
            for case, sides in plan.items():
                results[case] = {}
                for side, server, p in sides:
                    if case == "export":
                        results[case][side] = measure_export(server, p[0])
                        continue
                    clients = 1 if case in SINGLE_CLIENT else CLIENTS
                    if number == 1:
                        wrk(server.port, p, WARMUP_SECONDS, workdir, clients)
                    results[case][side] = measure_load(
                        server, p, workdir, postgres=case in POSTGRES_CASES, clients=clients
                    )
                (first, a), (second, b) = results[case].items()
                if case == "export":
                    log(f"round {number} {case}: app {a['rows_per_second']:,} rows/s, floor {b['rows_per_second']:,}")
                else:
                    log(
                        f"round {number} {case}: {first} {a['rps']} req/s (p99 {a['p99_ms']} ms), "
                        f"{second} {b['rps']} req/s (p99 {b['p99_ms']} ms), ratio {a['rps'] / b['rps']:.2f}"
                    )
            rounds.append(results)
    finally:
        for server in servers:
            server.stop()
    summary = summarise(rounds, list(plan)) if rounds else {}
    for case in summary:
        if case == "export":
            summary[case]["ratio"] = median(
                [r[case]["app"]["rows_per_second"] / r[case]["floor"]["rows_per_second"] for r in rounds]
            )
    api_summary = {c: s for c, s in summary.items() if c in POSTGRES_CASES and c not in PAGE_CASES}
    page_summary = {c: s for c, s in summary.items() if c in PAGE_CASES}
    text = "\n\n".join(
        [table(api_summary, queries, checks)] * bool(api_summary)
        + [page_table(page_summary, queries, checks)] * bool(page_summary)
    )
    peer_text = ""
    if sqlite_cases:
        peer_text = peer_table({c: s for c, s in summary.items() if c in SQLITE_CASES}, queries, checks)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    label = os.environ.get("BENCH_LABEL", "")
    out = BENCH / "results" / f"{stamp}{'-' + label if label else ''}.json"
    out.parent.mkdir(exist_ok=True)
    shown = {c: {side: p[side][:3] for side in p} if c in PAGE_CASES else p[:3] for c, p in paths.items()}
    shown.update({c: {side: p[side][:3] for side in p} for c, p in sqlite_paths.items()})
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "label": label,
                "git": git_state(),
                "count": COUNT,
                "seed": SEED,
                "clients": CLIENTS,
                "seconds": SECONDS,
                "round_count": ROUNDS,
                "cpus": os.cpu_count(),
                "load_average_at_start": load_at_start,
                "load_average": os.getloadavg(),
                "python": platform.python_version(),
                "cases": cases,
                "database_host": host if postgres_cases else None,
                "database": prepared,
                "sqlite": sqlite_prepared,
                "datasette": datasette_info,
                "notes": notes,
                "app_env": os.environ.get("BENCH_APP_ENV", ""),
                "paths": shown,
                "same_payload": checks,
                "queries": queries,
                "summary": summary,
                "rounds": rounds,
                "table": text,
                "peer_table": peer_text,
                "intake": intake,
            },
            indent=2,
        )
    )
    for block in filter(None, (text, peer_text)):
        print()
        print(block)
    print()
    log(f"results: {out.relative_to(ROOT)}")
    shutil.rmtree(workdir, ignore_errors=True)
    failed = [case for case in sqlite_cases if not checks[case]["same"]]
    if failed:
        raise SystemExit(f"Datasette's answer differed from the app's in {', '.join(failed)}; see above.")


if __name__ == "__main__":
    main()
