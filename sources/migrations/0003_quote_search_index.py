"""A trigram index on citation quotes, for `q=` on deals on PostgreSQL (core/search_indexes.py)."""
from django.db import migrations

from core.search_indexes import trigram_indexes


class Migration(migrations.Migration):

    dependencies = [("sources", "0002_citation_quote_max_length")]

    operations = [trigram_indexes([("citation_quote_trgm_idx", "sources_citation", "quote")])]
