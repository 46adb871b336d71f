"""Curators' admin for actors and their aliases."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import CitationInline

from .models import Actor, ActorAlias, Membership


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 0
    fields = ["name", "kind"]


class MembersInline(admin.TabularInline):
    """On a group: its members and their years."""

    model = Membership
    fk_name = "group"
    extra = 0
    fields = ["member", "year_from", "year_to", "source", "notes"]
    autocomplete_fields = ["member", "source"]
    verbose_name, verbose_name_plural = "member", "members"


class MemberOfInline(admin.TabularInline):
    """On any actor: the groups it belongs or belonged to."""

    model = Membership
    fk_name = "member"
    extra = 0
    fields = ["group", "year_from", "year_to", "source", "notes"]
    autocomplete_fields = ["group", "source"]
    verbose_name, verbose_name_plural = "membership", "member of"


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "iso2", "iso3", "iso_former", "part_of", "office"]
    list_filter = ["kind"]
    list_select_related = ["part_of"]
    search_fields = ["name", "slug", "iso2", "iso3", "iso_former", "aliases__name", "office"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["part_of", "successors"]
    inlines = [ActorAliasInline, MemberOfInline, MembersInline, CitationInline]
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


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["group", "member", "year_from", "year_to"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["group", "member"]
    search_fields = ["group__name", "group__slug", "member__name", "member__slug", "member__aliases__name"]
    autocomplete_fields = ["group", "member", "source"]
