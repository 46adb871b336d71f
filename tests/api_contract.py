"""Shared contracts for read and write endpoints; each resource's test module declares data and inherits them."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import DOMAIN_APPS
from .factories import make_curator, token_client

BASE = "/api/v1"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def every_id(client, url, params):
    """The ids on every page of a list, following `next`: a seeded table may hold more rows than one page."""
    found, response = [], client.get(url, {**params, "page_size": 500})
    while True:
        assert response.status_code == 200, (params, response.content[:300])
        body = response.json()
        found += ids_of(body)
        if not body["next"]:
            return found
        response = client.get(body["next"])


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

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"page_size": "0"}, "page_size"),
            ({"page_size": "-3"}, "page_size"),
            ({"page_size": "100000"}, "page_size"),
            ({"page_size": "ten"}, "page_size"),
            ({"page": "0"}, "page"),
            ({"page": "abc"}, "page"),
            ({"cursor": "garbage!"}, "cursor"),
            ({"cursor": "", "ordering": "updated"}, "ordering"),
            ({"ordering": "nonsense"}, "ordering"),
            ({"no_such_filter": "1"}, "no_such_filter"),
        ],
    )
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

    def test_a_record_has_one_etag_whichever_way_it_is_addressed(self, client, many):
        # Its links (url, *_url) name the scheme and host the request came through; its version must not.
        url = client.get(self.list_url).json()["results"][0]["url"]
        plain, secure = client.get(url), client.get(url, secure=True)
        assert plain.json()["url"] != secure.json()["url"]
        assert plain["ETag"] == secure["ETag"]

    def test_updated_from_and_to_select_by_last_change(self, client, many):
        visible = self.visible()
        chosen = list(visible.order_by("pk").values_list("pk", flat=True)[:3])
        visible.update(updated=datetime.datetime(2020, 5, 1, 12, tzinfo=datetime.UTC))
        self.model.objects.filter(pk__in=chosen).update(
            updated=datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
        )
        cases = [
            ({"updated_from": "2026-11-30"}, chosen),
            ({"updated_from": "2026-11-30T23:30:00Z"}, chosen),
            ({"updated_from": "2026-12-01T00:15:00+01:00"}, chosen),  # 23:15 UTC
            ({"updated_from": "2026-11-30T23:31:00"}, []),  # no zone: UTC
            ({"updated_from": "2026-12-01T00:15:00 01:00"}, chosen),  # the offset's + unescaped in the URL
            ({"updated_to": "2026-11-30"}, list(visible.values_list("pk", flat=True))),  # the whole day
            ({"updated_to": "2026-11-30T23:00:00Z"}, list(visible.exclude(pk__in=chosen).values_list("pk", flat=True))),
            (
                {"updated_from": "2020-05-01", "updated_to": "2020-05-01"},
                list(visible.exclude(pk__in=chosen).values_list("pk", flat=True)),
            ),
        ]
        for params, expected in cases:
            assert sorted(every_id(client, self.list_url, params)) == sorted(expected), params
        for params, field in (
            ({"updated_from": "yesterday"}, "updated_from"),
            ({"updated_to": "2026-13-01"}, "updated_to"),
            ({"updated_from": "0001-01-01T00:00:00+01:00"}, "updated_from"),  # before year 1 in UTC
            ({"updated_to": "9" * 5000}, "updated_to"),
            ({"updated_from": "2026-11-30", "updated_to": "2026-11-01"}, "updated_to"),
        ):
            response = client.get(self.list_url, params)
            assert response.status_code == 400 and field in response.json(), (params, response.content[:300])

    def test_ordering_breaks_ties_by_id(self, client, many):
        body = client.get(self.list_url, {"ordering": "-id", "page_size": 5}).json()
        assert ids_of(body) == sorted(ids_of(body), reverse=True)


def ids_of(body):
    return [row["id"] for row in body["results"]]


MISSING = object()  # in a body's overrides: leave the field out


def row_counts() -> dict[str, int]:
    """Rows of every domain table and of every history table: a refused write leaves all of them as they were."""
    return {m._meta.label: m.objects.count() for app in DOMAIN_APPS for m in apps.get_app_config(app).get_models()}


def stored_row(obj) -> dict:
    """The record's columns as the database holds them now."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


