"""Backup and restore: the API answers byte for byte the same after a round trip through an empty database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deals.models import Deal


def snapshot(client):
    deals = client.get("/api/v1/deals/", {"page_size": 500}).content
    export = b"".join(client.get("/api/v1/deals/export.csv").streaming_content)
    history = client.get(f"/api/v1/deals/{Deal.objects.order_by('pk').first().pk}/history/").content
    return deals, export, history


def test_backup_then_restore_into_an_empty_database(committed_db, client, tmp_path, curator):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    deal.notes = "Edited before the backup."
    deal.save()
    before = snapshot(client)
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))

    with pytest.raises(CommandError, match="restore only into an empty one"):
        call_command("restore", str(path))

    call_command("flush", interactive=False, verbosity=0)
    assert Deal.objects.count() == 0
    call_command("restore", str(path))
    assert snapshot(client) == before
    assert Deal.objects.get(pk=deal.pk).history.first().notes == "Edited before the backup."
