"""Base viewsets: every resource lists and shows the same way."""
from django.http import Http404
from rest_framework import viewsets

from .filters import StrictFilterBackend


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [StrictFilterBackend]


class SlugOrIdLookupMixin:
    """Addresses a record by slug (`/actors/serbia/`) or by id (`/actors/42/`)."""

    lookup_field = "slug"
    lookup_value_regex = "[^/.]+"

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        queryset = self.get_queryset()
        key = {"pk": int(value)} if value.isdigit() and len(value) < 19 else {"slug": value}
        obj = queryset.filter(**key).first()
        if obj is None:
            raise Http404(f"No record with {'id' if 'pk' in key else 'slug'} {value[:60]!r}.")
        self.check_object_permissions(self.request, obj)
        return obj
