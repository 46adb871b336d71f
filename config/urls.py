"""Top-level URL map: the admin, and the API once it exists."""
from django.contrib import admin
from django.urls import path

admin.site.site_header = "Dealgraph curation"
admin.site.site_title = "Dealgraph"
admin.site.index_title = "Records and their evidence"

urlpatterns = [
    path("admin/", admin.site.urls),
]
