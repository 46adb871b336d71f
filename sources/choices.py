"""Vocabularies for sources and the citations that tie them to records."""

from django.db import models


class SourceKind(models.TextChoices):
    ARTICLE = "article", "News article"
    DATASET = "dataset", "Dataset release"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports the record"
    CONTRADICTS = "contradicts", "Contradicts the record"


class Hedge(models.TextChoices):
    """How the source itself commits to what it says; the cue words go in `hedge_text`."""

    ASSERTED = "asserted", "Stated as fact"
    REPORTED = "reported", 'Reported ("reportedly", "according to")'
    CONDITIONAL = "conditional", 'Conditional ("would be willing")'
    INTENDED = "intended", 'Intention or plan ("hopes to")'
    IMPLIED = "implied", "Implied, not stated"
    ESTIMATED = "estimated", "Estimate (SIPRI's `?`)"
