"""Reads shared by every app: resolving what callers name records by."""

from django.db.models import Q, QuerySet

from core.text import ids_in


def id_rows(queryset: QuerySet, values: list[str]):
    """(id, id) rows for the values that are ids."""
    return queryset.filter(pk__in=ids_in(values)).values_list("id", "id")


def id_or_slug_rows(queryset: QuerySet, values: list[str]):
    """(id, id, slug) rows for the values that are ids or slugs (any case)."""
    return queryset.filter(Q(pk__in=ids_in(values)) | Q(slug__in=[v.lower() for v in values])).values_list(
        "id", "id", "slug"
    )
