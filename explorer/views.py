"""The explorer: the registry as web pages, for readers who do not write code.

Each page is the API's own view answering in HTML: the same selectors, filters, pagination, visibility rules,
throttles and response cache, with a template in place of the JSON renderer. What a page shows is the API's
representation of the same records (core/api/representations/), so a page and its API URL never disagree.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from actors.api.views import ActorViewSet
from actors.choices import ActorKind
from actors.models import Actor
from citations.api.views import CitationViewSet
from core.api.pagination import IdCursorPagination
from core.api.representations import links_for, plan_for, representing
from core.api.views import history_entries
from core.response_cache import cached_response
from deals.api.serializers import DealSerializer
from deals.api.views import DealViewSet
from deals.models import Deal, public_deal
from deals.selectors import deals_visible_to, deals_with_party
from sources.api.views import SourceViewSet
from sources.choices import Stance
from sources.models import Source
from stats import selectors as stats
from stats.api.views import DeliveryStatsView, represented
from systems.api.views import SystemViewSet
from systems.selectors import with_variants

from . import charts, forms

# How many rows a page shows of a list that continues elsewhere (history, a top list); the rest is a link away.
HISTORY_SHOWN = 20
TOP_SHOWN = 10
FLOWS_CHARTED = 15
LATEST_SHOWN = 10
UNDER_RECORD = 20
# The home page's rankings: the last five whole years.
RECENT_YEARS = 5


class PageRenderer(TemplateHTMLRenderer):
    """The view's template over its context; an error renders `<status>.html` or `api_exception.html`."""

    format = "html"


class HTMLOnly(BaseContentNegotiation):
    """A page is HTML whatever the client accepts; its JSON is the API URL it links to."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Page:
    """Mixed into an API view: answer with a template, from the response cache for anonymous readers."""

    renderer_classes = [PageRenderer]
    content_negotiation_class = HTMLOnly
    schema = None  # pages, not API operations: kept out of the OpenAPI schema
    template_name: str

    def page(self, context: dict, *, status: int = 200) -> Response:
        return Response(context, status=status, template_name=self.template_name)

    def retrieve(self, request, *args, **kwargs):
        """A record's page (the viewsets' detail action): `answer` builds it, unless the cache has it."""
        return cached_response(request, lambda: self.answer(request))


def recent_years() -> tuple[int, int]:
    """The last five whole years, which the home page ranks and the site's Flows link opens on."""
    last = date.today().year - 1
    return last - RECENT_YEARS + 1, last


def api_url(request, name: str, query: str = "", **kwargs) -> str:
    url = request.build_absolute_uri(reverse(name, kwargs=kwargs or None))
    return f"{url}?{query}" if query else url


class NewestFirst(IdCursorPagination):
    ordering = ("-id",)
    allowed_orderings = ("-id",)

    def get_page_size(self, request):
        # A record's page shows its latest twenty; `page_size` asks for more, as in the API.
        return super().get_page_size(request) if self.page_size_query_param in request.query_params else UNDER_RECORD


def paged(view, request, queryset, plan_serializer) -> dict:
    """One page of `queryset` in its API representation, newest first, paged by the API's keyset cursor (`cursor`,
    `page_size`): a list under a record (an actor's deals, a source's citations) can run to a million rows, and
    counting them for numbered pages took longer than the rest of the page (0.4 s for a synthetic register's)."""
    rows = representing(queryset, plan_for(plan_serializer), links_for(request, None))
    paginator = NewestFirst()
    results = paginator.paginate_queryset(rows, request, view)
    return {"results": results, "next": paginator.get_next_link(), "previous": paginator.get_previous_link()}


