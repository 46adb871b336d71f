"""The API root: DefaultRouter's links to every resource, and whose data they serve."""

from rest_framework.routers import APIRootView

from core.notice import DATA_NOTICE


class ApiRootView(APIRootView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # After the links, so a client that reads them by name sees them as before.
        response.data["data_notice"] = DATA_NOTICE
        return response
