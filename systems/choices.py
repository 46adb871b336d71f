"""Vocabularies for weapon systems."""

from django.db import models


class SystemAliasKind(models.TextChoices):
    DESIGNATION = "designation", "Alternative designation"
    EXPORT = "export", "Export designation"
    INDEX = "index", "Industry or GRAU index"
    TRANSLITERATION = "transliteration", "Transliteration"
    REPORTING_NAME = "reporting_name", "NATO reporting name"
    NICKNAME = "nickname", "Popular name"
    SIPRI = "sipri", "SIPRI designation"
    OTHER = "other", "Other alias"
