"""The benchmark's floor: a bare WSGI app answering the benchmarked deal requests with hand-written SQL and orjson.

It returns the same payload as the API for the requests `bench/run.py` sends (the deal list filtered by supplier or
recipient, kind and years, counted or cursor pages, one deal, and the CSV export), and nothing else: no middleware,
no framework, no validation beyond what those requests need. Whatever the API costs above this is framework.

    gunicorn --config config/gunicorn.conf.py --pythonpath bench floor:application   # DATABASE_URL must be set
"""

import base64
import csv
import os
import threading
from decimal import Decimal
from urllib import parse

import orjson
import psycopg

DSN = os.environ["DATABASE_URL"]
_local = threading.local()

DEAL_COLUMNS = """
    d.id, d.uid, s.id, s.slug, s.name, s.kind, s.iso2, r.id, r.slug, r.name, r.kind, r.iso2,
    y.id, y.slug, y.designation, y.name, y.description, c.slug, y.is_generic,
    d.kind, d.status, d.year, d.year_is_estimate, d.date, d.date_precision, d.quantity_ordered,
    d.quantity_ordered_is_estimate, d.quantity_delivered, d.quantity_delivered_is_estimate, d.quantity_text,
    d.condition, d.value, d.currency, d.sipri_id, d.tiv_per_unit, d.tiv_total, d.tiv_delivered, d.locked_fields,
    d.review_status, d.notes, d.created, d.updated"""
DEAL_FROM = """
    FROM deals_deal d JOIN actors_actor s ON s.id = d.supplier_id JOIN actors_actor r ON r.id = d.recipient_id
    JOIN systems_system y ON y.id = d.system_id JOIN systems_category c ON c.id = y.category_id"""
# Each deal's first 20 citations and how many it has, as DealSerializer's `citations` and `citation_count` show.
CITATIONS = """
    SELECT * FROM (
        SELECT c.deal_id, c.id, c.quote, c.locator, c.stance, c.hedge, c.hedge_text, c.note,
               o.id, o.kind, o.title, o.publisher, o.published_on, o.url,
               ROW_NUMBER() OVER (PARTITION BY c.deal_id ORDER BY c.id) AS number,
               COUNT(*) OVER (PARTITION BY c.deal_id) AS total
        FROM sources_citation c JOIN sources_source o ON o.id = c.source_id WHERE c.deal_id = ANY(%s)
    ) w WHERE number <= 20 ORDER BY number"""
DELIVERIES = """
    SELECT deal_id, year, year_is_estimate, quantity, quantity_is_estimate, tiv
    FROM deals_delivery WHERE deal_id = ANY(%s) ORDER BY year"""
ACTORS = "SELECT id FROM actors_actor WHERE slug = ANY(%s) OR iso2 = ANY(%s) OR iso3 = ANY(%s)"


class Database:
    """One persistent connection per thread, counting the queries of the current request."""

    def __init__(self):
        self.connection = psycopg.connect(DSN, autocommit=True)
        self.connection.execute("SET TIME ZONE 'UTC'")
        self.queries = 0

    def rows(self, sql, params=()):
        self.queries += 1
        return self.connection.execute(sql, params).fetchall()


def database() -> Database:
    db = getattr(_local, "db", None)
    if db is None or db.connection.closed:
        db = _local.db = Database()
    db.queries = 0
    return db


def moment(value):
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def day(value):
    return None if value is None else value.isoformat()


def number(value):
    return None if value is None else f"{value:f}"


def replace_query_param(url, key, value):
    scheme, netloc, path, query, fragment = parse.urlsplit(url)
    params = parse.parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return parse.urlunsplit((scheme, netloc, path, parse.urlencode(sorted(params.items()), doseq=True), fragment))


def remove_query_param(url, key):
    scheme, netloc, path, query, fragment = parse.urlsplit(url)
    params = parse.parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return parse.urlunsplit((scheme, netloc, path, parse.urlencode(sorted(params.items()), doseq=True), fragment))


