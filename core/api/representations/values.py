"""What each DRF field class writes for a non-null value read from the database, without the field's per-call
overhead; `same` where the value already is what the field would write."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.db.models import JSONField
from django.utils import timezone
from rest_framework import fields
from rest_framework.settings import api_settings


def decimal_writer(field):
    places = field.decimal_places
    if (
        places is None
        or field.normalize_output
        or field.localize
        or not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    ):
        return field.to_representation

    def write(value):
        # Values already at the field's scale are what DRF's quantize would give back.
        if type(value) is Decimal and value.is_finite() and value.as_tuple().exponent == -places:
            return f"{value:f}"
        return field.to_representation(value)

    return write


def plain_moment(field) -> bool:
    """Whether DRF writes this datetime field as ISO 8601 in the current time zone (then `moment` does too)."""
    return (
        type(field) is fields.DateTimeField
        and not hasattr(field, "timezone")
        and getattr(field, "format", api_settings.DATETIME_FORMAT).lower() == "iso-8601"
    )


def moment(value, zone, field):
    """DRF's ISO 8601 text of an aware datetime in `zone` (the current zone, read once per page)."""
    offset = value.utcoffset()
    if zone is None or offset is None:
        return field.to_representation(value)
    if zone is UTC and not offset:  # the text astimezone() would give: this one ends in +00:00 already
        return value.isoformat()[:-6] + "Z"
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


UTC = ZoneInfo("UTC")  # zoneinfo keeps one instance per key, which Django's current zone is when TIME_ZONE is UTC


def current_zone():
    return timezone.get_current_timezone() if settings.USE_TZ else None


def same(value):
    return value


_INTEGERS = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}
_TEXTS = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


def holds_representation(field, column) -> bool:
    """Whether the column's values are already what int() or str() would make of them."""
    kind = type(field)
    if kind in (fields.IntegerField, getattr(fields, "BigIntegerField", None)):
        return column.get_internal_type() in _INTEGERS
    if kind in (fields.CharField, fields.SlugField, fields.EmailField, fields.URLField):
        return column.get_internal_type() in _TEXTS
    return True


def converter_for(field):
    """A function from a non-None attribute value to the field's representation; `same` where the value read from
    the database (after the ORM's own converters) is already it."""
    kind = type(field)
    if kind in (fields.IntegerField, fields.CharField, fields.SlugField, fields.EmailField, fields.URLField):
        # int() and str() of the database's int and str, which is what these fields hold.
        return same
    if kind is getattr(fields, "BigIntegerField", None) and not getattr(
        field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING
    ):
        return same
    if kind is fields.BooleanField:
        return lambda value: value if value is True or value is False else field.to_representation(value)
    if kind is fields.ChoiceField:
        choices = field.choice_strings_to_values
        if all(type(key) is str and key == value for key, value in choices.items()):
            return same  # str(value) maps to itself, or is missing and comes back as it was
        return lambda value: value if value == "" else choices.get(str(value), value)
    if kind is fields.UUIDField and field.uuid_format == "hex_verbose":
        return str
    if kind in (fields.JSONField, fields.ReadOnlyField) and not getattr(field, "binary", False):
        return same
    if kind is fields.DateField and getattr(field, "format", api_settings.DATE_FORMAT).lower() == "iso-8601":
        return lambda value: value.isoformat() if type(value) is not str else value
    if kind is fields.DecimalField:
        return decimal_writer(field)
    return field.to_representation


_LONG_DIGITS = re.compile(r"\d{19}")
_HEX = re.compile(r"[0-9a-f]{32}")


def faster_converter(converter, expression, connection, as_text: bool = False):
    """An equivalent of one of the ORM's per-column converters that costs less per value, or the converter itself;
    with `as_text`, where every reader writes the value with str(), its text form. Each hands anything unusual back
    to the ORM's own. JSON, SQLite's datetimes and UUIDs were an eighth of a deal page."""
    function = getattr(converter, "__func__", None)
    # The SQLite backend's own operations, asked of the connection: importing its module directly is circular.
    sqlite = type(connection.ops) if connection.vendor == "sqlite" else None
    if sqlite and function is sqlite.convert_uuidfield_value and as_text:

        def uuid_text(value, expression, connection):
            # Django stores a UUID's 32 lowercase hex digits; str(UUID(...)) of them is the same digits, dashed.
            if type(value) is str and len(value) == 32 and _HEX.fullmatch(value):
                return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
            value = converter(value, expression, connection)
            return value if value is None else str(value)

        return uuid_text
    if function is JSONField.from_db_value and expression.output_field.decoder is None:

        def from_json(value, expression, connection):
            # orjson reads an integer past 64 bits as a float, and refuses NaN: those go to the standard library.
            if type(value) is str and not _LONG_DIGITS.search(value):
                try:
                    return orjson.loads(value)
                except orjson.JSONDecodeError:
                    pass
            return converter(value, expression, connection)

        return from_json
    if sqlite and function is sqlite.convert_datetimefield_value and settings.USE_TZ:
        zone = connection.timezone

        def in_zone(value, expression, connection):
            # SQLite's driver has already parsed the column's text (Django registers the parser); what remains of
            # the ORM's converter for a naive value is to put it in the connection's zone, minus its layers.
            if type(value) is datetime and value.tzinfo is None:
                return value.replace(tzinfo=zone)
            return converter(value, expression, connection)

        return in_zone
    return converter
