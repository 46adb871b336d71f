"""A reader in headless Chromium uses the explorer on the seed data: the deal form, a deal's evidence, a country's
chart; axe-core finds no serious or critical accessibility problem on any page type, at desktop and phone width.
Screenshots of every page go to test-artifacts/."""

import re

import pytest
from django.core.management import call_command

from deals.models import Deal, Delivery
from sources.models import Source

from .test_browser import ARTIFACTS, chromium_page, database_restored_afterwards, sync_api  # noqa: F401

axe_module = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed: `pip install -e '.[dev]'`."
)

WIDTHS = {"desktop": 1280, "phone": 375}
# axe-core's impact levels that fail the check; "minor" and "moderate" findings are printed, not failed.
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def seeded(database_restored_afterwards, live_server):  # noqa: F811
    # The session's seed may be gone if another transactional test ran first; `seed` adds only what is missing.
    call_command("seed", verbosity=0)
    return live_server.url


def page_paths() -> dict[str, str]:
    mig29 = Deal.objects.get(supplier__slug="russia", recipient__slug="serbia", system__slug="mig-29")
    article = Source.objects.filter(kind="article", title__startswith="Iran looks").get()
    return {
        "home": "/",
        "deals": "/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022",
        "deal": f"/deals/{mig29.pk}/",
        "actor": "/actors/serbia/",
        "system": "/systems/mig-29/",
        "source": f"/sources/{article.pk}/",
        "flows": "/flows/",
        "bad-query": "/deals/?kind=bogus",
        "not-found": "/actors/atlantis/",
    }


def test_a_reader_finds_serbias_purchases_opens_the_mig29_and_serbias_chart(seeded):
    delivery_years = sorted(
        set(Delivery.objects.filter(deal__recipient__slug="serbia", deal__review_status="reviewed").values_list(
            "year", flat=True
        ))
    )  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page() as page:
        page.goto(f"{seeded}/")
        page.get_by_role("link", name="Deals", exact=True).click()

        recipient = page.get_by_label("Recipient", exact=True)
        recipient.press_sequentially("Serb")
        # The suggestions come from the API's actor search, through the page's own script.
        sync_api.expect(page.locator("#f-recipient-options option[value=serbia]")).to_have_count(1)
        recipient.fill("serbia")
        page.get_by_label("Kind").select_option("purchase")
        page.get_by_label("Ordered from (year)").fill("2021")
        page.get_by_label("Ordered to (year)").fill("2022")
        page.get_by_role("button", name="Show").click()

        # Empty fields stay out of the URL: it is the query, to bookmark or share.
        assert page.url.endswith("/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022"), page.url
        rows = page.locator("table.deals tbody tr")
        sync_api.expect(rows).to_have_count(7)
        sync_api.expect(page.get_by_role("status")).to_contain_text("7 deals match")
        for index in range(7):
            assert rows.nth(index).locator("blockquote.quote").inner_text().strip(), f"row {index} has no quote"
        page.screenshot(path=ARTIFACTS / "explorer-headline.png", full_page=True)

        rows.filter(has=page.get_by_role("link", name="MiG-29", exact=True)).get_by_role(
            "link", name=re.compile(r"^#")
        ).click()
        sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Russia → Serbia: MiG-29, order, 2021")
        against = page.get_by_role("region", name=re.compile("^Contradicting"))
        sync_api.expect(against.locator("figcaption")).to_contain_text("SIPRI Arms Transfers Database")
        sync_api.expect(against.locator("blockquote")).to_contain_text("MiG-29")

        page.get_by_role("link", name="Serbia", exact=True).first.click()
        sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Serbia")
        chart = page.locator('svg[aria-labelledby^="imports-deals-title"]')
        sync_api.expect(chart).to_be_visible()
        bars = chart.locator("rect.bar")
        assert [int(y) for y in bars.evaluate_all("rs => rs.map(r => r.dataset.label)")] == delivery_years


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(seeded):
    with chromium_page() as page:
        page.goto(f"{seeded}/deals/")
        page.keyboard.press("Tab")
        sync_api.expect(page.locator(":focus")).to_have_text("Skip to content")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        # The next stop is inside the content: the first field of the form, not the site's navigation.
        assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_the_accessibility_check(seeded, width):
    paths = page_paths()
    axe = axe_module.Axe()
    ARTIFACTS.mkdir(exist_ok=True)
    failures = {}
    with chromium_page() as page:
        page.set_viewport_size({"width": WIDTHS[width], "height": 900})
        for name, path in paths.items():
            page.goto(f"{seeded}{path}")
            # Nothing may need sideways scrolling at phone width except the tables' own scrolling regions.
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {WIDTHS[width]}px"
            page.screenshot(path=ARTIFACTS / f"explorer-{name}-{width}.png", full_page=True)
            results = axe.run(page)
            serious = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in results.response["violations"]
                if v["impact"] in FAILING_IMPACTS
            ]
            if serious:
                failures[name] = serious
    assert not failures, failures
