"""Reads for the changes feed: every create, update and delete of every API resource, from the history tables that
django-simple-history keeps, in the order they were written, one SQL statement a page."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from actors.models import Actor, ActorAlias, Membership
from citations.selectors import public_citation
from deals.models import Deal, Delivery, can_see_drafts, public_deal
from sources.models import Citation, Source
from systems.models import System, SystemAlias, can_see_draft_systems

CREATE, UPDATE, DELETE = "create", "update", "delete"


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry sits in the feed. History ids are counted per table, so the order is the history time, then
    the branch (below) the entry comes from, then its row in that branch's table: total, and the same every read."""

    time: datetime.datetime
    branch: int
    history_id: int


START = Position(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), 0, 0)


@dataclass(frozen=True)
class Change:
    position: Position
    type: str
    id: int
    key: int | str  # what the resource's detail URL names the record by
    action: str


def _history(model) -> QuerySet:
    return model.history.model.objects.all()


def _as_action() -> Case:
    return Case(
        When(history_type="+", then=Value(CREATE)),
        When(history_type="-", then=Value(DELETE)),
        default=Value(UPDATE),
        output_field=CharField(),
    )


def _shown(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _public_version() -> Q:
    """A version of a deal (or a system) that callers who cannot see drafts saw: public, and not the record of its
    deletion. Both keep their review state in the same column."""
    return public_deal() & ~Q(history_type="-")


def _deal_shown_then(deal_column: str) -> Subquery:
    """Whether the public saw the deal `deal_column` names when this history row was written: its latest version
    by then. Its version then, not now: a later unpublishing must not rewrite what was already served."""
    latest = (
        _history(Deal)
        .filter(id=OuterRef(deal_column), history_date__lte=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .annotate(shown=_shown(_public_version()))
    )
    return Subquery(latest.values("shown")[:1], output_field=BooleanField())


def _slug_then(model, parent_column: str) -> Subquery:
    """The slug the parent record had when its child's history row was written, for the parent's URL."""
    latest = (
        _history(model)
        .filter(id=OuterRef(parent_column), history_date__lte=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
    )
    return Subquery(latest.values("slug")[:1], output_field=CharField())


# Each branch reads one history table and annotates each row with the resource it changed (`ch_rid`, and `ch_key`
# where the URL names it by slug) and the action the caller sees (`ch_action`). A change to a record a resource embeds (an alias, a
# delivery, a deal's citation) is an update of that resource, so a client mirroring the resource refetches it.


def _own_rows(model) -> QuerySet:
    key = F("slug") if hasattr(model, "slug") else Value(None, output_field=CharField())
    return _history(model).annotate(ch_rid=F("id"), ch_key=key, ch_action=_as_action())


def _reviewed_rows(model, drafts_visible: bool) -> QuerySet:
    """History of a record with a review state (a deal, a system), as the caller saw it."""
    key = F("slug") if hasattr(model, "slug") else Value(None, output_field=CharField())
    rows = _history(model).annotate(ch_rid=F("id"), ch_key=key)
    if drafts_visible:
        return rows.annotate(ch_action=_as_action())
    # To the public a record exists while a version of it is public: becoming public is its creation, ceasing to
    # be (unpublished or deleted) its deletion, and versions while it is a draft are not there at all.
    previous = (
        _history(model)
        .filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .annotate(shown=_shown(_public_version()))
    )
    return (
        rows.annotate(now=_shown(_public_version()), before=Subquery(previous.values("shown")[:1]))
        .filter(Q(now=True) | Q(before=True))
        .annotate(
            ch_action=Case(
                When(Q(now=True) & Q(before=True), then=Value(UPDATE)),
                When(now=True, then=Value(CREATE)),
                default=Value(DELETE),
                output_field=CharField(),
            )
        )
    )


def _deal_part_rows(model, user) -> QuerySet:
    rows = _history(model).filter(deal__isnull=False)
    rows = rows.annotate(ch_rid=F("deal_id"), ch_key=Value(None, output_field=CharField()), ch_action=Value(UPDATE))
    if can_see_drafts(user):
        return rows
    return rows.annotate(deal_shown=_deal_shown_then("deal_id")).filter(deal_shown=True)


def _citation_rows(user) -> QuerySet:
    rows = _own_rows(Citation)
    if can_see_drafts(user):
        return rows
    return rows.annotate(deal_shown=_deal_shown_then("deal_id")).filter(public_citation(Q(deal_shown=True)))


def _alias_rows(model, parent, parent_column: str | None = None) -> QuerySet:
    parent_column = parent_column or f"{parent._meta.model_name}_id"
    return _history(model).annotate(
        ch_rid=F(parent_column), ch_key=_slug_then(parent, parent_column), ch_action=Value(UPDATE)
    )


# Each resource's detail route (`<type>-detail`) and the keyword its URL names a record by.
URL_KEYWORDS = {"source": "pk", "actor": "slug", "system": "slug", "deal": "pk", "citation": "pk"}


@dataclass(frozen=True)
class Branch:
    type: str  # the resource changed
    rows: Callable[[object], QuerySet]  # the caller -> the history rows it sees, annotated


# Never reorder or remove: a branch's number is part of every cursor issued. Add new branches at the end.
BRANCHES = (
    Branch("source", lambda user: _own_rows(Source)),
    Branch("actor", lambda user: _own_rows(Actor)),
    Branch("actor", lambda user: _alias_rows(ActorAlias, Actor)),
    Branch("system", lambda user: _reviewed_rows(System, can_see_draft_systems(user))),
    Branch("system", lambda user: _alias_rows(SystemAlias, System)),
    Branch("deal", lambda user: _reviewed_rows(Deal, can_see_drafts(user))),
    Branch("deal", lambda user: _deal_part_rows(Delivery, user)),
    Branch("citation", _citation_rows),
    Branch("deal", lambda user: _deal_part_rows(Citation, user)),
    # A membership shows on both its actors' details: the member's `member_of` and the group's `members`.
    Branch("actor", lambda user: _alias_rows(Membership, Actor, "member_id")),
    Branch("actor", lambda user: _alias_rows(Membership, Actor, "group_id")),
)


def _after(branch: int, position: Position) -> Q:
    """This branch's rows after `position`; the branch number is fixed within a branch, so the three-part
    comparison reduces to one on the history time and, at equal times, the history id."""
    if branch > position.branch:
        return Q(history_date__gte=position.time)
    if branch < position.branch:
        return Q(history_date__gt=position.time)
    # The bound on history_date alone as well, so the database reads the feed's index as a range, in order.
    return Q(history_date__gte=position.time) & (
        Q(history_date__gt=position.time) | Q(history_id__gt=position.history_id)
    )


def settled_until() -> datetime.datetime:
    """The latest history time the feed serves. A transaction stamps its history rows when it writes them, not
    when it commits, so one still open can commit rows older than rows already served; holding back the last
    CHANGES_SETTLE_SECONDS lets such a transaction commit before the feed reaches its rows."""
    return timezone.now() - datetime.timedelta(seconds=settings.CHANGES_SETTLE_SECONDS)


def _as_time(value) -> datetime.datetime:
    # SQLite returns the column as text from raw SQL; PostgreSQL as an aware datetime.
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def changes_after(user, position: Position, *, limit: int, until: datetime.datetime | None = None) -> list[Change]:
    """The first `limit` changes after `position` that `user` may see, up to `until` (by default, what has
    settled). One statement: each branch ordered and limited by itself, so each reads no more than `limit` rows
    from its history-time index, then merged by UNION ALL, ordered and limited again."""
    until = settled_until() if until is None else until
    parts, params = [], []
    for number, branch in enumerate(BRANCHES):
        rows = (
            branch.rows(user)
            .filter(_after(number, position), history_date__lte=until)
            .order_by("history_date", "history_id")
            .values("ch_rid", "ch_key", "ch_action", ch_time=F("history_date"), ch_hid=F("history_id"))[:limit]
        )
        sql, branch_params = rows.query.sql_with_params()
        # Columns named, since the ORM orders them its own way; the branch number as a literal, since an int
        # parameter in a SELECT list has no type PostgreSQL can infer.
        parts.append(
            f"SELECT {number} AS ch_branch, b.ch_time, b.ch_hid, b.ch_rid, b.ch_key, b.ch_action FROM ({sql}) b"
        )
        params.extend(branch_params)
    sql = " UNION ALL ".join(parts) + f" ORDER BY ch_time, ch_branch, ch_hid LIMIT {int(limit)}"
    with connections[_history(Deal).db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    changes = []
    for number, at, hid, rid, rkey, action in found:
        branch = BRANCHES[number]
        changes.append(
            Change(Position(_as_time(at), number, hid), branch.type, rid, rid if rkey is None else rkey, action)
        )
    return changes
