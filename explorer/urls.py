"""The explorer's pages. Ids and slugs take the API's shapes, so anything else is a 404 before any query."""

from django.urls import path, re_path

from . import views

app_name = "explorer"

ID = r"(?P<pk>[0-9]{1,18})"
SLUG = r"(?P<slug>[-a-zA-Z0-9_]{1,120})"

urlpatterns = [
    path("", views.HomePage.as_view(), name="home"),
    path("deals/", views.DealsPage.as_view({"get": "list"}), name="deals"),
    re_path(rf"^deals/{ID}/$", views.DealPage.as_view({"get": "retrieve"}), name="deal"),
    re_path(rf"^actors/{SLUG}/$", views.ActorPage.as_view({"get": "retrieve"}), name="actor"),
    re_path(rf"^systems/{SLUG}/$", views.SystemPage.as_view({"get": "retrieve"}), name="system"),
    re_path(rf"^sources/{ID}/$", views.SourcePage.as_view({"get": "retrieve"}), name="source"),
    path("flows/", views.FlowsPage.as_view(), name="flows"),
]