def value_at(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


def with_overrides(body: dict, overrides: dict) -> dict:
    merged = {**body, **overrides}
    return {name: value for name, value in merged.items() if value is not MISSING}


def etag_of(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return response["ETag"]


def history_of(client, path) -> list[dict]:
    response = client.get(f"{path}history/")
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


class WriteEndpointContract:
    """A shared contract every writable endpoint must meet. Inherit and set:

    - `resource`, `model`, and `lookup` (the attribute its detail URL uses: "pk" or "slug");
    - `create_body()`: a valid create body, and `stored_values()`: what the new row must then hold, as attribute paths
      (dots follow relations, e.g. `supplier.slug`) to values; by default the body itself;
    - `invalid`: (overrides of the create body, the field the 400 must name) pairs; `MISSING` leaves a field out;
    - `change`: a PATCH body of plain fields, whose values are then stored as sent;
    - `make_one()`: a stored record nothing depends on, to change and delete; `put_body(obj)`: a full PUT body.
    """

    resource: str
    model = None
    lookup = "pk"
    change: dict = {}
    invalid: list[tuple[dict, str]] = []

    def create_body(self) -> dict:
        raise NotImplementedError

    def stored_values(self) -> dict:
        return self.create_body()

    def make_one(self):
        raise NotImplementedError

    def put_body(self, obj) -> dict:
        return {**self.create_body(), **self.change}

    @property
    def list_url(self):
        return f"{BASE}/{self.resource}/"

    def detail_url(self, obj):
        return f"{self.list_url}{getattr(obj, self.lookup)}/"

    def body_for(self, method, obj):
        return self.put_body(obj) if method == "put" else self.change

    def pytest_generate_tests(self, metafunc):
        # Each subclass declares its own invalid bodies, so the parameters are read from the class being collected.
        if "invalid_case" in metafunc.fixturenames:
            metafunc.parametrize("invalid_case", self.invalid, ids=[field for _, field in self.invalid])

    @pytest.fixture
    def anonymous(self):
        return token_client()

    @pytest.fixture
    def outsider(self, django_user_model):
        return token_client(django_user_model.objects.create_user("reader", password="x"))

    @pytest.fixture
    def curator_user(self, django_user_model):
        return make_curator(django_user_model)

    @pytest.fixture
    def curator(self, curator_user):
        return token_client(curator_user)

    def assert_stored(self, obj, values: dict):
        row = type(obj)._default_manager.get(pk=obj.pk)
        stored = {path: value_at(row, path) for path in values}
        assert stored == values

    @pytest.mark.parametrize("role, expected", [("anonymous", 401), ("outsider", 403)])
    def test_create_is_refused_without_permission(self, request, role, expected):
        before = row_counts()
        response = request.getfixturevalue(role).post(self.list_url, self.create_body(), format="json")
        assert response.status_code == expected, response.content[:500]
        assert row_counts() == before

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    @pytest.mark.parametrize("role, expected", [("anonymous", 401), ("outsider", 403)])
    def test_changes_are_refused_without_permission(self, request, method, role, expected):
        client = request.getfixturevalue(role)
        obj = self.make_one()
        path = self.detail_url(obj)
        before = row_counts(), stored_row(obj)
        response = getattr(client, method)(
            path, self.body_for(method, obj), format="json", HTTP_IF_MATCH=etag_of(client, path)
        )
        assert response.status_code == expected, response.content[:500]
        assert (row_counts(), stored_row(obj)) == before

    def test_curator_creates_and_the_sent_values_are_stored(self, curator, curator_user):
        before = self.model.objects.count()
        response = curator.post(self.list_url, self.create_body(), format="json")
        assert response.status_code == 201, response.content[:500]
        body = response.json()
        assert response["Location"] == body["url"]
        assert self.model.objects.count() == before + 1
        created = self.model.objects.get(pk=body["id"])
        self.assert_stored(created, self.stored_values())
        read_back = curator.get(body["url"])
        assert read_back.json() == body and read_back["ETag"] == response["ETag"]
        (entry,) = history_of(curator, body["url"])
        assert (entry["action"], entry["user"]) == ("created", curator_user.username)

    def test_unknown_body_field_is_a_400_naming_it(self, curator):
        before = row_counts()
        response = curator.post(self.list_url, {**self.create_body(), "no_such_field": 1}, format="json")
        assert response.status_code == 400
        assert "no_such_field" in response.json()
        obj = self.make_one()
        path = self.detail_url(obj)
        before = row_counts(), stored_row(obj)
        response = curator.patch(path, {"no_such_field": 1}, format="json", HTTP_IF_MATCH=etag_of(curator, path))
        assert response.status_code == 400 and "no_such_field" in response.json()
        assert (row_counts(), stored_row(obj)) == before

    def test_invalid_value_is_a_400_naming_the_field(self, curator, invalid_case):
        overrides, field = invalid_case
        before = row_counts()
        response = curator.post(self.list_url, with_overrides(self.create_body(), overrides), format="json")
        assert response.status_code == 400, response.content[:500]
        assert field in response.json(), response.json()
        assert row_counts() == before

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_changes_need_if_match(self, curator, method):
        obj = self.make_one()
        path = self.detail_url(obj)
        before = row_counts(), stored_row(obj)
        response = getattr(curator, method)(path, self.body_for(method, obj), format="json")
        assert response.status_code == 428
        assert "If-Match" in response.json()["detail"]
        assert (row_counts(), stored_row(obj)) == before

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_stale_if_match_is_a_412_and_changes_nothing(self, curator, method):
        obj = self.make_one()
        path = self.detail_url(obj)
        stale = etag_of(curator, path)
        edit = curator.patch(path, self.change, format="json", HTTP_IF_MATCH=stale)
        assert edit.status_code == 200, edit.content[:500]
        before = row_counts(), stored_row(obj)
        response = getattr(curator, method)(path, self.body_for(method, obj), format="json", HTTP_IF_MATCH=stale)
        assert response.status_code == 412
        assert (row_counts(), stored_row(obj)) == before

    @pytest.mark.parametrize("method", ["put", "patch"])
    def test_change_with_the_current_etag_is_stored_with_its_history(self, curator, curator_user, method):
        obj = self.make_one()
        path = self.detail_url(obj)
        etag = etag_of(curator, path)
        before = stored_row(obj)
        response = getattr(curator, method)(path, self.body_for(method, obj), format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, response.content[:500]
        assert {field: response.json()[field] for field in self.change} == self.change
        assert response["ETag"] == etag_of(curator, path) != etag
        if method == "put":
            self.assert_stored(obj, {**self.stored_values(), **self.change})
        else:
            self.assert_stored(obj, self.change)
            untouched = set(before) - set(self.change) - {"updated"}
            assert {k: v for k, v in stored_row(obj).items() if k in untouched} == {k: before[k] for k in untouched}
        latest = history_of(curator, path)[0]
        assert (latest["action"], latest["user"]) == ("changed", curator_user.username)
        for field, value in self.change.items():
            assert {"field": field, "old": before[field], "new": value} in latest["changes"]

    def test_delete_with_the_current_etag_removes_the_row_and_records_who(self, curator, curator_user):
        obj = self.make_one()
        path = self.detail_url(obj)
        response = curator.delete(path, HTTP_IF_MATCH=etag_of(curator, path))
        assert response.status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()
        assert curator.get(path).status_code == 404
        last = self.model.history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()
        assert (last.history_type, last.history_user) == ("-", curator_user)


class InUseDeleteContract:
    """For resources other records depend on: set `in_use()`, returning a record and the records that protect it."""

    def in_use(self):
        raise NotImplementedError

    def test_deleting_a_record_in_use_is_a_409_naming_its_dependants(self, curator):
        obj, dependants = self.in_use()
        assert dependants, "in_use() must return a record something depends on"
        path = self.detail_url(obj)
        before = row_counts(), stored_row(obj)
        response = curator.delete(path, HTTP_IF_MATCH=etag_of(curator, path))
        assert response.status_code == 409, response.content[:500]
        body = response.json()
        assert body["referenced_by_count"] == len(dependants)
        assert {(d["type"], d["id"]) for d in body["referenced_by"]} == {(d._meta.model_name, d.pk) for d in dependants}
        assert (row_counts(), stored_row(obj)) == before
