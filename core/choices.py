"""Vocabularies more than one record app shares."""

from django.db import models


class ReviewStatus(models.TextChoices):
    """Whether a curator has checked a record: drafts (a deal, or a system intake proposed) stay out of public
    reads."""

    DRAFT = "draft", "Draft"
    REVIEWED = "reviewed", "Reviewed"
