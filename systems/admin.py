"""Curators' admin for weapon systems, their categories and aliases."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import CitationInline

from .models import Category, System, SystemAlias


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class SystemAliasInline(admin.TabularInline):
    model = SystemAlias
    extra = 0
    fields = ["name", "kind"]


@admin.register(System)
class SystemAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "name", "category", "producer", "origin", "variant_of", "is_generic"]
    list_filter = ["review_status", "category", "is_generic"]
    list_select_related = ["category", "producer", "origin", "variant_of"]
    search_fields = ["designation", "name", "slug", "description", "aliases__name", "producer__name"]
    prepopulated_fields = {"slug": ["designation"]}
    autocomplete_fields = ["category", "producer", "origin", "variant_of"]
    inlines = [SystemAliasInline, CitationInline]
    fields = [
        ("designation", "slug"),
        "name",
        ("category", "description"),
        ("producer", "origin"),
        "variant_of",
        "is_generic",
        "notes",
    ]


@admin.register(SystemAlias)
class SystemAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "system", "kind"]
    list_filter = ["kind"]
    list_select_related = ["system"]
    search_fields = ["name", "system__designation", "system__name"]
    autocomplete_fields = ["system"]
