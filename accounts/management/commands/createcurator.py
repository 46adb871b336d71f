"""Make (or update) a curator: staff, in the `curators` group, with a new named API token printed on stdout."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import token_create
from core.curators import GROUP


class Command(BaseCommand):
    help = (
        "Create a curator account (or promote an existing user) and print a new API token, once: only its hash "
        "is kept. Each run adds a token (name it after the client app that will hold it); older ones keep working "
        "until they expire or are revoked. "
        "With --password, the password is read from the terminal, or from standard input when piped."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", action="store_true", help="Set a password for the admin login.")
        parser.add_argument(
            "--token-name",
            default="createcurator",
            help="Which client app the new token is for (default: %(default)s).",
        )

    def read_password(self) -> str:
        if sys.stdin.isatty():
            first, second = getpass.getpass("Password: "), getpass.getpass("Password (again): ")
            if first != second:
                raise CommandError("The passwords differ.")
            return first
        return sys.stdin.readline().rstrip("\n")

    def handle(self, *args, username, email, password, token_name, **options):
        User = get_user_model()
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist:
            raise CommandError("The `curators` group is missing: run `manage.py migrate` first.") from None
        secret = self.read_password() if password else None
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username, defaults={"email": email})
            if secret is not None:
                try:
                    validate_password(secret, user)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
                user.set_password(secret)
            elif created:
                user.set_unusable_password()
            user.is_staff = True
            if email:
                user.email = email
            user.save()
            user.groups.add(group)
            try:
                token, secret = token_create(user=user, name=token_name)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        expires = f"expires {token.expiry:%Y-%m-%d %H:%M} UTC" if token.expiry else "never expires"
        self.stderr.write(
            f"{'Created' if created else 'Updated'} curator {username}. "
            f"New API token {token.token_key}… ({token.name}, {expires}); shown this once:"
        )
        self.stdout.write(secret)
