"""Tokens from before hashing (DRF's `authtoken`, one plain key per user) move into the hashed table, so clients
keep working with the key they have; then the plain table and its content types are dropped, so no database or
backup holds a usable key again."""

from datetime import UTC

from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings

PLAIN_TABLE = "authtoken_token"
NAME = "issued before tokens were hashed"


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if PLAIN_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id, created FROM {PLAIN_TABLE}")
        rows = cursor.fetchall()
    ttl = knox_settings.TOKEN_TTL
    expiry = timezone.now() + ttl if ttl else None
    for key, user_id, created in rows:
        token = ApiToken(
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            expiry=expiry,
            name=NAME,
        )
        token.save(force_insert=True)
        # `created` is set on insert whatever it is given; keep when the key was really made.
        ApiToken.objects.filter(pk=token.pk).update(
            created=timezone.make_aware(created, UTC) if timezone.is_naive(created) else created
        )
    schema_editor.execute(f"DROP TABLE {PLAIN_TABLE}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
