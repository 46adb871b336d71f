"""Top-level URL map: the admin, the v1 API and its documentation, and the explorer's pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

admin.site.site_header = "Dealgraph curation"
admin.site.site_title = "Dealgraph"
admin.site.index_title = "Records and their evidence"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="docs/redoc.html"), name="redoc"),
    path("", include("explorer.urls")),
]

handler400 = "core.api.errors.bad_request"
handler403 = "core.api.errors.forbidden"
handler404 = "core.api.errors.not_found"
handler500 = "core.api.errors.server_error"
