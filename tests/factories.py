"""Test data: records, accounts and API clients that test modules build instead of importing each other's helpers.

Plain functions rather than factory_boy: every test runs against the seeded database and refers to seeded actors,
systems and sources by slug, the contracts make sixty rows at a time through bulk_create, and neither needs
factory_boy's sequences or sub-factories enough to add a dependency for them."""

from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts.services import token_create
from actors.models import Actor
from core.curators import GROUP as CURATORS
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import Category, System

ARTICLE = "Iran looks to the Balkan market for drone sales"
WILLING = "Both Serbia and Armenia would be willing to acquire Iranian weaponry"


def article() -> Source:
    """The seeded news article whose quotes the seed's citations come from."""
    return Source.objects.get(title=ARTICLE)


def make_token(user, name: str = "tests") -> str:
    """A new API token's secret for `user`, as `createcurator` prints it."""
    return token_create(user=user, name=name)[1]


def token_client(user=None) -> APIClient:
    """An API client authenticated by token as `user`, or anonymous without one."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return client


def make_curator(user_model, username: str = "curator1"):
    """A user in the curators group, as `createcurator` makes one."""
    user = user_model.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=CURATORS))
    return user


def make_actor(**fields) -> Actor:
    return Actor.objects.create(**{"slug": "spare-co", "name": "Spare Co", "kind": "company", **fields})


def make_actors(n: int) -> list[Actor]:
    return Actor.objects.bulk_create(
        [Actor(slug=f"test-company-{i}", name=f"Test Company {i}", kind="company") for i in range(n)]
    )


def make_system(**fields) -> System:
    fields.setdefault("category", Category.objects.get(slug="aircraft"))
    return System.objects.create(**{"slug": "zz-9", "designation": "ZZ-9", **fields})


def make_systems(n: int) -> list[System]:
    aircraft = Category.objects.get(slug="aircraft")
    return System.objects.bulk_create(
        [System(slug=f"tx-{i}", designation=f"TX-{i}", category=aircraft, description="trainer") for i in range(n)]
    )


def make_deal(**fields) -> Deal:
    """A deal; a reviewed one comes with the supporting citation every reviewed deal needs."""
    defaults = {"kind": "purchase", "status": "order", "review_status": "reviewed"}
    for name, slug in (("supplier", "china"), ("recipient", "armenia")):
        if name not in fields:
            defaults[name] = Actor.objects.get(slug=slug)
    if "system" not in fields:
        defaults["system"] = System.objects.get(slug="ch-95")
    deal = Deal.objects.create(**{**defaults, **fields})
    if deal.review_status == "reviewed":
        Citation.objects.create(source=article(), deal=deal, quote=WILLING)
    return deal


def make_deals(n: int, review_status: str = "reviewed") -> list[Deal]:
    """n delivered deals from France, Germany and Italy to Poland, each with a delivery and two dataset citations."""
    suppliers = list(Actor.objects.filter(iso2__in=["FR", "DE", "IT"]))
    recipient = Actor.objects.get(iso2="PL")
    system = System.objects.get(slug="mig-29")
    deals = Deal.objects.bulk_create(
        [
            Deal(
                supplier=suppliers[i % 3],
                recipient=recipient,
                system=system,
                kind="purchase",
                status="delivered",
                year=2000 + i % 20,
                first_delivery_year=2000 + i % 20 + 1,
                last_delivery_year=2000 + i % 20 + 1,
                review_status=review_status,
            )
            for i in range(n)
        ]
    )
    Delivery.objects.bulk_create([Delivery(deal=d, year=d.first_delivery_year, quantity=2) for d in deals])
    source = Source.objects.get(kind="dataset")
    Citation.objects.bulk_create(
        [Citation(source=source, deal=d, quote=f"row {d.pk}", locator=f"line {d.pk}") for d in deals]
        + [Citation(source=source, deal=d, quote=f"second row {d.pk}") for d in deals]
    )
    return deals


def make_source(**fields) -> Source:
    return Source.objects.create(**{"kind": "article", "title": "Spare", **fields})


def make_sources(n: int) -> list[Source]:
    return Source.objects.bulk_create(
        [Source(kind="article", title=f"Story {i}", publisher=f"Outlet {i % 3}") for i in range(n)]
    )


def make_citation(**fields) -> Citation:
    if "source" not in fields:
        fields["source"] = article()
    if not {"deal", "actor", "system"} & set(fields):
        fields["actor"] = Actor.objects.get(slug="armenia")
    return Citation.objects.create(**{"quote": WILLING, **fields})


def make_citations(n: int) -> list[Citation]:
    source = Source.objects.get(kind="dataset")
    serbia = Actor.objects.get(slug="serbia")
    return Citation.objects.bulk_create([Citation(source=source, actor=serbia, quote=f"row {i}") for i in range(n)])


def deal_body(**overrides) -> dict:
    """A valid deal for the API, by slug and ISO code; a reviewed one still needs `citations` to be accepted."""
    body = {
        "supplier": "iran",
        "recipient": "AM",
        "system": "iranian-combat-drones",
        "kind": "purchase",
        "status": "offer",
        "review_status": "reviewed",
    }
    return {**body, **overrides}


def inline_management(prefix, total=0, initial=0) -> dict:
    """The management form of an admin inline formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def deal_form(**overrides) -> dict:
    """The admin's deal add form, filled in as a curator would, with empty delivery and citation inlines."""
    data = {
        "supplier": Actor.objects.get(slug="iran").pk,
        "recipient": Actor.objects.get(slug="armenia").pk,
        "system": System.objects.get(slug="iranian-combat-drones").pk,
        "kind": "purchase",
        "status": "offer",
        "review_status": "draft",
        "year": "",
        "date": "",
        "date_precision": "",
        "quantity_text": "",
        "quantity_ordered": "",
        "quantity_delivered": "",
        "condition": "unknown",
        "value": "",
        "currency": "",
        "notes": "",
        **inline_management("deliveries"),
        **inline_management("citations"),
    }
    return {**data, **overrides}
