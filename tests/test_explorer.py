"""The explorer's pages without a browser: every page type answers the same way (HTML, a fixed number of queries
whatever the page size, nothing loaded from elsewhere, a policy forbidding inline script, ETags and the response
cache), third parties' text stays text on every page and chart, and the forms speak the API's parameters."""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actors.models import Actor, ActorAlias
from core import response_cache
from deals.filters import DealFilterSet
from deals.models import Deal, Delivery
from explorer import forms
from sources.models import Citation, Source
from stats.filters import DeliveryStatsFilterSet
from systems.models import Category, System

from .api_contract import row_counts
from .factories import make_deals

pytestmark = pytest.mark.django_db

HEADLINE = "/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022"
# What a first load may weigh, the page and every asset it loads (the budget).
FIRST_LOAD_BYTES = 300_000


class Resources(HTMLParser):
    """What a page makes the browser fetch or run: external resources, inline script and style, event handlers."""

    def __init__(self):
        super().__init__()
        self.fetched, self.inline_scripts, self.handlers, self.styles, self.tags = [], 0, [], 0, set()
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.handlers += [name for name in attrs if name.startswith("on")]
        self.styles += "style" in attrs or tag == "style"
        if tag == "script":
            if attrs.get("src"):
                self.fetched.append(attrs["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and attrs.get("href"):
            self.fetched.append(attrs["href"])
        elif tag in ("img", "iframe", "embed", "source", "audio", "video", "image", "use", "object"):
            self.fetched += [v for k, v in attrs.items() if k in ("src", "href", "xlink:href", "data", "srcset") and v]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def resources(body: str) -> Resources:
    parser = Resources()
    parser.feed(body)
    return parser


def static_file(url: str) -> Path:
    found = finders.find(url.removeprefix("/static/"))
    assert found, f"{url} is not one of the app's static files"
    return Path(found)


@pytest.fixture
def many():
    """Enough deals, deliveries and citations that every paged list on every page runs past one page."""
    return make_deals(30)


def page_urls(many) -> dict[str, str]:
    dataset = Source.objects.get(kind="dataset")
    return {
        "home": "/",
        "deals": "/deals/?recipient=poland",
        "deal": f"/deals/{many[0].pk}/",
        "actor": "/actors/poland/",
        "system": "/systems/mig-29/",
        "source": f"/sources/{dataset.pk}/",
        "flows": "/flows/?delivered_from=2000",
    }


PAGES = ["home", "deals", "deal", "actor", "system", "source", "flows"]
# The pages with a paged list; the others show a bounded number of rows.
PAGED = ["deals", "actor", "system", "source", "flows"]


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code, response.content[:400])
    assert response["Content-Type"].startswith("text/html")
    return response


@pytest.mark.parametrize("name", PAGES)
class TestEveryPage:
    def test_answers_html_with_landmarks_and_its_api_url(self, client, many, name):
        body = get(client, page_urls(many)[name]).content.decode()
        for landmark in ("<header", "<nav", "<main", "<footer", "<h1"):
            assert landmark in body, landmark
        assert 'href="http://testserver/api/' in body, "a page links to the same data in the API"

    def test_loads_nothing_from_elsewhere_and_runs_no_inline_script(self, client, many, name):
        response = get(client, page_urls(many)[name])
        found = resources(response.content.decode())
        assert found.inline_scripts == 0 and not found.handlers and not found.styles
        assert found.fetched, "the stylesheet and script at least"
        for url in found.fetched:
            assert url.startswith("/static/"), url
            text = static_file(url).read_text()
            assert not re.search(r"(https?:)?//[a-z0-9]", re.sub(r"https?://www\.w3\.org/[^\"' ]*", "", text)), url
            assert "@import" not in text and "@font-face" not in text, url
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"

    def test_first_load_fits_the_budget(self, client, many, name):
        body = get(client, page_urls(many)[name]).content
        assets = sum(static_file(url).stat().st_size for url in resources(body.decode()).fetched)
        assert len(body) + assets < FIRST_LOAD_BYTES, (len(body), assets)

    def test_carries_an_etag_and_answers_304_to_it(self, client, many, name):
        url = page_urls(many)[name]
        etag = get(client, url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_comes_from_the_response_cache(self, client, many, name, settings):
        settings.RESPONSE_CACHE_SECONDS = 60
        response_cache.install_on_open_connections()
        try:
            url = page_urls(many)[name]
            assert get(client, url)["X-Cache"] == "miss"
            assert get(client, url)["X-Cache"] == "hit"
        finally:
            response_cache.uninstall_from_open_connections()


# What each page reads. home: two rankings (each row carrying the total) and their actors, the latest deals (the
# page, its citations, its deliveries), the count, states and sources. deals: the category choices, the recipient
# named, the page, its citations and deliveries (a short first page is not counted). deal: the deal, its citations
# and deliveries, its history. actor: the actor, its aliases, successors, predecessors, parts, memberships both ways
# and deal counts (9); imports: years, partners, categories and their briefs (5); exports, which Poland has none
# of: years, partners, categories and the total (4); the deals page (3). system: the system and its lists, its
# buyers and their briefs, the deals page. source: the source, the citations page. flows: the category choices, the
# grouped rows, the suppliers' and recipients' briefs.
PAGE_QUERIES = {"home": 10, "deals": 5, "deal": 4, "actor": 21, "system": 9, "source": 2, "flows": 4}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_a_fixed_number_of_queries(client, many, name):
    url = page_urls(many)[name]
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    assert len(queries) == PAGE_QUERIES[name], [q["sql"][:90] for q in queries.captured_queries]


@pytest.mark.parametrize("name", PAGED)
def test_a_paged_page_runs_the_same_queries_whatever_the_page_size(client, many, name):
    url = page_urls(many)[name]
    counts = []
    for size in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            body = get(client, f"{url}{'&' if '?' in url else '?'}page_size={size}").content.decode()
        counts.append(len(queries))
        assert 'rel="next"' in body, "the list runs past one page"
    assert counts[0] == counts[1], counts


def test_the_headline_query_lists_the_seven_purchases_each_with_its_quote(client):
    body = get(client, HEADLINE).content.decode()
    assert "7 deals match" in body
    rows = re.findall(r"<td data-label=\"Deal\"><a href=\"/deals/(\d+)/\">", body)
    deals = Deal.objects.filter(pk__in=rows)
    assert sorted(d.system.slug for d in deals) == sorted(
        ["mig-29", "mi-35", "mi-17", "t-72ms", "pantsir-s1", "ch-92", "anti-aircraft-missiles"]
    ), [d.system.slug for d in deals]
    for deal in deals:
        quote = deal.citations.order_by("id").first().quote
        assert quote[:60].replace("'", "&#x27;") in body
    assert 'href="http://testserver/api/v1/deals/export.csv?recipient=serbia' in body
    assert 'href="http://testserver/api/v1/deals/?recipient=serbia' in body
    assert 'value="serbia"' in body and '<option value="purchase" selected>' in body


def test_the_form_takes_only_the_api_parameters_with_their_own_help():
    empty = QueryDict()
    for form, filterset in ((forms.deal_form(empty), DealFilterSet), (forms.flows_form(empty), DeliveryStatsFilterSet)):
        for field in form.fields:
            assert field.name in filterset.base_filters, field.name
            assert field.help == filterset.base_filters[field.name].extra["help_text"]
    names = {f.name for f in forms.deal_form(empty).fields}
    assert {"supplier", "recipient", "party", "system", "category", "kind", "status", "year_from", "year_to"} <= names
    assert {"delivered_from", "delivered_to", "source", "q", "ordering"} <= names


@pytest.mark.parametrize(
    "url, field, message",
    [
        ("/deals/?kind=bogus", "kind", "choose from"),
        ("/deals/?year_from=20x1", "year_from", ""),
        ("/deals/?recipient=atlantis", "recipient", "atlantis"),
        ("/deals/?page_size=100000", "page_size", "500"),
        ("/flows/?delivered_from=abc", "delivered_from", ""),
        ("/flows/?by=year", "by", "supplier and recipient"),
        ("/deals/?nonsense=1", "nonsense", "Unknown query parameter"),
    ],
)
def test_bad_input_is_a_400_page_naming_the_field(client, url, field, message):
    before = row_counts()
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert f"<code>{field}</code>" in body and message in body
    assert 'role="alert"' in body
    assert row_counts() == before


@pytest.mark.parametrize("url", ["/actors/atlantis/", "/systems/nothing-9/", "/deals/999999999/", "/no/such/page/"])
def test_unknown_records_are_html_404s(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<main" in response.content.decode()


def test_a_draft_is_a_404_for_readers_and_shown_to_curators(curator_client):
    deal = make_deals(1, review_status="draft")[0]
    assert Client().get(f"/deals/{deal.pk}/").status_code == 404
    assert "draft: not public" in curator_client.get(f"/deals/{deal.pk}/").content.decode()


def test_the_deal_page_shows_the_sipri_row_that_contradicts_the_article(client):
    deal = Deal.objects.get(supplier__slug="russia", recipient__slug="serbia", system__slug="mig-29")
    body = get(client, f"/deals/{deal.pk}/").content.decode()
    supporting, contradicting = body.split('id="contradicting-h"')
    contradiction = deal.citations.get(stance="contradicts")
    assert contradiction.quote[:40] in contradicting and contradiction.source.title in contradicting
    assert deal.citations.filter(stance="supports").first().quote[:40] in supporting
    assert "Russia → Serbia: MiG-29, order, 2021" in body


def test_the_actor_page_charts_a_bar_for_each_year_with_deliveries(client, many):
    body = get(client, "/actors/poland/").content.decode()
    years = sorted(set(Delivery.objects.filter(deal__recipient__slug="poland").values_list("year", flat=True)))
    chart = re.search(r'<svg[^>]*aria-labelledby="imports-deals-title[^>]*>(.*?)</svg>', body, re.S).group(1)
    charted = re.findall(r'<rect class="bar" data-label="(\d+)"', chart)
    assert [int(y) for y in charted] == years


# Untrusted text -----------------------------------------------------------------------------------------------------

HOSTILE = {
    "actor": '<script>alert("actor")</script>Evil Co',
    "alias": '"><img src=x onerror=alert("alias")>',
    "system": "<img src=x onerror=alert('system')>",
    "category": "<b>Ships</b>",
    "title": "<iframe src=javascript:alert('title')></iframe>",
    "publisher": "<svg onload=alert('publisher')>",
    "text": "<script>alert('text')</script>",
    "quote": '</blockquote><script>alert("quote")</script>',
    "hedge": "<a href=javascript:alert('hedge')>reportedly</a>",
    "locator": "<style>body{display:none}</style>",
    "note": "<object data=x>",
    "notes": "{{ 7*7 }}{% debug %}<marquee>notes</marquee>",
    "link": "javascript:alert('link')",
}


@pytest.fixture
def hostile():
    evil = Actor.objects.create(slug="evil-co", name=HOSTILE["actor"], kind="company", notes=HOSTILE["notes"])
    ActorAlias.objects.create(actor=evil, name=HOSTILE["alias"], kind="name")
    category = Category.objects.create(slug="evil-ships", name=HOSTILE["category"])
    system = System.objects.create(slug="evil-9", designation=HOSTILE["system"], category=category, producer=evil)
    source = Source.objects.create(
        kind="article", title=HOSTILE["title"], publisher=HOSTILE["publisher"], text=HOSTILE["text"], url=""
    )
    Source.objects.filter(pk=source.pk).update(url=HOSTILE["link"])  # as an import could store it, unvalidated
    serbia = Actor.objects.get(slug="serbia")
    deal = Deal.objects.create(
        supplier=evil, recipient=serbia, system=system, kind="purchase", status="delivered", year=2022,
        review_status="reviewed", notes=HOSTILE["notes"], quantity_text=HOSTILE["notes"],
    )  # fmt: skip
    Delivery.objects.create(deal=deal, year=2023, quantity=3, tiv=Decimal("12.5"))
    Citation.objects.create(
        source=source, deal=deal, quote=HOSTILE["quote"], hedge="reported", hedge_text=HOSTILE["hedge"],
        locator=HOSTILE["locator"], note=HOSTILE["note"],
    )  # fmt: skip
    return {"deal": deal, "source": source}


def test_third_parties_text_is_text_on_every_page_and_chart(client, hostile):
    urls = [
        "/",
        "/deals/?supplier=evil-co",
        "/deals/?q=Evil",
        f"/deals/{hostile['deal'].pk}/",
        "/actors/evil-co/",
        "/actors/serbia/",
        "/systems/evil-9/",
        f"/sources/{hostile['source'].pk}/",
        "/flows/?supplier=evil-co",
    ]
    shown = set()
    for url in urls:
        body = get(client, url).content.decode()
        found = resources(body)
        assert found.inline_scripts == 0 and not found.handlers and not found.styles, url
        assert not found.tags & {"iframe", "object", "marquee", "img", "b", "style"}, (url, found.tags)
        assert all(u.startswith("/static/") for u in found.fetched), (url, found.fetched)
        assert "javascript:" not in re.sub(r"&#x27;|&quot;", "", "".join(re.findall(r'href="([^"]*)"', body))), url
        for name, text in HOSTILE.items():
            assert text not in body or "<" not in text, (url, name)
            if _escaped(text) in body:
                shown.add(name)
    # Every hostile field was shown somewhere, escaped (so the test did look at each); the link as text only.
    assert shown == set(HOSTILE), set(HOSTILE) - shown
    chart = get(client, "/actors/evil-co/").content.decode()
    assert "&lt;script&gt;alert(&quot;actor&quot;)&lt;/script&gt;Evil Co: exports" in chart


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)