def without(request, *names: str) -> str:
    """The request's query string less some parameters (a page's own paging, say)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def by_year(rows: list[dict], measure: str) -> list[tuple[int, object]]:
    """A time series with every year between the first and last, so a year without deliveries shows as a gap."""
    values = {row["year"]: number(row[measure]) for row in rows if row["year"] is not None}
    if not values:
        return []
    return [(year, values.get(year)) for year in range(min(values), max(values) + 1)]


def number(value):
    """A figure as the API writes it (TIV as exact decimal text) back to a number, for a chart."""
    return Decimal(value) if isinstance(value, str) else value


def name(record: dict | None) -> str:
    return record["name"] if record else "Unknown"


def with_stance(citations: list[dict]) -> dict[str, list[dict]]:
    return {
        "supporting": [c for c in citations if c["stance"] == Stance.SUPPORTS],
        "contradicting": [c for c in citations if c["stance"] == Stance.CONTRADICTS],
    }


# Home ---------------------------------------------------------------------------------------------------------------


class HomePage(Page, APIView):
    template_name = "explorer/home.html"

    def get(self, request):
        return self.retrieve(request)

    def answer(self, request):
        if request.query_params:
            raise exceptions.ValidationError({"detail": "The home page takes no parameters; search at /deals/?q=."})
        years = recent_years()
        facts = stats.delivery_facts(request.user, years=years)
        rankings, total = {}, None
        for side in ("recipient", "supplier"):
            ranking = stats.table(facts, stats.DELIVERIES, [side])
            rows = list(ranking.rows[:TOP_SHOWN])
            total = total or ranking.total(rows, unallocated=False)  # both rank the same deliveries
            rankings[side] = represented(ranking, rows, total, {"request": request})
        reviewed = Deal.objects.filter(public_deal())  # the latest reviewed, whoever asks
        latest = representing(reviewed.order_by("-id"), plan_for(DealSerializer), links_for(request, None))
        count = reviewed.count()
        states = Actor.objects.filter(kind=ActorKind.STATE).aggregate(n=Count("id"))["n"]
        return self.page(
            {
                "figures": {
                    "deals": count,
                    "sources": Source.objects.count(),
                    "states": states,
                },
                "years": years,
                "rankings": [
                    ("importers", rankings["recipient"], "recipient"),
                    ("exporters", rankings["supplier"], "supplier"),
                ],
                "latest": list(latest[:LATEST_SHOWN]),
                "api_url": api_url(request, "api-root"),
            }
        )


# Deals --------------------------------------------------------------------------------------------------------------


class DealsPage(Page, DealViewSet):
    """The deal list under the API's filters, as a form and a table."""

    template_name = "explorer/deals.html"

    def uncached_list(self, request):
        form = forms.deal_form(request.GET)
        context = {
            "form": form,
            "api_url": api_url(request, "deal-list", request.GET.urlencode()),
            "csv_url": api_url(request, "deal-export", without(request, "page", "page_size", "cursor")),
        }
        try:
            listing = super().uncached_list(request).data
        except exceptions.ValidationError as error:
            forms.attach_errors(form, error.detail)
            return self.page({**context, "errors": forms.error_list(error.detail)}, status=400)
        return self.page({**context, "listing": listing})


class DealPage(Page, DealViewSet):
    """One deal: the claim, its evidence for and against, and its history."""

    template_name = "explorer/deal.html"

    def answer(self, request):
        deal = self.representation()
        records = list(
            Deal.history.filter(id=deal["id"])
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[: HISTORY_SHOWN + 1]
        )
        return self.page(
            {
                "deal": deal,
                "evidence": with_stance(deal["citations"]),
                "history": history_entries(records)[:HISTORY_SHOWN],
                "history_more": len(records) > HISTORY_SHOWN,
                "history_url": api_url(request, "deal-history", pk=deal["id"]),
                "citations_more": deal["citation_count"] > len(deal["citations"]),
            }
        )


# Actors, systems, sources -------------------------------------------------------------------------------------------


