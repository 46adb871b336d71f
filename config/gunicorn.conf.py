"""Gunicorn settings for `make serve`: loopback bind behind a TLS proxy, sized from the environment."""

import multiprocessing
import os
import shutil
import tempfile

# Loopback only: TLS ends at the proxy in front (docs/deploy.md), which is the only client that should reach us.
bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# The usual 2 x cores + 1, capped: each worker holds its own database connections (CONN_MAX_AGE), and past
# about eight a single host gains little while PostgreSQL's connection slots run out.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))

# gthread served more of the deal list than sync once clients outnumbered workers (docs/deploy.md): it keeps
# connections alive, which sync cannot, and a slow client ties up one thread instead of a whole process.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# Recycle workers now and then, staggered, so a slow leak in any dependency cannot grow without bound.
# Each restart re-imports Django in the new worker; at 2,000 that was 6% of the CPU under load (docs/performance.md).
max_requests = 20000
max_requests_jitter = 2000
timeout = 30
graceful_timeout = 30
keepalive = 5

# The app logs one line per request itself (core/logs.py, with its request id and user), so gunicorn's access log
# is off; gunicorn's own messages (workers starting, timing out) go to stderr.
accesslog = None
errorlog = "-"

# Metrics from every worker in one scrape (core/metrics.py): each worker writes its counters under this directory,
# emptied at each start. Set before any worker imports prometheus_client.
OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="dealgraph-metrics-")


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


# The control socket defaults to one path per user in $HOME, which two instances on one host would fight over.
control_socket_disable = True
