"""API tokens: django-rest-knox's hashed token, with the name of the client app that holds it."""

from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """Only the SHA-512 digest of the secret is stored, with its first characters (`token_key`) to find it by."""

    name = models.CharField(
        max_length=100, help_text="Which client app holds the token, e.g. `newsroom dashboard`.", default=""
    )

    class Meta:
        ordering = ["-created", "token_key"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.name or 'unnamed'}) of {self.user}"
