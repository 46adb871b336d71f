"""Shared fixtures: a seeded database for the whole session, and a curator account."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

# The contracts' own asserts then explain a failure as the tests' asserts do.
pytest.register_assert_rewrite("tests.api_contract", "tests.factories")

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED_ARTICLE = SHARED / "seeds" / "000_9d6935021ca2e7a6.txt"
DOMAIN_APPS = ["actors", "systems", "deals", "sources"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed once per session; each test then runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(username="curator", password="curator-pass-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def seed_text():
    if not SEED_ARTICLE.exists():
        pytest.skip(f"The seed article is not at {SEED_ARTICLE}: ../shared is missing from this checkout.")
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make many users; a deliberately slow hasher only slows them down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def restore_seed_afterwards(django_db_blocker):
    """Restores the seed and the curators group once pytest-django has emptied a committed database."""
    yield
    from django.contrib.auth.models import Group, Permission

    from core.curators import ensure_curators_group

    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
        ensure_curators_group(Group, Permission)


@pytest.fixture
def committed_db(restore_seed_afterwards, transactional_db):
    """A database whose writes other threads and processes see. Set up after `restore_seed_afterwards`, so it is
    torn down (tables emptied) before the restore runs."""
