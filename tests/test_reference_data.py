"""The reference data. A database that was migrated and never seeded: every command either works or says in one line
what to run. Once seeded: the names news uses for states (demonyms, capitals, abbreviations) and the arms industry's
companies, each name belonging to one actor only."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from actors.models import Actor, ActorAlias
from sources.models import Source
from systems.models import Category

from .sipri_files import CLASSIC_ROWS, classic

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# States and territories with no demonym in fixtures/state_names.json, on purpose.
NO_DEMONYM = {
    "dr-congo": "'Congolese' names both Congos; 'Congo-Kinshasa' and 'DRC' are there instead",
    "congo": "'Congolese' names both Congos; 'Congo-Brazzaville' is there instead",
    "guinea": "'Guinean' also fits Guinea-Bissau, Equatorial Guinea and Papua New Guinea; 'Guinea-Conakry' instead",
    "dominica": "'Dominican' names Dominica and the Dominican Republic",
    "dominican-republic": "'Dominican' names Dominica and the Dominican Republic",
    "central-african-republic": "'Central African' is as often the region's adjective",
    "micronesia": "'Micronesian' is as often the region's adjective",
    "guernsey": "no demonym in news use other than the name itself",
    "jersey": "no demonym in news use other than the name itself",
    "caribbean-netherlands": "three islands, each with its own demonym, none for the whole",
    "antarctica": "no people; 'Antarctic' is the region's adjective",
    "bouvet-island": "uninhabited",
    "heard-island-and-mcdonald-islands": "uninhabited",
    "south-georgia-and-the-south-sandwich-islands": "no permanent population",
    "french-southern-territories": "no permanent population",
    "british-indian-ocean-territory": "no permanent population of its own",
    "united-states-minor-outlying-islands": "no permanent population",
    "svalbard-and-jan-mayen": "no demonym of its own; its people are Norwegian",
}
# States (current, kind `state`) with no capital or seat among their metonyms, on purpose.
NO_METONYM = {
    "singapore": "the capital is the state's own name",
    "monaco": "the capital is the state's own name",
    "san-marino": "the capital is the state's own name",
    "luxembourg": "the capital is the state's own name",
    "djibouti": "the capital is the state's own name",
    "maldives": "Malé is written 'Male', an ordinary English word",
    "seychelles": "Victoria: a given name and many places",
    "jamaica": "Kingston: also Ontario's and Norfolk Island's",
    "saint-vincent-and-the-grenadines": "Kingstown: too close to Kingston",
    "bahamas": "Nassau: also a German house and a New York county",
    "chile": "Santiago: a given name and many cities (Santiago de Cuba, Santiago de Compostela)",
    "guyana": "Georgetown: also Washington's, Penang's and the Caymans'",
    "costa-rica": "San José: also California's",
    "panama": "Panama City: also Florida's, home of a US Navy laboratory",
    "antigua-and-barbuda": "St. John's: also Newfoundland's",
    "grenada": "St. George's: also Bermuda's",
    "comoros": "Moroni: a given name",
    "belgium": "Brussels usually stands for the European Union (or NATO)",
    "bulgaria": "Sofia: a given name",
    "northern-cyprus": "Nicosia is Cyprus's metonym; the divided city is claimed by both",
}
# Companies not (yet) linked to a state through part_of.
UNPLACED_COMPANIES = {
    "mikoyan": "defined in seed_article.json with no part_of; United Aircraft Corporation is its parent"
}


@pytest.fixture
def migrated_only(tmp_path):
    """The DATABASE_URL of a database of the suite's kind (SQLite or PostgreSQL) that has only been migrated."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated-only.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_migrated_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        yield f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def counts(database_url) -> str:
    probe = (
        "from deals.models import Deal; from sources.models import Source; from systems.models import Category;"
        "from actors.models import Actor;"
        "print(Deal.objects.count(), Source.objects.count(), Category.objects.count(), Actor.objects.count())"
    )
    result = manage(database_url, "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[-2]


def test_commands_on_a_migrated_but_unseeded_database(migrated_only, tmp_path):
    migrated = manage(migrated_only, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    register = classic(tmp_path, CLASSIC_ROWS)

    # The import names what is missing and what to run, in one line, and writes nothing.
    refused = manage(migrated_only, "import_sipri", str(register))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "CommandError: This database lacks SIPRI's armament categories and the states and SIPRI's names for "
        "them: run `manage.py seed` first, then import again."
    ]
    assert "KeyError" not in refused.stdout + refused.stderr
    assert counts(migrated_only) == "0 0 0 0"

    # The curators group and its permissions come with migrate, so a curator can be made at once.
    curator = manage(migrated_only, "createcurator", "alice")
    assert curator.returncode == 0, curator.stderr
    assert "Created curator alice" in curator.stderr and curator.stdout.strip()
    probe = (
        "from django.contrib.auth.models import User; u = User.objects.get(username='alice');"
        "print(u.has_perm('deals.add_deal'), u.has_perm('systems.change_system'), u.has_perm('auth.add_user'))"
    )
    assert manage(migrated_only, "shell", "-c", probe).stdout.split("\n")[-2] == "True True False"

    # After the seed the same file imports, and a second seed adds nothing.
    seeded = manage(migrated_only, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert ", 0 already present" in seeded.stdout
    imported = manage(migrated_only, "import_sipri", str(register))
    assert imported.returncode == 0, imported.stderr
    assert "deals created 6, updated 0" in imported.stdout, imported.stdout
    before = counts(migrated_only)
    again = manage(migrated_only, "seed")
    assert again.returncode == 0 and again.stdout.startswith("Seed: 0 records added"), again.stdout + again.stderr
    assert counts(migrated_only) == before


@pytest.mark.django_db
def test_a_partly_emptied_vocabulary_is_named(tmp_path):
    """A category a curator removed is named, rather than failing later on the first system filed under it."""
    Category.objects.filter(slug="satellites").delete()
    with pytest.raises(CommandError) as refused:
        call_command("import_sipri", str(classic(tmp_path, CLASSIC_ROWS)))
    assert str(refused.value) == (
        "This database lacks SIPRI's armament category satellites: run `manage.py seed` first, then import again."
    )
    assert not Source.objects.filter(
        title__startswith="SIPRI Arms Transfers Database: trade register (data generated 3 Mar"
    )


def seed_records(model):
    """The fields of every record of one model in the seed fixtures, with the fixture each comes from."""
    for name in settings.SEED_FIXTURES:
        for record in json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")):
            if record["model"] == model:
                yield name, record["fields"]


def test_no_name_belongs_to_two_actors():
    """Across every seed fixture, case-insensitively, an actor's name or alias resolves to that actor alone."""
    owners = {}
    for _fixture, fields in seed_records("actors.actor"):
        owners.setdefault(fields["name"].lower(), set()).add(fields["slug"])
    for _fixture, fields in seed_records("actors.actoralias"):
        owners.setdefault(fields["name"].lower(), set()).add(fields["actor"][0])
    assert {name: slugs for name, slugs in owners.items() if len(slugs) > 1} == {}


def test_no_alias_repeats_one_already_there():
    seen = {}
    for fixture, fields in seed_records("actors.actoralias"):
        key = (fields["actor"][0], fields["name"].lower())
        assert key not in seen, f"{fixture} repeats {key} from {seen[key]}"
        seen[key] = fixture


@pytest.mark.django_db
def test_every_state_and_territory_has_a_demonym_unless_skipped():
    polities = set(
        Actor.objects.filter(kind__in=["state", "territory", "historical_state"]).values_list("slug", flat=True)
    )
    with_demonym = set(ActorAlias.objects.filter(kind="demonym").values_list("actor__slug", flat=True))
    assert set(NO_DEMONYM) <= polities
    assert polities - with_demonym == set(NO_DEMONYM)


@pytest.mark.django_db
def test_every_state_has_a_metonym_unless_skipped():
    states = set(Actor.objects.filter(kind="state").values_list("slug", flat=True))
    with_metonym = set(ActorAlias.objects.filter(kind="metonym").values_list("actor__slug", flat=True))
    assert set(NO_METONYM) <= states
    assert states - with_metonym == set(NO_METONYM)
    washington = ActorAlias.objects.get(name="Washington")
    assert (washington.actor.slug, washington.kind) == ("united-states", "metonym")
    assert {a.name for a in ActorAlias.objects.filter(actor__slug="ukraine", kind="metonym")} == {"Kyiv", "Kiev"}


@pytest.mark.django_db
def test_every_company_resolves_through_part_of_to_a_state():
    companies = Actor.objects.filter(kind="company").select_related("part_of")
    assert companies.count() >= 60
    for company in companies.exclude(slug__in=UNPLACED_COMPANIES):
        actor, seen = company, set()
        while actor.kind != "state":
            assert actor.part_of is not None, f"{company.slug} stops at {actor.slug}, which is part of nothing"
            assert actor.pk not in seen, f"{company.slug}: part_of loops"
            seen.add(actor.pk)
            actor = actor.part_of
    assert Actor.objects.get(slug="sukhoi").part_of.slug == "united-aircraft-corporation"
    assert ActorAlias.objects.get(name__iexact="lockheed").actor.slug == "lockheed-martin"


@pytest.mark.django_db
def test_seed_loads_every_reference_name_and_company():
    """Every record of the two fixtures is in the seeded database, and seeding again adds nothing."""
    aliases = {(f["actor"][0], f["name"]) for fixture, f in seed_records("actors.actoralias")}
    assert aliases <= set(ActorAlias.objects.values_list("actor__slug", "name"))
    actors = {f["slug"] for fixture, f in seed_records("actors.actor")}
    assert actors <= set(Actor.objects.values_list("slug", flat=True))
    before = (Actor.objects.count(), ActorAlias.objects.count())
    call_command("seed", "state_names", "companies", verbosity=0)
    assert (Actor.objects.count(), ActorAlias.objects.count()) == before
