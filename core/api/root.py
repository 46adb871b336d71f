"""The API root: DefaultRouter's links to every resource, any other endpoint a client should find, and whose data
they serve."""

from rest_framework.routers import APIRootView

from core.notice import DATA_NOTICE


class ApiRootView(APIRootView):
    # {link name: URL name} of endpoints listed after the router's resources (config/api_urls.py sets them).
    more_links: dict[str, str] = {}

    def get(self, request, *args, **kwargs):
        self.api_root_dict = {**self.api_root_dict, **self.more_links}
        response = super().get(request, *args, **kwargs)
        # After the links, so a client that reads them by name sees them as before.
        response.data["data_notice"] = DATA_NOTICE
        return response
