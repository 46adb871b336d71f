"""Small pieces the explorer's templates share: a deal's claim in words, figures, and the data notice."""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse

from core.notice import DATA_NOTICE
from deals.choices import DealKind, DealStatus
from explorer.views import recent_years
from sources.choices import Hedge

register = template.Library()

KINDS = dict(DealKind.choices)
STAGES = dict(DealStatus.choices)
HEDGES = dict(Hedge.choices)


@register.simple_tag
def recent_flows() -> str:
    """The flows page over the last five whole years: all years at once is a table few readers want first."""
    first, last = recent_years()
    return f"{reverse('explorer:flows')}?delivered_from={first}&delivered_to={last}"


@register.simple_tag
def data_notice() -> str:
    return DATA_NOTICE


@register.filter
def claim(deal: dict) -> str:
    """A deal in one sentence, as its record states it: "Russia → Serbia: Pantsir-S1, order, 2021"."""
    parties = f"{deal['supplier']['name']} → {deal['recipient']['name']}"
    stage = STAGES.get(deal["status"], deal["status"]).lower()
    when = f", {'around ' if deal.get('year_is_estimate') else ''}{deal['year']}" if deal.get("year") else ""
    return f"{parties}: {system_label(deal['system'])}, {stage}{when}"


@register.filter
def system_label(system: dict) -> str:
    """A system by its designation, or by its name where it has none (generic entries such as "combat drones")."""
    return system.get("designation") or system.get("name") or system.get("slug", "")


@register.filter
def kind_label(value: str) -> str:
    return KINDS.get(value, value)


@register.filter
def stage_label(value: str) -> str:
    return STAGES.get(value, value)


@register.filter
def hedge_label(value: str) -> str:
    return HEDGES.get(value, value)


@register.filter
def figure(value) -> str:
    """A count or a TIV with thousands separators ("12,345", "1,234.5"); blank for none."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value() and "." not in str(value):
        return f"{int(number):,}"
    return f"{number:,.1f}"


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


@register.filter
def web_link(value) -> str:
    """A third party's URL, only when it is http(s): a `javascript:` link must never become clickable."""
    text = str(value or "")
    return text if text.lower().startswith(("https://", "http://")) else ""


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key) if isinstance(mapping, dict) else None
