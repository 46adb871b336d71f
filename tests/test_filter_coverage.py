"""Every field of a listed model has a filter on its endpoint, or a line here saying why it has none."""

import pytest

from actors.models import Actor
from config.api_urls import router
from deals.models import Deal
from sources.models import Citation, Source
from systems.models import System

# Filters that reach a field other than through their own field_name: a method, a resolver or a text search.
COVERED_BY = {
    Actor: {
        "iso": ["iso2", "iso3", "iso_former", "slug"],  # resolves ISO codes and slugs to ids (its field_name)
        "q": ["name", "slug", "iso2", "iso3", "office"],
    },
    System: {
        "q": ["designation", "name", "description", "slug"],
    },
    Deal: {
        "party": ["supplier", "recipient"],
        "system": ["system"],  # with `variants`, a method widens the systems to their variants
        "delivered_from": ["first_delivery_year", "last_delivery_year"],
        "delivered_to": ["first_delivery_year", "last_delivery_year"],
        "q": ["notes", "quantity_text"],
    },
    Source: {
        "q": ["title", "subtitle", "publisher", "authors", "url"],
    },
    Citation: {
        "q": ["quote", "hedge_text", "note"],
    },
}

TIMESTAMPS = "bookkeeping; `updated_from`/`updated_to` select by the last change"
UID = "a stable key for fixtures and imports, not a query dimension"

# Fields with no filter, each with the reason. "no filter yet" marks one the lead may want to add.
IGNORED = {
    Actor: {
        "created": TIMESTAMPS,
        "valid_from": "no filter yet: the years an actor existed (e.g. states that existed in 1990)",
        "valid_to": "no filter yet: the years an actor existed (e.g. states that existed in 1990)",
        "notes": "curator's free text, not searched",
    },
    System: {
        "id": "the detail URL and every reference filter address records by id",
        "created": TIMESTAMPS,
        "notes": "curator's free text, not searched",
    },
    Deal: {
        "id": "the detail URL addresses deals by id",
        "created": TIMESTAMPS,
        "uid": UID,
        "year_is_estimate": "a qualifier of `year`, shown with it",
        "date": "finer than `year`, which the year range filters",
        "date_precision": "a qualifier of `date`",
        "quantity_ordered": "a measure, not a selector; `ordering=quantity_ordered` sorts by it",
        "quantity_ordered_is_estimate": "a qualifier of `quantity_ordered`",
        "quantity_delivered": "a measure, not a selector",
        "quantity_delivered_is_estimate": "a qualifier of `quantity_delivered`",
        "value": "a measure, stated for few deals",
        "currency": "a qualifier of `value`",
        "sipri_id": "no filter yet: finding a deal by its SIPRI deal id (`sipri_id=`) after an import",
        "tiv_per_unit": "a SIPRI volume measure, not a selector",
        "tiv_total": "a SIPRI volume measure, not a selector",
        "tiv_delivered": "a SIPRI volume measure, not a selector",
        "locked_fields": "curation bookkeeping against re-imports",
        "import_snapshot": "import bookkeeping, never shown",
    },
    Source: {
        "id": "the detail URL and the deal and citation `source` filters address sources by id",
        "created": TIMESTAMPS,
        "uid": UID,
        "retrieved_on": "our bookkeeping; `published_from`/`published_to` date the source",
        "language": "no filter yet: sources in one language (`language=en`)",
        "photo_credit": "printed beside the photo, not evidence",
        "photo_caption": "printed beside the photo, not evidence",
        "scope": "a dataset's description, shown on the source",
        "text": "the full text, read on the source; citations' `q` searches the quoted passages",
        "notes": "curator's free text, not searched",
    },
    Citation: {
        "id": "the detail URL addresses citations by id",
        "created": TIMESTAMPS,
        "uid": UID,
        "locator": "a place within the source, meaningful only beside it",
    },
}


def listed_models():
    """Model -> filterset of every list endpoint the API routes."""
    found = {}
    for _prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is not None:
            found[filterset._meta.model] = filterset
    return found


def covered_fields(model, filterset) -> dict[str, str]:
    """Field name -> the filter covering it."""
    by_name = {f.name: f.name for f in model._meta.concrete_fields}
    by_name.update({f.attname: f.name for f in model._meta.concrete_fields})
    covered = {}
    for name, filter_ in filterset.base_filters.items():
        if filter_.method is None and filter_.field_name in by_name:
            covered[by_name[filter_.field_name]] = name
        for field in COVERED_BY.get(model, {}).get(name, []):
            covered[field] = name
    return covered


def test_every_listed_model_is_declared():
    assert set(listed_models()) == set(IGNORED) == set(COVERED_BY)


@pytest.mark.parametrize("model", list(IGNORED), ids=lambda m: m.__name__)
def test_every_field_has_a_filter_or_a_reason(model):
    filterset = listed_models()[model]
    covered = covered_fields(model, filterset)
    fields = {f.name for f in model._meta.concrete_fields}
    missing = sorted(fields - set(covered) - set(IGNORED[model]))
    assert not missing, f"{model.__name__} fields with no filter on {filterset.__name__} and no reason in IGNORED"


@pytest.mark.parametrize("model", list(IGNORED), ids=lambda m: m.__name__)
def test_the_declarations_are_not_stale(model):
    filterset = listed_models()[model]
    fields = {f.name for f in model._meta.concrete_fields}
    unknown_filters = set(COVERED_BY[model]) - set(filterset.base_filters)
    assert not unknown_filters, f"COVERED_BY names filters {filterset.__name__} lacks"
    declared = {field for covers in COVERED_BY[model].values() for field in covers}
    assert declared <= fields, "COVERED_BY names fields the model lacks"
    assert set(IGNORED[model]) <= fields, "IGNORED names fields the model lacks"
    has_filter = sorted(set(covered_fields(model, filterset)) & set(IGNORED[model]))
    assert not has_filter, f"{model.__name__} fields on IGNORED that now have a filter: take them off"
    assert all(reason.strip() for reason in IGNORED[model].values())