class ActorPage(Page, ActorViewSet):
    """An actor: who it is, its trade by year, partners and categories, and its deals."""

    template_name = "explorer/actor.html"

    def answer(self, request):
        actor = self.representation()
        record = Actor(pk=actor["id"], slug=actor["slug"])
        sides = {}
        for side, tables in stats.profile(record, request.user, (None, None), unallocated=False).items():
            total = tables["total"]
            years = represented(*tables["by_year"], total, {"request": request})
            partner = "supplier" if side == "imports" else "recipient"
            partners = represented(*tables["partners"], total, {"request": request})
            sides[side] = {
                "total": total,
                "tiv_chart": charts.column_chart(
                    by_year(years, "tiv"),
                    title=f"{actor['name']}: {side}, TIV by year",
                    unit="TIV",
                    chart_id=f"{side}-tiv",
                ),
                "deals_chart": charts.column_chart(
                    by_year(years, "deals"),
                    title=f"{actor['name']}: {side}, deals with deliveries by year",
                    unit="deals",
                    chart_id=f"{side}-deals",
                ),
                "partner_side": partner,
                "partners": partners,
                "categories": represented(*tables["categories"], total, {"request": request}),
            }
        deals = paged(
            self,
            request,
            deals_with_party(deals_visible_to(request.user), [actor["id"]]),
            DealSerializer,
        )
        return self.page(
            {
                "actor": actor,
                "sides": sides,
                "deals": deals,
                "profile_url": api_url(request, "actor-profile", slug=actor["slug"]),
                "deals_url": api_url(request, "deal-list", f"party={actor['slug']}"),
            }
        )


class SystemPage(Page, SystemViewSet):
    """A system: what it is, its variants and producer, who ordered it, and its deals."""

    template_name = "explorer/system.html"

    def answer(self, request):
        system = self.representation()
        deals = deals_visible_to(request.user).filter(system_id__in=with_variants([system["id"]]))
        buyers = stats.table(deals, stats.ORDERS, ["recipient"])
        rows = list(buyers.rows[:TOP_SHOWN])
        total = buyers.total(rows)
        return self.page(
            {
                "system": system,
                "buyers": represented(buyers, rows, total, {"request": request}),
                "buyer_count": rows[0][stats.GROUPS] if rows else 0,
                "deals": paged(self, request, deals, DealSerializer),
                "deals_url": api_url(request, "deal-list", f"system={system['slug']}&variants=true"),
            }
        )


class SourcePage(Page, SourceViewSet):
    """A source: its metadata, its text, and what it is cited for."""

    template_name = "explorer/source.html"

    def answer(self, request):
        source = self.representation()
        citing = CitationViewSet(request=request, format_kwarg=None, action="list")
        citations = citing.get_queryset().filter(source_id=source["id"])
        return self.page(
            {
                "source": source,
                "citations": paged(self, request, citations, CitationViewSet.serializer_class),
                "citations_url": api_url(request, "citation-list", f"source={source['id']}"),
            }
        )


# Flows --------------------------------------------------------------------------------------------------------------


class FlowsPage(Page, DeliveryStatsView):
    """Who supplies whom: the delivery statistics by supplier and recipient, under the same filters."""

    template_name = "explorer/flows.html"
    grouped_by = ["supplier", "recipient"]

    def grouping(self, request, data) -> list[str]:
        if "by" in request.query_params:
            raise exceptions.ValidationError(
                {"by": ["This page groups by supplier and recipient; /api/v1/stats/deliveries/ groups any way."]}
            )
        return self.grouped_by

    def answer(self, request):
        form = forms.flows_form(request.GET)
        query = request.GET.copy()
        query["by"] = ",".join(self.grouped_by)
        context = {"form": form, "api_url": api_url(request, "stats-deliveries", query.urlencode())}
        try:
            table, _ = self.tabulated(request)
            rows = self.paginate_queryset(table.rows)
        except exceptions.ValidationError as error:
            forms.attach_errors(form, error.detail)
            return self.page({**context, "errors": forms.error_list(error.detail)}, status=400)
        total = table.total(rows, unallocated=False)
        flows = represented(table, rows, total, self.get_serializer_context())
        charted = [(f"{name(f['supplier'])} → {name(f['recipient'])}", number(f["tiv"])) for f in flows[:FLOWS_CHARTED]]
        page = self.paginator.page
        return self.page(
            {
                **context,
                "flows": flows,
                "total": total,
                "chart": charts.bar_chart(
                    charted, title="Largest flows on this page, TIV", unit="TIV", chart_id="flows"
                ),
                "listing": {
                    "count": page.paginator.count,
                    "next": self.paginator.get_next_link(),
                    "previous": self.paginator.get_previous_link(),
                    "number": page.number,
                    "pages": page.paginator.num_pages,
                },
            }
        )
