"""Partial indexes on reviewed deals by supplier and by recipient, so public counts are index-only scans."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("actors", "0001_initial"),
        ("deals", "0002_sipri_import_fields"),
        ("systems", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(condition=models.Q(("review_status", "reviewed")), fields=["supplier", "year", "id"],
                               name="deal_reviewed_supplier_idx"),
        ),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(condition=models.Q(("review_status", "reviewed")), fields=["recipient", "year", "id"],
                               name="deal_reviewed_recipient_idx"),
        ),
    ]
