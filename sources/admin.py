"""Admin for sources, and the citation inline that the record apps embed."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Citation, Source


class CitationInline(admin.StackedInline):
    """Citations under the record they support; Django finds the foreign key to the parent model."""

    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote", ("locator", "stance", "hedge", "hedge_text"), "note"]
    show_change_link = True


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    # Django 6 assumes https for scheme-less URLs; opt in now so the upgrade changes nothing.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "publisher", "published_on", "url"]
    list_filter = ["kind", "publisher", "language"]
    search_fields = ["title", "subtitle", "publisher", "authors", "url", "notes"]
    date_hierarchy = "published_on"
    readonly_fields = ["uid", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "subtitle", "url", "publisher", "authors"]}),
        ("Dates and language", {"fields": ["published_on", "retrieved_on", "language", "scope"]}),
        ("Photo", {"fields": ["photo_credit", "photo_caption"], "classes": ["collapse"]}),
        ("Text and notes", {"fields": ["text", "notes"]}),
        ("Record", {"fields": ["uid", "created", "updated"], "classes": ["collapse"]}),
    ]
