"""A shared contract every read endpoint must meet; each resource's test module declares data and inherits it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BASE = "/api/v1"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


class ReadEndpointContract:
    """Inherit and set: `resource`, `model`, `make_many(n)` (creates n visible records), `list_queries`,
    `detail_keys` (fields every representation has) and `nested` (field -> keys of its brief form)."""

    resource: str
    model = None
    list_queries: int
    detail_keys: set[str] = set()
    nested: dict[str, set[str]] = {}

    def make_many(self, n):
        raise NotImplementedError

    @property
    def list_url(self):
        return f"{BASE}/{self.resource}/"

    def detail_url(self, obj):
        return f"{self.list_url}{obj.pk}/"

    def visible(self):
        return self.model.objects.all()

    @pytest.fixture
    def many(self, db):
        return self.make_many(60)

    def test_list_shape_and_every_object_has_id_and_url(self, client, many):
        response = client.get(self.list_url, {"page_size": 5})
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == self.visible().count()
        for row in body["results"]:
            assert {"id", "url"} | self.detail_keys <= set(row)
            assert row["url"].startswith("http://testserver/api/v1/")
            for field, keys in self.nested.items():
                if row[field] is not None:
                    assert keys <= set(row[field]), field

    def test_detail_matches_the_list_url(self, client, many):
        row = client.get(self.list_url, {"page_size": 1}).json()["results"][0]
        detail = client.get(row["url"])
        assert detail.status_code == 200
        assert detail.json()["id"] == row["id"]

    def test_unknown_detail_is_a_json_404(self, client):
        response = client.get(f"{self.list_url}999999999/")
        assert response.status_code == 404
        assert "detail" in response.json()

    def test_list_queries_do_not_grow_with_the_page(self, client, many):
        small, _ = count_queries(client, self.list_url, page_size=1)
        large, response = count_queries(client, self.list_url, page_size=50)
        assert len(response.json()["results"]) == 50
        assert small == large == self.list_queries

    def test_cursor_pages_cover_everything_without_count(self, client, many):
        seen, url, params = [], self.list_url, {"cursor": "", "page_size": 7}
        while url:
            body = client.get(url, params).json()
            assert "count" not in body
            seen += [row["id"] for row in body["results"]]
            url, params = body["next"], {}
        assert seen == sorted(self.visible().values_list("id", flat=True))

    def test_cursor_queries_do_not_grow_with_the_page(self, client, many):
        small, _ = count_queries(client, self.list_url, cursor="", page_size=1)
        large, _ = count_queries(client, self.list_url, cursor="", page_size=50)
        assert small == large == self.list_queries - 1  # no COUNT(*)

    def test_page_numbers_walk_forward_and_back(self, client, many):
        first = client.get(self.list_url, {"page_size": 10}).json()
        second = client.get(first["next"]).json()
        assert second["previous"] and not set(ids_of(first)) & set(ids_of(second))
        assert ids_of(client.get(second["previous"]).json()) == ids_of(first)

    @pytest.mark.parametrize("params, field", [
        ({"page_size": "0"}, "page_size"), ({"page_size": "-3"}, "page_size"), ({"page_size": "100000"}, "page_size"),
        ({"page_size": "ten"}, "page_size"), ({"page": "0"}, "page"), ({"page": "abc"}, "page"),
        ({"cursor": "garbage!"}, "cursor"), ({"cursor": "", "ordering": "updated"}, "ordering"),
        ({"ordering": "nonsense"}, "ordering"), ({"no_such_filter": "1"}, "no_such_filter"),
    ])
    def test_bad_parameters_are_a_400_naming_them(self, client, params, field):
        response = client.get(self.list_url, params)
        assert response.status_code == 400
        assert field in response.json()

    def test_page_past_the_end_is_a_404(self, client):
        assert client.get(self.list_url, {"page": "9999"}).status_code == 404

    def test_etag_and_304(self, client, many):
        for url in (self.list_url, client.get(self.list_url).json()["results"][0]["url"]):
            response = client.get(url)
            etag = response["ETag"]
            assert etag
            assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
            assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    def test_ordering_breaks_ties_by_id(self, client, many):
        body = client.get(self.list_url, {"ordering": "-id", "page_size": 5}).json()
        assert ids_of(body) == sorted(ids_of(body), reverse=True)


def ids_of(body):
    return [row["id"] for row in body["results"]]
