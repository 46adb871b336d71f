"""Trigram indexes on deal notes and quantities as written, for `q=` on PostgreSQL (core/search_indexes.py)."""
from django.db import migrations

from core.search_indexes import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [("deals", "0003_reviewed_deal_indexes")]

    operations = [trigram_indexes([
        ("deal_notes_trgm_idx", "deals_deal", "notes"),
        ("deal_quantity_text_trgm_idx", "deals_deal", "quantity_text"),
    ])]
