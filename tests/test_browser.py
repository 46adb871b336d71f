"""A curator in headless Chromium adds a deal with its quote through the admin; the public API then lists it."""

import json
import re
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection

from deals.models import Deal

from .conftest import DOMAIN_APPS

CHROMIUM = "/usr/bin/chromium"
# Debian's build, not Playwright's own download, which cannot be fetched here; the flags keep it off the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARTICLE = "Iran looks to the Balkan market for drone sales"
QUOTE = "Both Serbia and Armenia would be willing to acquire Iranian weaponry"
USERNAME, PASSWORD = "browser-curator", "a-Curators-pass-4821"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: `pip install -e '.[dev]'` brings it."
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"No Chromium at {CHROMIUM}: `apt-get install chromium` (bash .ci/run does it when missing).",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def database_restored_afterwards(django_db_setup, django_db_blocker):
    """Put the database back as this module found it.

    live_server needs a transactional test, whose teardown empties every table (pytest-django's flush), and
    the tests after it expect the session's seed and whatever the migrations created. Module scope makes this
    teardown run after that flush. Django's serialized_rollback would not do: it restores the state taken
    before the session's seed, and only at the start of the next test that asks for it.
    """
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        # Without post_migrate, so content types and permissions come back with the ids the snapshot refers to;
        # sequences kept, since the restored rows take their ids explicitly and new rows must not collide.
        call_command("flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)
        call_command("seed", verbosity=0)


@pytest.fixture
def browser_curator(django_user_model):
    user = django_user_model.objects.create_user(username=USERNAME, password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS))
    return user


@contextmanager
def chromium_page():
    """A page in Debian's Chromium that fails the test on any JavaScript error.

    Playwright's sync API runs an event loop in this thread while it is open, and Django refuses ORM calls
    under a running loop, so the test reads the database only before or after this block.
    """
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page
        finally:
            browser.close()
    assert not errors, f"JavaScript errors in the admin: {errors}"


def pick(page, select_id, term, choice):
    """Choose in an admin autocomplete (select2): open it, type, wait for the server's answer, click it."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.locator(".select2-container--open .select2-search__field").press_sequentially(term)
    page.locator(".select2-results__option", has_text=re.compile(f"^{re.escape(choice)}$")).click()
    sync_api.expect(page.locator(f"#select2-{select_id}-container")).to_contain_text(choice)


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.load(response)


def test_curator_adds_a_deal_with_its_quote_and_the_api_lists_it(
    database_restored_afterwards, live_server, browser_curator
):
    # The session's seed may be gone if another transactional test ran first; `seed` adds only what is missing.
    call_command("seed", verbosity=0)

    with chromium_page() as page:
        page.goto(f"{live_server.url}/admin/")
        assert "/admin/login/" in page.url
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form [type=submit]")
        sync_api.expect(page.locator("#site-name")).to_have_text("Dealgraph curation")

        page.goto(f"{live_server.url}/admin/deals/deal/add/")
        pick(page, "id_supplier", "Iran", "Iran (IRN)")
        pick(page, "id_recipient", "Armen", "Armenia (ARM)")
        pick(page, "id_system", "Iranian combat", "Iranian combat drones (generic)")
        page.select_option("#id_kind", "purchase")
        page.select_option("#id_status", "offer")
        page.select_option("#id_review_status", "reviewed")

        page.click("#citations-group .add-row a")
        pick(page, "id_citations-0-source", "Balkan", ARTICLE)
        page.fill("#id_citations-0-quote", QUOTE)
        page.select_option("#id_citations-0-stance", "supports")
        page.select_option("#id_citations-0-hedge", "conditional")
        page.fill("#id_citations-0-hedge_text", "would be willing")
        page.click("[name=_continue]")

        sync_api.expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
        deal_id = int(re.search(r"/admin/deals/deal/(\d+)/change/", page.url).group(1))
        sync_api.expect(page.locator("#id_citations-0-quote")).to_have_value(QUOTE)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "deal-change.png", full_page=True)

    deal = Deal.objects.get(pk=deal_id)
    assert (deal.supplier.slug, deal.recipient.slug, deal.system.slug) == ("iran", "armenia", "iranian-combat-drones")
    assert deal.history.get().history_user == browser_curator

    listed = get_json(f"{live_server.url}/api/v1/deals/?recipient=armenia&status=offer")
    [record] = [r for r in listed["results"] if r["id"] == deal_id]
    assert (record["supplier"]["slug"], record["kind"], record["review_status"]) == ("iran", "purchase", "reviewed")
    assert [(c["quote"], c["source"]["title"], c["hedge"]) for c in record["citations"]] == [
        (QUOTE, ARTICLE, "conditional")
    ]
