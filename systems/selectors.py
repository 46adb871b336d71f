"""Reads of weapon systems, shaped for the API and the filters."""

from django.db import connections
from django.db.models import Prefetch, Q, QuerySet

from core.selectors import id_or_slug_rows

from .models import Category, System, SystemAlias


def system_list(user=None) -> QuerySet[System]:
    return (
        System.objects.visible_to(user)
        .select_related("category", "producer", "origin", "variant_of__category")
        .prefetch_related(Prefetch("aliases", queryset=SystemAlias.objects.order_by("name", "id")))
    )


def system_detail(user=None) -> QuerySet[System]:
    return system_list(user).prefetch_related(
        Prefetch(
            "variants",
            queryset=System.objects.visible_to(user).select_related("category").order_by("designation", "id"),
        )
    )


def with_variants(system_ids: list[int]) -> list[int]:
    """The systems and every variant of them, at any depth, in one query (a recursive one: variants of variants,
    such as the T-72B3 of the T-72B of the T-72, are as much the system as its direct variants)."""
    if not system_ids:
        return []
    table, column = System._meta.db_table, System._meta.get_field("variant_of").column
    marks = ", ".join(["%s"] * len(system_ids))
    sql = (
        f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id IN ({marks}) "
        f"UNION SELECT s.id FROM {table} s JOIN tree t ON s.{column} = t.id) SELECT id FROM tree"
    )
    with connections[System.objects.db].cursor() as cursor:
        cursor.execute(sql, list(system_ids))
        return sorted(row[0] for row in cursor.fetchall())


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def system_ref_rows(values: list[str]):
    return id_or_slug_rows(System.objects.all(), values)


def category_ref_rows(values: list[str]):
    return id_or_slug_rows(Category.objects.all(), values)


def system_search(queryset: QuerySet[System], text: str) -> QuerySet[System]:
    aliases = SystemAlias.objects.filter(name__icontains=text).values("system_id")
    return queryset.filter(
        Q(designation__icontains=text)
        | Q(name__icontains=text)
        | Q(description__icontains=text)
        | Q(slug__icontains=text)
        | Q(pk__in=aliases)
    )
