"""Reads of sources."""

from django.db.models import Q, QuerySet

from .models import Source


def source_list() -> QuerySet[Source]:
    return Source.objects.defer("text")


def source_detail() -> QuerySet[Source]:
    return Source.objects.all()


def source_search(queryset: QuerySet[Source], text: str) -> QuerySet[Source]:
    return queryset.filter(
        Q(title__icontains=text)
        | Q(subtitle__icontains=text)
        | Q(publisher__icontains=text)
        | Q(authors__icontains=text)
        | Q(url__icontains=text)
    )