def represent(db, base, rows):
    """The deals as the API's DealSerializer shows them, with their citations and deliveries."""
    ids = [row[0] for row in rows]
    citations, deliveries, cited = {}, {}, {}
    if ids:
        for c in db.rows(CITATIONS, (ids,)):
            cited[c[0]] = c[15]
            citations.setdefault(c[0], []).append(
                {
                    "id": c[1],
                    "url": f"{base}/api/v1/citations/{c[1]}/",
                    "quote": c[2],
                    "locator": c[3],
                    "stance": c[4],
                    "hedge": c[5],
                    "hedge_text": c[6],
                    "note": c[7],
                    "source": {
                        "id": c[8],
                        "url": f"{base}/api/v1/sources/{c[8]}/",
                        "kind": c[9],
                        "title": c[10],
                        "publisher": c[11],
                        "published_on": day(c[12]),
                        "link": c[13],
                    },
                }
            )
        for d in db.rows(DELIVERIES, (ids,)):
            deliveries.setdefault(d[0], []).append(
                {
                    "year": d[1],
                    "year_is_estimate": d[2],
                    "quantity": d[3],
                    "quantity_is_estimate": d[4],
                    "tiv": None if d[5] is None else str(d[5]),
                }
            )
    out = []
    for r in rows:
        delivered = deliveries.get(r[0], [])
        out.append(
            {
                "id": r[0],
                "url": f"{base}/api/v1/deals/{r[0]}/",
                "html_url": f"{base}/deals/{r[0]}/",
                "uid": str(r[1]),
                "supplier": {
                    "id": r[2],
                    "url": f"{base}/api/v1/actors/{r[3]}/",
                    "slug": r[3],
                    "name": r[4],
                    "kind": r[5],
                    "iso2": r[6],
                },
                "recipient": {
                    "id": r[7],
                    "url": f"{base}/api/v1/actors/{r[8]}/",
                    "slug": r[8],
                    "name": r[9],
                    "kind": r[10],
                    "iso2": r[11],
                },
                "system": {
                    "id": r[12],
                    "url": f"{base}/api/v1/systems/{r[13]}/",
                    "slug": r[13],
                    "name": r[14] or r[15],
                    "designation": r[14],
                    "description": r[16],
                    "category": r[17],
                    "is_generic": r[18],
                },
                "kind": r[19],
                "status": r[20],
                "year": r[21],
                "year_is_estimate": r[22],
                "date": day(r[23]),
                "date_precision": r[24],
                "quantity_ordered": r[25],
                "quantity_ordered_is_estimate": r[26],
                "quantity_delivered": r[27],
                "quantity_delivered_is_estimate": r[28],
                "quantity_text": r[29],
                "delivery_years": [d["year"] for d in delivered],
                "deliveries": delivered,
                "condition": r[30],
                "value": number(r[31]),
                "currency": r[32],
                "sipri_id": r[33],
                "tiv_per_unit": number(r[34]),
                "tiv_total": number(r[35]),
                "tiv_delivered": number(r[36]),
                "locked_fields": r[37],
                "review_status": r[38],
                "notes": r[39],
                "citations": citations.get(r[0], []),
                "citation_count": cited.get(r[0], 0),
                "citations_url": f"{base}/api/v1/citations/?deal={r[0]}",
                "created": moment(r[40]),
                "updated": moment(r[41]),
            }
        )
    return out


def conditions(db, query):
    """WHERE clause and parameters for the filters the benchmark uses; anonymous callers see reviewed deals."""
    where, params = ["d.review_status = 'reviewed'"], []
    for name in ("supplier", "recipient"):
        if name in query:
            values = [v for item in query[name] for v in item.split(",")]
            ids = [
                row[0]
                for row in db.rows(
                    ACTORS, ([v.lower() for v in values], [v.upper() for v in values], [v.upper() for v in values])
                )
            ]
            where.append(f"d.{name}_id = ANY(%s)")
            params.append(ids)
    if "kind" in query:
        where.append("d.kind = ANY(%s)")
        params.append([v for item in query["kind"] for v in item.split(",")])
    if "year_from" in query:
        where.append("d.year >= %s")
        params.append(int(query["year_from"][0]))
    if "year_to" in query:
        where.append("d.year <= %s")
        params.append(int(query["year_to"][0]))
    return " AND ".join(where), params


