"""Scale-out: a real streaming replica of the local PostgreSQL serves reads while writes go to the primary, and the
Redis response cache serves anonymous GETs until any write."""

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from core import response_cache
from core.replicas import PIN_COOKIE, REPLICA
from deals.models import Deal
from sources.models import Source

from .factories import deal_body, make_token


def china_deal(**fields):
    """A reviewed deal the API accepts: China to Armenia, CH-95 ordered, with the fields given."""
    return deal_body(supplier="china", recipient="armenia", system="ch-95", status="order", **fields)


ROUTERS = ["core.replicas.PrimaryReplicaRouter"]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def evidence() -> list[dict]:
    """The supporting citation a reviewed deal needs, quoting the seed article (read from the primary)."""
    source = Source.objects.using("default").get(title="Iran looks to the Balkan market for drone sales")
    return [{"source": source.pk, "quote": "Both Serbia and Armenia would be willing to acquire Iranian weaponry"}]


def run_as_server_user(command: list[str], **kwargs):
    """PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def server_binaries(cursor) -> Path | None:
    cursor.execute("SHOW server_version_num")
    major = int(cursor.fetchone()[0]) // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin"), Path(f"/usr/pgsql-{major}/bin")):
        if (candidate / "pg_ctl").exists() and (candidate / "pg_basebackup").exists():
            return candidate
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("pg_basebackup") else None


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A hot standby of the local PostgreSQL server on a free port, made with pg_basebackup; stopped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("The replica test needs PostgreSQL (DATABASE_URL=postgres://...).")
    primary = connection.settings_dict
    host, port, user = primary["HOST"] or "127.0.0.1", str(primary["PORT"] or 5432), primary["USER"] or "postgres"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        binaries = server_binaries(cursor)
        cursor.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes',"
            " 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')"
        )
        limits = dict(cursor.fetchall())
    if binaries is None:
        pytest.skip("pg_basebackup and pg_ctl of the server's version are not installed.")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("Running as root without runuser: cannot start a PostgreSQL server as the postgres user.")
    workdir = Path(tempfile.mkdtemp(prefix="dealgraph-replica-"))
    data = workdir / "data"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    env = {**os.environ, "PGPASSWORD": primary.get("PASSWORD") or ""}
    started = False
    try:
        backup = run_as_server_user(
            [
                str(binaries / "pg_basebackup"),
                "-h",
                host,
                "-p",
                port,
                "-U",
                user,
                "-D",
                str(data),
                "-X",
                "stream",
                "-R",
                "--checkpoint=fast",
            ],
            env=env,
            timeout=600,
        )
        if backup.returncode:
            if "pg_hba.conf" in backup.stderr or "replication" in backup.stderr:
                pytest.skip(
                    f"The server refuses replication connections ({backup.stderr.strip()}); "
                    f"allow them from {host} in pg_hba.conf, as .ci/run does."
                )
            pytest.fail(f"pg_basebackup failed: {backup.stderr}")
        replica_port = free_port()
        settings_lines = [
            f"port = {replica_port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{workdir}'",
            "hot_standby = on",
            "shared_buffers = 32MB",
            "fsync = off",
            "logging_collector = off",
            *(f"{name} = {value}" for name, value in limits.items()),
        ]
        (data / "postgresql.conf").write_text("\n".join(settings_lines) + "\n")
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        if os.geteuid() == 0:
            for path in (data / "postgresql.conf", data / "pg_hba.conf"):
                shutil.chown(path, "postgres", "postgres")
        start = run_as_server_user(
            [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(workdir / "replica.log"), "-w", "-t", "120", "start"],
            timeout=180,
        )
        if start.returncode:
            log = (workdir / "replica.log").read_text() if (workdir / "replica.log").exists() else ""
            pytest.fail(f"The replica did not start: {start.stdout}{start.stderr}\n{log[-2000:]}")
        started = True
        yield {"host": "127.0.0.1", "port": replica_port}
    finally:
        if started:
            run_as_server_user(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], timeout=120
            )
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def routed(replica, committed_db):
    """The app as DATABASE_REPLICA_URL configures it (the primary's test database, on the replica's port), once the
    replica has caught up. The connection is added at run time rather than in settings.DATABASES, which Django's
    test cases would flush between tests (a standby refuses that) and guard against use."""
    replica_settings = copy.deepcopy(connections.settings["default"])
    replica_settings.update(HOST=replica["host"], PORT=str(replica["port"]))
    replica_connection = type(connections["default"])(replica_settings, alias=REPLICA)
    setattr(connections._connections, REPLICA, replica_connection)
    try:
        with override_settings(DATABASE_ROUTERS=ROUTERS):
            wait_for_replay()
            yield replica_connection
    finally:
        replica_connection.close()
        delattr(connections._connections, REPLICA)


def wait_for_replay(timeout=60):
    """Until the replica has replayed everything the primary has written so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections[REPLICA].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.1)
    pytest.fail("The replica did not catch up within a minute.")


def set_replay(paused: bool):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


@pytest.fixture
def curator_token(django_user_model):
    user = django_user_model.objects.create_user("replica-curator")
    user.groups.add(Group.objects.get(name="curators"))
    return f"Token {make_token(user)}"


