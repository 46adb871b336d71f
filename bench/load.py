"""Bounded mixed read load against a running Dealgraph server on loopback: requests per second, p50, p99, errors.

    python bench/load.py --base http://127.0.0.1:8000 --clients 32 --seconds 60 [--json bench/results/load.json]

Every client runs its own keep-alive connection and cycles through the mix (headline query, broad queries, details,
CSV exports) until the time is up; the run stops by itself. An error is any answer other than 200, or a failed
connection."""

import argparse
import http.client
import json
import random
import statistics
import threading
import time
from urllib.parse import urlsplit

MIX = [
    # (weight, label, path); {deal} and {actor} are filled from the server's own data at start.
    (5, "headline", "/api/v1/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022"),
    (3, "broad", "/api/v1/deals/?supplier={actor}&page_size=50"),
    (2, "cursor", "/api/v1/deals/?cursor=&page_size=50&ordering=-id"),
    (3, "detail", "/api/v1/deals/{deal}/"),
    (2, "actor", "/api/v1/actors/{actor}/"),
    (1, "search", "/api/v1/deals/?q=MiG&page_size=20"),
    (1, "export", "/api/v1/deals/export.csv?recipient=serbia"),
]


def fetch(conn, path):
    conn.request("GET", path, headers={"Accept": "application/json, text/csv"})
    response = conn.getresponse()
    body = response.read()
    return response.status, body


def sample_ids(base):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    _, body = fetch(conn, "/api/v1/deals/?cursor=&page_size=200")
    rows = json.loads(body)["results"]
    deals = [r["id"] for r in rows] or [1]
    actors = sorted({r["supplier"]["slug"] for r in rows}) or ["russia"]
    conn.close()
    return deals, actors


def run(base, clients, seconds, seed):
    parts = urlsplit(base)
    deals, actors = sample_ids(base)
    weighted = [(label, path) for weight, label, path in MIX for _ in range(weight)]
    deadline = time.monotonic() + seconds
    results, lock = [], threading.Lock()

    def client(index):
        rng = random.Random(seed + index)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        local = []
        while time.monotonic() < deadline:
            label, template = rng.choice(weighted)
            path = template.format(deal=rng.choice(deals), actor=rng.choice(actors))
            start = time.perf_counter()
            try:
                status, _ = fetch(conn, path)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
            local.append((label, status, time.perf_counter() - start))
        conn.close()
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return summarise(results, elapsed, clients)


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summarise(results, elapsed, clients):
    def stats(rows):
        latencies = [r[2] * 1000 for r in rows]
        return {
            "requests": len(rows),
            "rps": round(len(rows) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
            "errors": sum(1 for r in rows if r[1] != 200),
        }

    by_label = {}
    for row in results:
        by_label.setdefault(row[0], []).append(row)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "total": stats(results),
        "cases": {label: stats(rows) for label, rows in sorted(by_label.items())},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="Also write the summary here.")
    args = parser.parse_args()
    host = urlsplit(args.base).hostname
    if not (host in ("localhost", "::1") or host.startswith("127.")):
        parser.error("load runs against loopback only")
    summary = run(args.base, args.clients, args.seconds, args.seed)
    print(f"{'case':10} {'requests':>9} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, s in [*summary["cases"].items(), ("TOTAL", summary["total"])]:
        print(f"{label:10} {s['requests']:>9} {s['rps']:>8} {s['p50_ms']:>8} {s['p99_ms']:>8} {s['errors']:>7}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(summary, out, indent=2)
    raise SystemExit(1 if summary["total"]["errors"] else 0)


if __name__ == "__main__":
    main()