def deal_list(db, base, url, query):
    where, params = conditions(db, query)
    size = int(query.get("page_size", ["50"])[0])
    if "cursor" in query:
        position = None
        if query["cursor"][0]:
            position = parse.parse_qs(base64.b64decode(query["cursor"][0]).decode())["p"][0]
            where += " AND d.id > %s"
            params.append(int(position))
        rows = db.rows(f"SELECT {DEAL_COLUMNS} {DEAL_FROM} WHERE {where} ORDER BY d.id LIMIT %s", (*params, size + 1))
        page = rows[:size]

        def link(tokens):
            return replace_query_param(url, "cursor", base64.b64encode(parse.urlencode(tokens).encode()).decode())

        return {
            "next": link({"p": str(page[-1][0])}) if len(rows) > size else None,
            "previous": link({"r": "1", "p": str(page[0][0])}) if position is not None and page else None,
            "results": represent(db, base, page),
        }
    count = db.rows(f"SELECT count(*) FROM deals_deal d WHERE {where}", params)[0][0]
    number_ = int(query.get("page", ["1"])[0])
    rows = db.rows(
        f"SELECT {DEAL_COLUMNS} {DEAL_FROM} WHERE {where} ORDER BY d.id LIMIT %s OFFSET %s",
        (*params, size, (number_ - 1) * size),
    )
    pages = max(1, -(-count // size))
    previous = None
    if number_ > 1:
        previous = remove_query_param(url, "page") if number_ == 2 else replace_query_param(url, "page", number_ - 1)
    return {
        "count": count,
        "next": replace_query_param(url, "page", number_ + 1) if number_ < pages else None,
        "previous": previous,
        "results": represent(db, base, rows),
    }


KIND_LABELS = {
    "purchase": "Purchase",
    "aid": "Aid or gift",
    "lease": "Lease or loan",
    "licensed_production": "Licensed production",
    "manufacturing_support": "Manufacturing support",
    "technology_transfer": "Technology transfer",
    "upgrade": "Upgrade or refit",
    "unspecified": "Unspecified transfer",
}
STATUS_LABELS = {
    "interest": "Reported interest",
    "offer": "Offer",
    "negotiation": "Negotiation",
    "agreement": "Agreement",
    "order": "Order",
    "delivery_in_progress": "Delivery in progress",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
}
SIPRI_CONDITION = {"new": "New", "second_hand": "Second hand", "second_hand_modernised": "Second hand but modernized"}
EXPORT_HEADER = [
    "Supplier",
    "Recipient",
    "Weapon designation",
    "Weapon description",
    "Armament category",
    "Year of order",
    "Year of order is estimate",
    "Number ordered",
    "Number ordered is estimate",
    "Number delivered",
    "Number delivered is estimate",
    "Year(s) of delivery",
    "Status",
    "Deal stage",
    "Deal kind",
    "Quantity as written",
    "Comments",
    "Sources",
    "Supplier ISO code",
    "Recipient ISO code",
    "Dealgraph deal id",
    "Review status",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
    "SIPRI deal id",
    "Deliveries by year",
    "Deal stage code",
    "Deal kind code",
    "Supplier kind",
    "Recipient kind",
]
EXPORT = """
    SELECT d.id, s.name, r.name, coalesce(nullif(y.designation, ''), y.name), y.description, c.name, d.year,
           d.year_is_estimate, d.quantity_ordered, d.quantity_ordered_is_estimate, d.quantity_delivered,
           d.quantity_delivered_is_estimate, d.condition, d.status, d.kind, d.quantity_text, d.notes,
           coalesce(s.iso3, s.iso_former, ''), coalesce(r.iso3, r.iso_former, ''), d.review_status,
           d.tiv_per_unit, d.tiv_total, d.tiv_delivered, d.sipri_id, s.kind, r.kind
    {deal_from} WHERE {where} ORDER BY d.id"""
EXPORT_DELIVERIES = """
    SELECT deal_id, year, year_is_estimate, quantity, quantity_is_estimate, tiv
    FROM deals_delivery WHERE deal_id = ANY(%s) ORDER BY deal_id, year"""
EXPORT_SOURCES = """
    SELECT t.deal_id, o.title, o.publisher, o.published_on, t.locator, o.url
    FROM sources_citation t JOIN sources_source o ON o.id = t.source_id
    WHERE t.deal_id = ANY(%s) AND t.stance = 'supports' ORDER BY t.id"""


class _Echo:
    def write(self, value):
        return value


def export(db, query):
    """The CSV export, streamed from a server-side cursor 2,000 deals at a time, with their deliveries and sources."""
    where, params = conditions(db, query)
    writer = csv.writer(_Echo())

    def yes_no(flag):
        return "Yes" if flag else "No"

    def blank(value):
        return "" if value is None else str(value)

    def tiv(value):
        return "" if value is None else format(value.normalize(), "f")

    def mark(flag):
        return "?" if flag else ""

    def label(title, publisher, published_on, locator, url):
        where_ = ", ".join(filter(None, [publisher, published_on and published_on.isoformat()]))
        text = f"{title} ({where_})" if where_ else title
        if locator:
            text += f" [{locator}]"
        return f"{text} <{url}>" if url else text

    yield writer.writerow(EXPORT_HEADER).encode()
    db.connection.execute("SET jit = off")  # as the app does: JIT compiling cost more than the query
    with db.connection.transaction(), db.connection.cursor(name="export") as cursor:
        db.queries += 1
        cursor.itersize = 2000
        cursor.execute(EXPORT.format(deal_from=DEAL_FROM, where=where), params)
        while batch := cursor.fetchmany(2000):
            ids = [r[0] for r in batch]
            deliveries, sources = {}, {}
            for d in db.rows(EXPORT_DELIVERIES, (ids,)):
                deliveries.setdefault(d[0], []).append(d)
            for c in db.rows(EXPORT_SOURCES, (ids,)):
                sources.setdefault(c[0], []).append(label(*c[1:]))
            lines = []
            for r in batch:
                delivered = deliveries.get(r[0], ())
                by_year = []
                for _, year, year_estimate, quantity, quantity_estimate, year_tiv in delivered:
                    item = f"{year}{mark(year_estimate)}"
                    if quantity is not None or quantity_estimate or year_tiv is not None:
                        item += f":{blank(quantity)}{mark(quantity_estimate)}"
                    if year_tiv is not None:
                        item += f":{year_tiv}"
                    by_year.append(item)
                lines.append(
                    writer.writerow(
                        [
                            r[1],
                            r[2],
                            r[3],
                            r[4],
                            r[5],
                            blank(r[6]),
                            yes_no(r[7]),
                            blank(r[8]),
                            yes_no(r[9]),
                            blank(r[10]),
                            yes_no(r[11]),
                            "; ".join(str(d[1]) for d in delivered),
                            SIPRI_CONDITION.get(r[12], ""),
                            STATUS_LABELS[r[13]],
                            KIND_LABELS[r[14]],
                            r[15],
                            r[16],
                            " | ".join(sources.get(r[0], ())),
                            r[17],
                            r[18],
                            str(r[0]),
                            r[19],
                            tiv(r[20]),
                            tiv(r[21]),
                            tiv(r[22]),
                            blank(r[23]),
                            "; ".join(by_year),
                            r[13],
                            r[14],
                            r[24],
                            r[25],
                        ]
                    )
                )
            yield "".join(lines).encode()


# Statistics: the same GROUP BY over deals joined to their deliveries that an analyst would write by hand.
STATS_KEYS = {"supplier": "d.supplier_id", "recipient": "d.recipient_id", "category": "y.category_id", "year": "x.year"}
STATS_FROM = "deals_deal d JOIN deals_delivery x ON x.deal_id = d.id JOIN systems_system y ON y.id = d.system_id"
UNALLOCATED = """
    SELECT SUM(GREATEST(d.tiv_delivered - COALESCE(
        (SELECT SUM(a.tiv) FROM deals_delivery a WHERE a.deal_id = d.id AND a.tiv IS NOT NULL), 0), 0))
    FROM deals_deal d WHERE {where} AND d.tiv_delivered IS NOT NULL AND EXISTS (
        SELECT 1 FROM deals_delivery u WHERE u.deal_id = d.id AND u.tiv IS NULL AND u.year >= %s AND u.year <= %s)"""


def tiv_text(value):
    return None if value is None else f"{value.quantize(Decimal('0.001')):f}"


def stats_where(db, query, side_filters):
    first = int(query.get("delivered_from", ["1900"])[0])
    last = int(query.get("delivered_to", ["2100"])[0])
    where, params = ["d.review_status = 'reviewed'"], []
    for name, values in side_filters.items():
        ids = [row[0] for row in db.rows(ACTORS, (values, [v.upper() for v in values], [v.upper() for v in values]))]
        where.append(f"d.{name}_id = ANY(%s)")
        params.append(ids)
    return " AND ".join(where), params, (first, last)


def stats_total(db, where, params, years):
    tiv, units, deals = db.rows(
        f"SELECT SUM(x.tiv), SUM(x.quantity), COUNT(DISTINCT d.id) FROM {STATS_FROM} "
        f"WHERE {where} AND x.year >= %s AND x.year <= %s",
        (*params, *years),
    )[0]
    unallocated = db.rows(UNALLOCATED.format(where=where), (*params, *years))[0][0]
    return {"tiv": tiv, "units": units, "deals": deals, "unallocated_tiv": unallocated}


def stats_rows(db, base, by, where, params, years, total, *, order="tiv", limit=None, offset=0):
    keys = [STATS_KEYS[name] for name in by]
    ordering = "1 ASC NULLS LAST" if order == "year" else f"{len(keys) + 1} DESC NULLS LAST"
    sql = (
        f"SELECT {', '.join(keys)}, SUM(x.tiv), SUM(x.quantity), COUNT(DISTINCT d.id) FROM {STATS_FROM} "
        f"WHERE {where} AND x.year >= %s AND x.year <= %s GROUP BY {', '.join(keys)} "
        f"ORDER BY {ordering}, {', '.join(f'{i + 1} ASC NULLS LAST' for i in range(len(keys)))}"
    )
    rows = db.rows(sql + (f" LIMIT {limit} OFFSET {offset}" if limit else ""), (*params, *years))
    briefs = {}
    for position, name in enumerate(by):
        ids = list({row[position] for row in rows if row[position] is not None})
        if name in ("supplier", "recipient") and ids:
            briefs[name] = {
                r[0]: {
                    "id": r[0],
                    "url": f"{base}/api/v1/actors/{r[1]}/",
                    "slug": r[1],
                    "name": r[2],
                    "kind": r[3],
                    "iso2": r[4],
                }
                for r in db.rows("SELECT id, slug, name, kind, iso2 FROM actors_actor WHERE id = ANY(%s)", (ids,))
            }
        elif name == "category" and ids:
            briefs[name] = {
                r[0]: {"id": r[0], "slug": r[1], "name": r[2]}
                for r in db.rows("SELECT id, slug, name FROM systems_category WHERE id = ANY(%s)", (ids,))
            }
    out = []
    for row in rows:
        item = {name: briefs[name][row[i]] if name in briefs else row[i] for i, name in enumerate(by)}
        tiv = row[len(by)]
        item.update(
            tiv=tiv_text(tiv),
            share=float(tiv / total["tiv"]) if tiv is not None and total["tiv"] else None,
            units=row[len(by) + 1],
            deals=row[len(by) + 2],
        )
        out.append(item)
    return out


def summary(total):
    return {**total, "tiv": tiv_text(total["tiv"]), "unallocated_tiv": tiv_text(total["unallocated_tiv"])}


def delivery_stats(db, base, url, query):
    by = query["by"][0].split(",")
    sides = {name: query[name][0].split(",") for name in ("supplier", "recipient") if name in query}
    where, params, years = stats_where(db, query, sides)
    size, number_ = int(query.get("page_size", ["50"])[0]), int(query.get("page", ["1"])[0])
    total = stats_total(db, where, params, years)
    results = stats_rows(db, base, by, where, params, years, total, limit=size + 1, offset=(number_ - 1) * size)
    count = len(results)
    if number_ > 1 or count > size:
        keys = ", ".join(STATS_KEYS[name] for name in by)
        count = db.rows(
            f"SELECT count(*) FROM (SELECT {keys} FROM {STATS_FROM} WHERE {where} AND x.year >= %s AND x.year <= %s "
            f"GROUP BY {keys}) s",
            (*params, *years),
        )[0][0]
    return {
        "count": count,
        "next": replace_query_param(url, "page", number_ + 1) if len(results) > size else None,
        "previous": None,
        "by": by,
        "total": summary(total),
        "results": results[:size],
    }


def profile(db, base, slug, query):
    actor = db.rows("SELECT id, slug, name, kind, iso2 FROM actors_actor WHERE slug = %s", (slug,))[0]
    body = {
        "actor": {
            "id": actor[0],
            "url": f"{base}/api/v1/actors/{actor[1]}/",
            "slug": actor[1],
            "name": actor[2],
            "kind": actor[3],
            "iso2": actor[4],
        },
        "delivered_from": int(query["delivered_from"][0]) if "delivered_from" in query else None,
        "delivered_to": int(query["delivered_to"][0]) if "delivered_to" in query else None,
    }
    for side, own, partner in (("imports", "recipient", "supplier"), ("exports", "supplier", "recipient")):
        where, params, years = stats_where(db, query, {})
        where, params = f"{where} AND d.{own}_id = %s", [*params, actor[0]]
        total = stats_total(db, where, params, years)
        body[side] = {
            "total": summary(total),
            "by_year": stats_rows(db, base, ["year"], where, params, years, total, order="year"),
            "partners": stats_rows(db, base, [partner], where, params, years, total, limit=10),
            "categories": stats_rows(db, base, ["category"], where, params, years, total, limit=10),
        }
    return body


def application(environ, start_response):
    db = database()
    path = environ.get("PATH_INFO", "")
    query = parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    base = f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
    url = f"{base}{path}" + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
    if path == "/api/v1/deals/export.csv":
        start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
        return export(db, query)
    if path == "/api/v1/deals/":
        body = deal_list(db, base, url, query)
    elif path == "/api/v1/stats/deliveries/":
        body = delivery_stats(db, base, url, query)
    elif path.startswith("/api/v1/actors/") and path.endswith("/profile/"):
        body = profile(db, base, path.split("/")[4], query)
    elif path.startswith("/api/v1/deals/") and path[14:-1].isdigit():
        rows = db.rows(
            f"SELECT {DEAL_COLUMNS} {DEAL_FROM} WHERE d.id = %s AND d.review_status = 'reviewed'", (int(path[14:-1]),)
        )
        if not rows:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"detail":"Not found."}']
        body = represent(db, base, rows)[0]
    else:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail":"Not found."}']
    payload = orjson.dumps(body)
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload))), ("X-Queries", str(db.queries))],
    )
    return [payload]
