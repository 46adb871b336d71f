"""Representations built from database rows by plans compiled from the serializers (see plan.py)."""

from .links import Links, links_for
from .plan import NotCompilable, Plan, not_compiled, plan_for
from .queryset import Representing, representing
from .shapes import EMPTY, shape_keys

__all__ = [
    "EMPTY",
    "Links",
    "NotCompilable",
    "Plan",
    "Representing",
    "links_for",
    "not_compiled",
    "plan_for",
    "representing",
    "shape_keys",
]
