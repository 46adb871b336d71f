"""The v1 API: one router for every resource."""

from django.urls import path
from rest_framework.routers import DefaultRouter, SimpleRouter

from accounts.api.views import ApiTokenViewSet
from actors.api.views import ActorViewSet
from changes.api.views import ChangesView
from citations.api.views import CitationViewSet
from core.api.root import ApiRootView
from deals.api.views import DealViewSet, deal_export_view
from intake.api.views import AcceptView, IntakeView, RejectView
from sources.api.views import SourceViewSet
from stats.api.views import ActorProfileView, DeliveryStatsView, OrderStatsView
from systems.api.views import SystemViewSet


class RootView(ApiRootView):
    # The feed is how a client keeps a copy of every resource above, so the root lists it with them.
    more_links = {"changes": "changes"}


router = DefaultRouter()
router.APIRootView = RootView
router.register("actors", ActorViewSet, basename="actor")
router.register("systems", SystemViewSet, basename="system")
router.register("deals", DealViewSet, basename="deal")
router.register("sources", SourceViewSet, basename="source")
router.register("citations", CitationViewSet, basename="citation")

# The caller's own tokens: account management rather than data, so not listed in the API root.
accounts = SimpleRouter()
accounts.register("tokens", ApiTokenViewSet, basename="token")

urlpatterns = [
    path("deals/export.csv", deal_export_view, name="deal-export"),
    path("stats/deliveries/", DeliveryStatsView.as_view(), name="stats-deliveries"),
    path("stats/orders/", OrderStatsView.as_view(), name="stats-orders"),
    path("actors/<slug:slug>/profile/", ActorProfileView.as_view(), name="actor-profile"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("intake/", IntakeView.as_view(), name="intake"),
    # A curator's decisions on a draft deal, beside the deal's own routes (intake sits above the deals app).
    path("deals/<int:pk>/accept/", AcceptView.as_view(), name="deal-accept"),
    path("deals/<int:pk>/reject/", RejectView.as_view(), name="deal-reject"),
    *router.urls,
    *accounts.urls,
]
