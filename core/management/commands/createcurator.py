"""Make (or update) a curator: staff, in the `curators` group, with an API token printed on stdout."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from core.curators import GROUP


class Command(BaseCommand):
    help = (
        "Create a curator account (or promote an existing user) and print its API token. "
        "With --password, the password is read from the terminal, or from standard input when piped."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", action="store_true", help="Set a password for the admin login.")

    def read_password(self) -> str:
        if sys.stdin.isatty():
            first, second = getpass.getpass("Password: "), getpass.getpass("Password (again): ")
            if first != second:
                raise CommandError("The passwords differ.")
            return first
        return sys.stdin.readline().rstrip("\n")

    def handle(self, *args, username, email, password, **options):
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
            token, _ = Token.objects.get_or_create(user=user)
        self.stderr.write(f"{'Created' if created else 'Updated'} curator {username}. API token:")
        self.stdout.write(token.key)
