"""Representations built from database rows by plans compiled from the serializers (see plan.py)."""

from .links import Links, links_for
from .plan import COMPILE, NotCompilable, Plan, not_compiled, plan_for
from .queryset import Representing, representing
from .shapes import EMPTY, lookup_keys, shape_keys

__all__ = [
    "COMPILE",
    "EMPTY",
    "Links",
    "NotCompilable",
    "Plan",
    "Representing",
    "links_for",
    "lookup_keys",
    "not_compiled",
    "plan_for",
    "representing",
    "shape_keys",
]
