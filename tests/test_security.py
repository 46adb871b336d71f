"""Running in public: rate limits no header can dodge, hashed and revocable tokens, a login that stops guessing."""

import hashlib
import importlib
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from accounts.models import ApiToken

from .factories import make_curator, make_token

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
BASE = "/api/v1"
PROXY = "10.0.0.7"


@pytest.fixture
def anon_limit_3(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "1000/minute"})


@pytest.fixture
def proxies(settings):
    def set_count(count: int):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_count


def statuses(client, forwarded_fors, remote=PROXY, path=f"{BASE}/actors/serbia/"):
    return [
        client.get(path, HTTP_X_FORWARDED_FOR=xff, REMOTE_ADDR=remote).status_code
        if xff is not None
        else client.get(path, REMOTE_ADDR=remote).status_code
        for xff in forwarded_fors
    ]


# Rate limits ---------------------------------------------------------------------------------------------------------


def test_an_invented_forwarded_for_does_not_buy_a_new_budget(anon_limit_3):
    invented = [f"198.51.100.{i}" for i in range(6)]
    assert statuses(APIClient(), invented) == [200, 200, 200, 429, 429, 429]


def test_the_response_cache_does_not_bypass_the_limit(anon_limit_3, settings):
    settings.RESPONSE_CACHE_SECONDS = 60
    client = APIClient()
    first = client.get(f"{BASE}/actors/serbia/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY)
    assert first["X-Cache"] == "miss"
    assert statuses(client, ["198.51.100.2", "198.51.100.3", "198.51.100.4"]) == [200, 200, 429]


def test_behind_one_proxy_each_client_has_its_own_budget(anon_limit_3, proxies):
    proxies(1)
    client = APIClient()
    # The proxy appends the address it saw; whatever the client put before it is theirs to invent.
    alice = ["203.0.113.5", "6.6.6.6, 203.0.113.5", "1.1.1.1, 2.2.2.2, 203.0.113.5", "9.9.9.9, 203.0.113.5"]
    assert statuses(client, alice) == [200, 200, 200, 429]
    assert statuses(client, ["203.0.113.9", "203.0.113.5, 203.0.113.9"]) == [200, 200]
    # A request that reached us without the proxy (no header) is counted by its socket address.
    assert statuses(client, [None], remote="192.0.2.1") == [200]


def test_client_address_is_the_one_the_login_lockout_uses_too(settings, proxies, rf):
    from axes.helpers import get_client_ip_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5", REMOTE_ADDR=PROXY)
    assert get_client_ip_address(request) == PROXY
    proxies(1)
    assert get_client_ip_address(request) == "203.0.113.5"


# Tokens --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def alice(django_user_model):
    return make_curator(django_user_model, "alice")


def authed(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_tokens_are_stored_hashed_and_never_dumped_usable(alice, tmp_path):
    secret = make_token(alice, "dashboard")
    row = ApiToken.objects.get(user=alice)
    assert len(secret) == 64
    assert row.digest == hashlib.sha512(secret.encode()).hexdigest()
    assert row.token_key == secret[:15]
    assert secret not in " ".join(str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields)
    # No stored column holds the secret, so no backup of the database can (tests/test_backup.py checks the file).
    assert "authtoken_token" not in connection.introspection.table_names()


def test_a_user_holds_several_named_tokens_and_revokes_one(alice):
    laptop, dashboard = make_token(alice, "laptop"), make_token(alice, "dashboard")
    listed = authed(laptop).get(f"{BASE}/tokens/")
    assert listed.status_code == 200
    assert sorted(t["name"] for t in listed.json()) == ["dashboard", "laptop"]
    assert set(listed.json()[0]) == {"token_key", "name", "created", "expiry"}
    assert laptop not in listed.content.decode() and dashboard not in listed.content.decode()

    assert authed(laptop).delete(f"{BASE}/tokens/{dashboard[:15]}/").status_code == 204
    refused = authed(dashboard).get(f"{BASE}/tokens/")
    assert refused.status_code == 401 and refused.json() == {"detail": "Invalid token."}
    assert [t["name"] for t in authed(laptop).get(f"{BASE}/tokens/").json()] == ["laptop"]
    # Writes still work with the token that is left.
    created = authed(laptop).post(f"{BASE}/sources/", {"kind": "article", "title": "Still here"}, format="json")
    assert created.status_code == 201


def test_nobody_sees_or_revokes_anothers_tokens(alice, django_user_model):
    bob_secret = make_token(make_curator(django_user_model, "bob"), "bob's script")
    alice_client = authed(make_token(alice, "alice's"))
    assert [t["name"] for t in alice_client.get(f"{BASE}/tokens/").json()] == ["alice's"]
    missing = alice_client.delete(f"{BASE}/tokens/{bob_secret[:15]}/")
    assert missing.status_code == 404 and missing.json() == {"detail": "You hold no token with this key."}
    assert authed(bob_secret).get(f"{BASE}/tokens/").status_code == 200
    anonymous = APIClient().get(f"{BASE}/tokens/")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"


def test_tokens_expire(alice, settings):
    secret = make_token(alice)
    expiry = ApiToken.objects.get(user=alice).expiry
    assert timedelta(days=89) < expiry - timezone.now() <= timedelta(days=90)
    ApiToken.objects.filter(user=alice).update(expiry=timezone.now() - timedelta(seconds=1))
    assert authed(secret).get(f"{BASE}/tokens/").status_code == 401
    assert not ApiToken.objects.filter(user=alice).exists()  # knox deletes an expired token when it is tried

    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": None}
    make_token(alice)
    assert ApiToken.objects.get(user=alice).expiry is None


def test_createcurator_prints_a_new_named_token_each_run(capsys):
    call_command("createcurator", "dana", "--token-name", "laptop")
    first = capsys.readouterr()
    call_command("createcurator", "dana", "--token-name", "notebook")
    second = capsys.readouterr()
    assert "laptop" in first.err and "shown this once" in first.err
    tokens = [first.out.strip(), second.out.strip()]
    assert tokens[0] != tokens[1]
    for secret in tokens:
        assert authed(secret).get(f"{BASE}/tokens/").status_code == 200
    assert sorted(ApiToken.objects.filter(user__username="dana").values_list("name", flat=True)) == [
        "laptop",
        "notebook",
    ]


def test_a_user_holds_at_most_25_tokens(alice):
    for i in range(25):
        make_token(alice, f"app {i}")
    with pytest.raises(CommandError, match="already holds 25 tokens, the most one user may; revoke one first"):
        call_command("createcurator", "alice", "--token-name", "one too many")
    assert ApiToken.objects.filter(user=alice).count() == 25


@pytest.mark.parametrize(
    "header",
    [b"Token", b"Token a b", b"Token \xff\xfe", b"Token " + b"0" * 64, "Token ünïcode".encode()],
    ids=["no key", "spaces", "not utf-8", "unknown", "non-ascii"],
)
def test_malformed_token_headers_are_401(header):
    response = APIClient().get(f"{BASE}/tokens/", HTTP_AUTHORIZATION=header.decode("latin-1"))
    assert response.status_code == 401, response.content
    assert "detail" in response.json()


def test_plain_tokens_from_before_hashing_keep_working(alice):
    """The migration that moved DRF's plain `authtoken_token` rows into the hashed table, run on such a table."""
    migration = importlib.import_module("accounts.migrations.0002_hash_plain_tokens")
    key = "0123456789abcdef0123456789abcdef01234567"  # DRF's keys: 40 hex characters
    made = (timezone.now() - timedelta(days=400)).replace(microsecond=0)
    timestamp = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, created {timestamp} NOT NULL, user_id integer NOT NULL)'
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, made, alice.pk])
    from django.apps import apps

    migration.hash_plain_tokens(apps, connection.SchemaEditorClass(connection))
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=alice)
    assert token.name == migration.NAME and token.digest != key and token.created == made
    assert timedelta(days=89) < token.expiry - timezone.now() <= timedelta(days=90)
    assert authed(key).get(f"{BASE}/tokens/").status_code == 200


