"""Who may do what: everyone reads, writes need the model's add, change or delete permission."""

from rest_framework import permissions


class ReadOrModelPermission(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """DRF's rule, without building the view's queryset for a read: the model permission map asks nothing of a
    GET, HEAD or OPTIONS, and building a filtered queryset only to learn its model was a tenth of a filtered list's
    CPU. What a reader may see is the selectors' business (drafts are visible to curators only)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)
