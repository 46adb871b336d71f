"""Curators' admin for actors and their aliases."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import CitationInline

from .models import Actor, ActorAlias


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 0
    fields = ["name", "kind"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "iso2", "iso3", "iso_former", "part_of", "office"]
    list_filter = ["kind"]
    list_select_related = ["part_of"]
    search_fields = ["name", "slug", "iso2", "iso3", "iso_former", "aliases__name", "office"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["part_of", "successors"]
    inlines = [ActorAliasInline, CitationInline]
    fields = [
        ("name", "slug"),
        "kind",
        ("iso2", "iso3", "iso_former"),
        "part_of",
        "office",
        ("valid_from", "valid_to"),
        "successors",
        "notes",
    ]


@admin.register(ActorAlias)
class ActorAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor", "kind"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]
