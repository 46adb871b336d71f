"""The reference data. A database that was migrated and never seeded: every command either works or says in one line
what to run. Once seeded: the names news uses for states (demonyms, capitals, abbreviations) and the arms industry's
companies, each name belonging to one actor only; and the reference weapon systems, each designation or alias
belonging to one system only."""

import json
import os
import re
import subprocess
import sys
import unicodedata
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
from systems.models import Category, System, SystemAlias

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
# Names of weapon systems left out of fixtures/systems.json on purpose (neither a designation nor an alias), because
# intake would read them where they name something else, or they would name two systems.
SKIPPED_SYSTEM_NAMES = {
    "Viper": "the F-16V and the AH-1Z are both called Viper",
    "Tiger": "an ordinary word, and the Tamil Tigers or a team through the plural; the helicopter is 'EC665 Tiger'",
    "Hawk": "BAE's Hawk trainer and the MIM-23 HAWK SAM; they are 'Hawk 100' and 'MIM-23 HAWK'",
    "Cobra": "the AH-1 Cobra and Otokar's Cobra; the latter is 'Otokar Cobra'",
    "Caracal": "the H225M, EDGE's Caracal small arms and Rheinmetall's Caracal vehicle; the H225M is 'EC725' too",
    "Puma": "the SA 330 and AS332 helicopters and Germany's Puma IFV; the AS332 is 'Super Puma'",
    "Lynx": "Rheinmetall's KF41 Lynx and the Lynx helicopters; they are 'KF41 Lynx' and 'Super Lynx'",
    "Panther": "the K2 Black Panther, the KF51 Panther and the AS565 Panther",
    "Leopard": "Leopard 1 and Leopard 2 alike, and the animal",
    "Hornet": "the NBA's Charlotte Hornets read as F/A-18s through the plural; 'Super Hornet' is kept",
    "Seahawk": "the NFL's Seattle Seahawks through the plural; 'MH-60R Seahawk' is kept",
    "Wildcat": "teams and the F4F; 'AW159 Wildcat' is kept",
    "Merlin": "the AW101's name, a Rolls-Royce engine and the wizard",
    "Poseidon": "the P-8 and Russia's Poseidon torpedo; 'P-8 Poseidon' is kept",
    "Orion": "the P-3, Russia's Orion UAV and the Orion spacecraft",
    "Maverick": "an ordinary word; 'AGM-65 Maverick' is kept",
    "Eagle": "the F-15's name and an ordinary word; 'Strike Eagle' and 'Eagle II' are kept",
    "Atlas": "the A400M's name, Atlas Elektronik and the Atlas mountains",
    "Bushmaster": "the Australian vehicle, the Mk44 Bushmaster cannon and a rifle brand; 'Bushmaster PMV' is kept",
    "Mistral": "Mistral AI and the wind; the missile is 'Mistral 3', the ship 'Mistral-class'",
    "MILAN": "the city; the MILAN missile is left out",
    "Barak": "a given name (Ehud Barak, Barak Obama); the systems are 'Barak-8' and 'Barak MX'",
    "Arrow": "an ordinary word; the system is 'Arrow 3'",
    "Neptune": "the planet; the missile is 'R-360 Neptune'",
    "Tornado": "an ordinary word and the Panavia Tornado",
    "Tornado-S": "its letters and digits read as 'Tornados'; Russia's Tornado-G and Tornado-S are left out",
    "Nimr": "Sheikh Nimr al-Nimr; the vehicle is 'Nimr Ajban'",
    "Fuchs": "a common German surname; the vehicle is 'TPz Fuchs'",
    "Dhruv": "a common Indian given name; the helicopter is 'ALH Dhruv'",
    "Dana": "a given name; the Czech howitzer is left out",
    "Dita": "a given name; the Czech howitzer is left out",
    "Bastion": "an ordinary word and Camp Bastion; Arquus's vehicle is left out",
    "Guarani": "a people, a language and Paraguay's currency; the vehicle is 'VBTP-MR Guarani'",
    "Astros": "the Houston Astros; the launcher is 'Astros II'",
    "Pars": "Iran's South Pars gas field; FNSS's vehicle is 'Pars III'",
    "Harimau": "Malaysia's national football team; Indonesia's name for the Kaplan MT",
    "Anadolu": "the Anadolu Agency; TCG Anadolu is one ship",
    "Tunguska": "the river and the 1908 event; the system is '2K22 Tunguska'",
    "Shilka": "the river; the ZSU-23-4 is left out",
    "Onyx": "the stone; the missile is 'P-800 Oniks' or 'Yakhont'",
    "Huey": "a given name",
    "Golden Eagle": "the bird and a Russian film award",
    "Viking": "the BvS10's and the Buk-M3's names, and the Norse word",
    "M1": "a motorway, a chip and a car; the tank is 'M1 Abrams'",
    "FDI": "foreign direct investment; the frigate is 'Belharra' or 'FDI HN'",
    "HARM": "'Harm' at the start of a sentence; the missile is 'AGM-88 HARM'",
    "RAM": "memory, and 'Ram' at the start of a sentence; the missile is 'RIM-116 RAM'",
    "MLRS": "any multiple rocket launcher; the M270 is 'M270 MLRS'",
    "MRSAM": "any medium-range SAM; the system is 'Barak-8'",
    "LCA": "any light combat aircraft, or a landing craft; the aircraft is 'LCA Tejas'",
    "ATAK": "Turkish for attack, and an Android app; the helicopter is 'T129 ATAK' or 'T129'",
    "Bayraktar": "Baykar's brand on several drones (TB2, TB3, Akinci) and its owners' family name",
    "S-70": "Sikorsky's S-70 and Russia's S-70 Okhotnik; the export Black Hawk is 'S-70i'",
    "Rak": "Ras Al Khaimah (RAK); the mortar is 'M120 Rak'",
    "Poprad": "a Slovak town; the Polish system is left out",
    "Swathi": "a given name; the Indian radar is left out",
    "Umkhonto": "uMkhonto weSizwe and South Africa's MK Party; the missile is left out",
    "Goalkeeper": "a sports word; the Dutch CIWS is left out",
    "Trophy": "an ordinary word; the active protection system is left out",
    "Derby": "the horse race and the city; the missile is left out",
    "LORA": "a given name; the missile is left out",
    "Lancet": "the medical journal; the loitering munition is left out",
    "Excalibur": "Excalibur Army, a seeded company; the guided shell is left out",
    "Hermes": "a brand and a god; the UAVs are 'Hermes 450' and 'Hermes 900'",
    "Juan Carlos I": "the former Spanish king; the Navantia design is kept as 'Canberra-class'",
    "River-class": "Britain's patrol ships and Canada's Type 26 destroyers",
    "Invincible-class": "Britain's former carriers, not Singapore's Type 218SG",
    "Sentinel": "an ordinary word; the AN/MPQ-64 radar is left out",
    "Predator": "an ordinary word and a film; the MQ-1 is left out",
    "Alligator": "the Ka-52's popular name and the animal; its reporting name 'Hokum-B' is kept",
    "Havoc": "the Mi-28's reporting name, an ordinary word",
    "Halo": "the Mi-26's reporting name, an ordinary word and a video game",
    "Felon": "the Su-57's reporting name, an ordinary word",
    "Fencer": "the Su-24's reporting name, an ordinary word",
    "Hind": "the Mi-24's reporting name, an ordinary word ('hind legs')",
    "Hip": "the Mi-8's reporting name, an ordinary word",
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


def assert_seeding_again_adds_nothing(fixtures, *models):
    before = [model.objects.count() for model in models]
    call_command("seed", *fixtures, verbosity=0)
    assert [model.objects.count() for model in models] == before


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
    assert_seeding_again_adds_nothing(["state_names", "companies"], Actor, ActorAlias)


def system_key(name: str) -> str:
    """Letters and digits only, lower-cased, accents dropped: "Su-30", "SU 30" and "Su30" are one name."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", name).lower() if c.isalnum() and not unicodedata.combining(c)
    )


def system_names():
    """Each name (designation or alias) of every seeded system, keyed by `system_key`: the slugs it names."""
    owners = {}
    for _fixture, fields in seed_records("systems.system"):
        if fields["designation"]:
            owners.setdefault(system_key(fields["designation"]), set()).add(fields["slug"])
    for _fixture, fields in seed_records("systems.systemalias"):
        owners.setdefault(system_key(fields["name"]), set()).add(fields["system"][0])
    return owners


def test_systems_are_seeded_last():
    """Seeded after everything else, so the records that were there before keep their ids."""
    assert settings.SEED_FIXTURES[-1] == "systems"


def test_no_name_belongs_to_two_systems():
    """Across every seed fixture, the seed article's systems included, a designation or alias names one system."""
    assert {key: slugs for key, slugs in system_names().items() if len(slugs) > 1} == {}


def test_skipped_system_names_are_left_out():
    names = system_names()
    assert {name for name in SKIPPED_SYSTEM_NAMES if system_key(name) in names} == set()
    assert len({system_key(name) for name in SKIPPED_SYSTEM_NAMES}) == len(SKIPPED_SYSTEM_NAMES)


def test_reference_systems_fixture_is_well_formed():
    records = json.loads((FIXTURES / "systems.json").read_text(encoding="utf-8"))
    systems = [r["fields"] for r in records if r["model"] == "systems.system"]
    aliases = [r["fields"] for r in records if r["model"] == "systems.systemalias"]
    assert 300 <= len(systems) <= 450 and len(aliases) >= 300
    categories = {f["slug"] for _fixture, f in seed_records("systems.category")}
    seed_systems = {f["slug"] for fixture, f in seed_records("systems.system") if fixture != "systems"}
    assert not {f["slug"] for f in systems} & seed_systems, "systems.json redefines a system of the seed article"
    for fields in systems:
        assert fields["category"][0] in categories, fields["slug"]
        assert fields["origin"], f"{fields['slug']} has no origin"
        assert not fields["is_generic"] and fields["designation"] and fields["review_status"] == "reviewed"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", fields["slug"]), fields["slug"]


@pytest.mark.django_db
def test_every_reference_system_resolves():
    """Every seeded system's origin is a state (or a historical one), its producer a company, its base system there."""
    slugs = {f["slug"]: f for _fixture, f in seed_records("systems.system")}
    systems = {s.slug: s for s in System.objects.filter(slug__in=slugs).select_related("origin", "producer")}
    assert set(systems) == set(slugs)
    for slug, fields in slugs.items():
        system = systems[slug]
        if fields["origin"]:
            assert system.origin.kind in ("state", "historical_state"), f"{slug}: origin {system.origin.slug}"
        if fields["producer"]:
            assert system.producer.kind == "company", f"{slug}: producer {system.producer.slug}"
        if fields["variant_of"]:
            assert system.variant_of.slug == fields["variant_of"][0], slug
    leopard = System.objects.get(slug="leopard-2a7")
    assert (leopard.variant_of.slug, leopard.origin.slug, leopard.producer.slug) == ("leopard-2", "germany", "knds")
    assert SystemAlias.objects.get(name="Triumf").system.slug == "s-400"
    assert System.objects.get(slug="mig-29smt").variant_of.slug == "mig-29"


@pytest.mark.django_db
def test_seed_loads_every_reference_system_and_alias():
    """Every system and alias of systems.json is in the seeded database, and seeding again adds nothing."""
    aliases = {(f["system"][0], f["name"]) for _fixture, f in seed_records("systems.systemalias")}
    assert aliases <= set(SystemAlias.objects.values_list("system__slug", "name"))
    assert_seeding_again_adds_nothing(["systems"], System, SystemAlias)
