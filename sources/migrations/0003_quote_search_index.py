"""Trigram indexes on what `q=` searches in citations (quote, hedge as written, note), which deals' `q=` also uses
for quotes, on PostgreSQL (core/search_indexes.py)."""
from django.db import migrations

from core.search_indexes import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [("sources", "0002_citation_quote_max_length")]

    operations = [trigram_indexes([
        ("citation_quote_trgm_idx", "sources_citation", "quote"),
        ("citation_hedge_text_trgm_idx", "sources_citation", "hedge_text"),
        ("citation_note_trgm_idx", "sources_citation", "note"),
    ])]
