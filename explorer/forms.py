"""The filter forms: the API's own parameters, labelled for readers.

Each field is a parameter of the API's filterset; its help text is the filter's own, so the form and the API
documentation cannot drift apart. The form only displays: the API's filterset validates what is submitted, and
its errors are shown beside the fields they name.
"""

from dataclasses import dataclass, field

from deals.choices import DealKind, DealStatus
from deals.filters import DealFilterSet
from stats.filters import DeliveryStatsFilterSet
from systems.models import Category


@dataclass
class Field:
    name: str
    label: str
    widget: str  # text, year, select, search; `autocomplete` names the API list that suggests values
    help: str
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    autocomplete: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.name}"


@dataclass
class Form:
    fields: list[Field]
    folded: frozenset = frozenset()  # shown under "More filters", open whenever one of them is in use

    def __iter__(self):
        return iter(self.fields)

    @property
    def main(self) -> list[Field]:
        return [f for f in self.fields if f.name not in self.folded]

    @property
    def more(self) -> list[Field]:
        return [f for f in self.fields if f.name in self.folded]

    @property
    def more_open(self) -> bool:
        return any(f.value or f.errors for f in self.more)

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


# (parameter, label, widget, autocomplete source)
DEAL_FIELDS = [
    ("recipient", "Recipient", "text", "actor-list"),
    ("supplier", "Supplier", "text", "actor-list"),
    ("party", "Either side", "text", "actor-list"),
    ("system", "System", "text", "system-list"),
    ("category", "Category", "select", ""),
    ("kind", "Kind", "select", ""),
    ("status", "Stage", "select", ""),
    ("year_from", "Ordered from (year)", "year", ""),
    ("year_to", "Ordered to (year)", "year", ""),
    ("delivered_from", "Delivered from (year)", "year", ""),
    ("delivered_to", "Delivered to (year)", "year", ""),
    ("source", "Source id", "text", ""),
    ("q", "Text", "search", ""),
    ("ordering", "Sort by", "select", ""),
]
FLOW_FIELDS = [
    ("delivered_from", "Delivered from (year)", "year", ""),
    ("delivered_to", "Delivered to (year)", "year", ""),
    ("supplier", "Supplier", "text", "actor-list"),
    ("recipient", "Recipient", "text", "actor-list"),
    ("supplier_group", "Supplier's group or region", "text", "actor-list"),
    ("recipient_group", "Recipient's group or region", "text", "actor-list"),
    ("category", "Category", "select", ""),
]


# The choices the kind and status filters were built from (deals/filters.py), with their readable labels.
CHOICES = {"kind": DealKind.choices, "status": DealStatus.choices}


def _choices(filterset_class, name: str) -> list[tuple[str, str]]:
    if name == "category":
        return list(Category.objects.order_by("name").values_list("slug", "name"))
    flt = filterset_class.base_filters[name]
    if name == "ordering":
        orders = (("-", "high to low"), ("", "low to high"))
        return [
            (f"{sign}{param}", f"{param.replace('_', ' ')}, {order}")
            for param in flt.param_map
            for sign, order in orders
        ]
    return list(CHOICES[name])


DEAL_FOLDED = frozenset({"party", "category", "delivered_from", "delivered_to", "source", "ordering"})
FLOW_FOLDED = frozenset({"supplier_group", "recipient_group", "category"})


def _form(filterset_class, spec, query, folded=frozenset()) -> Form:
    fields = []
    for name, label, widget, autocomplete in spec:
        flt = filterset_class.base_filters[name]
        value = ",".join(query.getlist(name))
        choices = _choices(filterset_class, name) if widget == "select" else []
        if choices and value and value not in dict(choices):
            choices.append((value, value))  # a list typed into the URL (`kind=aid,lease`) stays as it was asked
        fields.append(
            Field(
                name=name,
                label=label,
                widget=widget,
                help=flt.extra.get("help_text", ""),
                value=value,
                choices=choices,
                autocomplete=autocomplete,
            )
        )
    return Form(fields, folded)


def deal_form(query) -> Form:
    return _form(DealFilterSet, DEAL_FIELDS, query, DEAL_FOLDED)


def flows_form(query) -> Form:
    return _form(DeliveryStatsFilterSet, FLOW_FIELDS, query, FLOW_FOLDED)


def attach_errors(form: Form, detail) -> None:
    if not isinstance(detail, dict):
        return
    for name, messages in detail.items():
        found = form.get(name)
        if found is not None:
            found.errors = [str(m) for m in (messages if isinstance(messages, list) else [messages])]


def error_list(detail) -> list[tuple[str, str]]:
    """Every error as (parameter, message), for the summary above the form."""
    if isinstance(detail, dict):
        return [
            (str(name), str(message))
            for name, messages in detail.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    return [("", str(m)) for m in (detail if isinstance(detail, list) else [detail])]
