"""Operators see and revoke anyone's tokens here; the secrets are not stored, so nothing here can reveal one."""

from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["token_key", "name", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["token_key", "name", "user__username"]
    fields = ["token_key", "name", "user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # `manage.py createcurator USER --token-name NAME` makes one and shows its secret once

    def has_change_permission(self, request, obj=None):
        return False