# Password guessing ---------------------------------------------------------------------------------------------------

LOCKED = "Account locked: too many login attempts. Please try again later."


@pytest.fixture
def staff(django_user_model, settings):
    settings.AXES_FAILURE_LIMIT = 3
    django_user_model.objects.create_user("eve", password="eve-right-pass-42", is_staff=True, is_superuser=True)
    return django_user_model.objects.create_user("zoe", password="zoe-right-pass-42", is_staff=True, is_superuser=True)


def login(username, password, remote="192.0.2.10", **headers):
    from django.test import Client

    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        **headers,
    )
    return response, client


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_wrong_passwords_lock_the_account_from_that_address(staff, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    codes = [login("zoe", f"wrong-{i}")[0].status_code for i in range(3)]
    assert codes == [200, 200, 429]
    response, client = login("zoe", "zoe-right-pass-42")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)
    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    # Once when the limit is reached, and again for each attempt while locked out (the right password included).
    assert len(lockouts) == 2, lockouts
    assert all('username: "zoe"' in line and 'ip_address: "192.0.2.10"' in line for line in lockouts), lockouts


def test_a_lockout_leaves_other_accounts_and_addresses_alone(staff):
    for i in range(3):
        login("zoe", f"wrong-{i}")
    other_account = login("eve", "eve-right-pass-42")
    assert other_account[0].status_code == 302 and logged_in(other_account[1])
    other_address = login("zoe", "zoe-right-pass-42", remote="192.0.2.99")
    assert other_address[0].status_code == 302 and logged_in(other_address[1])


def test_invented_forwarded_for_does_not_dodge_the_lockout(staff):
    for i in range(3):
        login("zoe", f"wrong-{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response, client = login("zoe", "zoe-right-pass-42", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429 and not logged_in(client)


def test_the_lockout_ends_after_the_cool_off(staff, settings):
    for i in range(3):
        login("zoe", f"wrong-{i}")
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    response, client = login("zoe", "zoe-right-pass-42")
    assert response.status_code == 302 and logged_in(client)


# Settings from the environment ---------------------------------------------------------------------------------------


SETTINGS_VARIABLES = ("TOKEN_TTL_DAYS", "NUM_PROXIES", "LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES")


def settings_with(**environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(environment)
    probe = (
        "from django.conf import settings as s;"
        "print(s.REST_KNOX['TOKEN_TTL'], s.REST_FRAMEWORK['NUM_PROXIES'], s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("environment", "printed"),
    [
        ({}, "90 days, 0:00:00 0 5 0:15:00"),
        (
            {"TOKEN_TTL_DAYS": "7", "NUM_PROXIES": "1", "LOGIN_FAILURE_LIMIT": "10", "LOGIN_COOLOFF_MINUTES": "60"},
            "7 days, 0:00:00 1 10 1:00:00",
        ),
        ({"TOKEN_TTL_DAYS": "0"}, "None 0 5 0:15:00"),
        ({"TOKEN_TTL_DAYS": ""}, "None 0 5 0:15:00"),
    ],
    ids=["defaults", "set", "ttl 0", "ttl empty"],
)
def test_settings_come_from_the_environment(environment, printed):
    result = settings_with(**environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == printed


def test_a_negative_token_lifetime_is_refused():
    result = settings_with(TOKEN_TTL_DAYS="-1")
    assert result.returncode != 0
    assert "TOKEN_TTL_DAYS must be 0 (never expire) or a number of days." in result.stderr
