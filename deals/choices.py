"""Vocabularies for deals: what kind of transfer, how far it got, and whether a curator has checked it."""

from django.db import models

from core.choices import ReviewStatus  # noqa: F401  (deals are where most code looks for it)


class DealKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    AID = "aid", "Aid or gift"
    LEASE = "lease", "Lease or loan"
    LICENSED_PRODUCTION = "licensed_production", "Licensed production"
    MANUFACTURING_SUPPORT = "manufacturing_support", "Manufacturing support"
    TECHNOLOGY_TRANSFER = "technology_transfer", "Technology transfer"
    UPGRADE = "upgrade", "Upgrade or refit"
    UNSPECIFIED = "unspecified", "Unspecified transfer"


class DealStatus(models.TextChoices):
    """How far a deal got, in order; a source's hedges live on its citation, not here."""

    INTEREST = "interest", "Reported interest"
    OFFER = "offer", "Offer"
    NEGOTIATION = "negotiation", "Negotiation"
    AGREEMENT = "agreement", "Agreement"
    ORDER = "order", "Order"
    DELIVERY_IN_PROGRESS = "delivery_in_progress", "Delivery in progress"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class Condition(models.TextChoices):
    NEW = "new", "New"
    SECOND_HAND = "second_hand", "Second-hand"
    SECOND_HAND_MODERNISED = "second_hand_modernised", "Second-hand, modernised"
    UNKNOWN = "unknown", "Unknown"


class DatePrecision(models.TextChoices):
    MONTH = "month", "Month"
    DAY = "day", "Day"


class MatchRelation(models.TextChoices):
    """How a deal from one source bears on a deal from another (deals/matching.py decides)."""

    SAME_TRANSFER = "same_transfer", "Possibly the same transfer"
    CONTRADICTS = "contradicts", "Same transfer, different supplier"