def test_reads_come_from_the_replica_and_writes_go_to_the_primary(routed, curator_token):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica fixture is not a standby"

    anonymous = APIClient()
    with CaptureQueriesContext(connection) as on_primary, CaptureQueriesContext(routed) as on_replica:
        listed = anonymous.get("/api/v1/deals/", {"recipient": "serbia"})
    assert listed.status_code == 200 and listed.json()["count"] > 0
    assert len(on_primary) == 0 and len(on_replica) > 0

    # With replay paused, a deal written to the primary exists there but not yet on the replica: an anonymous
    # read that misses it can only have come from the replica.
    citations = evidence()
    set_replay(paused=True)
    try:
        curator = APIClient()
        curator.credentials(HTTP_AUTHORIZATION=curator_token)
        with CaptureQueriesContext(connection) as on_primary, CaptureQueriesContext(routed) as on_replica:
            created = curator.post(
                "/api/v1/deals/",
                china_deal(notes="written while replay is paused", citations=citations),
                format="json",
            )
        assert created.status_code == 201, created.content
        assert len(on_replica) == 0 and len(on_primary) > 0
        assert created.cookies[PIN_COOKIE]["max-age"] > 0
        path = f"/api/v1/deals/{created.json()['id']}/"

        assert anonymous.get(path).status_code == 404  # the replica has not replayed the write yet
        # The writer reads its own write: its next requests are pinned to the primary, by cookie and by token.
        assert curator.get(path).status_code == 200
        curator.cookies.clear()
        assert curator.get(path).status_code == 200

        # Management commands and other code outside a request read from the primary.
        assert Deal.objects.filter(notes="written while replay is paused").exists()
    finally:
        set_replay(paused=False)
    wait_for_replay()
    assert anonymous.get(path).status_code == 200


def test_reads_inside_a_transaction_stay_on_the_primary(routed):
    from django.db import transaction

    from core.replicas import PrimaryReplicaRouter, _reset, _Routing, _routing

    token = _routing.set(_Routing(replica=True))
    try:
        assert PrimaryReplicaRouter().db_for_read(Deal) == REPLICA
        with transaction.atomic():
            assert PrimaryReplicaRouter().db_for_read(Deal) == "default"
        PrimaryReplicaRouter().db_for_write(Deal)
        assert PrimaryReplicaRouter().db_for_read(Deal) == "default"  # after a write, the request stays put
    finally:
        _reset(token)


# The response cache --------------------------------------------------------------------------------------------


@pytest.fixture
def redis_cache(committed_db):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS_URL} ({error}); .ci/run starts one.")
    prefix = f"dealgraph-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        with override_settings(CACHES=caches, RESPONSE_CACHE_SECONDS=60):
            response_cache.install_on_open_connections()
            yield
    finally:
        response_cache.uninstall_from_open_connections()
        for key in client.scan_iter(match=f"{prefix}:*", count=500):
            client.delete(key)
        client.close()


def test_anonymous_gets_are_cached_until_any_write(redis_cache, curator_token):
    anonymous = APIClient()
    path = "/api/v1/deals/?recipient=armenia"
    first = anonymous.get(path)
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = anonymous.get(path)
    assert second["X-Cache"] == "hit" and len(queries) == 0
    assert second.content == first.content and second["ETag"] == first["ETag"]
    detail = f"/api/v1/deals/{first.json()['results'][0]['id']}/"
    assert anonymous.get(detail)["X-Cache"] == "miss"
    cached_detail = anonymous.get(detail)
    assert cached_detail["X-Cache"] == "hit"
    assert anonymous.get(detail, HTTP_IF_NONE_MATCH=cached_detail["ETag"]).status_code == 304

    # A write through the API: the next read is computed afresh and shows it.
    curator = APIClient()
    curator.credentials(HTTP_AUTHORIZATION=curator_token)
    created = curator.post("/api/v1/deals/", china_deal(citations=evidence()), format="json")
    assert created.status_code == 201, created.content
    after_api_write = anonymous.get(path)
    assert after_api_write["X-Cache"] == "miss"
    assert after_api_write.json()["count"] == first.json()["count"] + 1
    assert anonymous.get(path)["X-Cache"] == "hit"

    # A write that bypasses models and signals (as the bulk importers do) drops the entries just the same.
    Deal.objects.filter(pk=created.json()["id"]).update(review_status="draft")
    after_bulk_write = anonymous.get(path)
    assert after_bulk_write["X-Cache"] == "miss"
    assert after_bulk_write.json()["count"] == first.json()["count"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE deals_deal SET notes = 'raw SQL' WHERE id = %s", [first.json()["results"][0]["id"]])
    assert anonymous.get(detail).json()["notes"] == "raw SQL"

    # Curators see drafts: their reads are never cached.
    assert "X-Cache" not in curator.get(path)


def test_the_cache_is_off_by_default(client, db):
    assert "X-Cache" not in client.get("/api/v1/deals/")


@pytest.mark.parametrize("replica_url", ["", "postgres://reader:secret@replica.example.org:5433/dealgraph"])
def test_the_replica_url_adds_the_replica_and_its_router(replica_url):
    script = (
        "import json; from django.conf import settings; replica = settings.DATABASES.get('replica'); "
        "print(json.dumps([replica and [replica['HOST'], str(replica['PORT']), replica['NAME']], "
        "settings.DATABASE_ROUTERS]))"
    )
    env = {**os.environ, "DATABASE_REPLICA_URL": replica_url}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(__file__).parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    replica, routers = json.loads(done.stdout.strip().splitlines()[-1])
    if replica_url:
        assert replica == ["replica.example.org", "5433", "dealgraph"] and routers == ROUTERS
    else:
        assert replica is None and routers == []
