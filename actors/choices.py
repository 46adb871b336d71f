"""Vocabularies for actors and their names."""

from django.db import models


class ActorKind(models.TextChoices):
    STATE = "state", "State"
    HISTORICAL_STATE = "historical_state", "Historical state"
    TERRITORY = "territory", "Dependent territory"
    ORGANISATION = "organisation", "International organisation"
    GOVERNMENT_BODY = "government_body", "Government body"
    ARMED_FORCE = "armed_force", "Armed force"
    COMPANY = "company", "Company"
    NON_STATE_GROUP = "non_state_group", "Non-state armed group"
    PERSON = "person", "Person"
    GROUP = "group", "Group of actors"
    UNKNOWN = "unknown", "Unknown"


# Kinds that may carry ISO 3166 codes.
POLITY_KINDS = (ActorKind.STATE, ActorKind.HISTORICAL_STATE, ActorKind.TERRITORY)


class AliasKind(models.TextChoices):
    OFFICIAL = "official", "Official name"
    SHORT = "short", "Short name"
    ABBREVIATION = "abbreviation", "Abbreviation"
    FORMER = "former", "Former name"
    TRANSLITERATION = "transliteration", "Transliteration"
    DEMONYM = "demonym", "Demonym or adjective"
    # A capital or seat standing for the state ("Moscow", "the Kremlin"); never a city actor.
    METONYM = "metonym", "Metonym"
    SIPRI = "sipri", "SIPRI name"
    OTHER = "other", "Other alias"


# Kinds of actor that can have members (a Membership's group): regions and other groupings, and organisations.
GROUP_KINDS = (ActorKind.GROUP, ActorKind.ORGANISATION)
