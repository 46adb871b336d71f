"""The benchmark's peer: Datasette serving the same SQLite file, as a data journalist would run it instead of us.

Datasette lives in a virtualenv of the bench's own (bench/.venv-datasette, made on demand), never in the app's
environment or its dependencies. It serves the file immutable (`datasette serve -i`) with default settings and one
canned query, written the way a Datasette user writes one: a single SELECT whose nested parts come from
json_object and json_group_array subqueries. `bench/run.py` drives it against the app on the same file.
"""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
VERSION = "0.65.5"  # the 0.65 series; the version issue 11 measured against
VENV = BENCH / ".venv-datasette"
DATASETTE = VENV / "bin" / "datasette"

# The headline's filters, named as the API names them, so one query string serves both.
HEADLINE_PARAMETERS = {"recipient": "serbia", "kind": "purchase", "year_from": "2021", "year_to": "2022"}
JSON_COLUMNS = ("supplier", "recipient", "system", "delivery_years", "deliveries", "citations")  # JSON text

# Anonymous readers of the API see reviewed deals only, in id order (Deal.Meta.ordering); so does this query.
# The ordered inner SELECTs keep deliveries by year and citations by id; json() keeps each object JSON rather than
# text on its way out of the subquery.
HEADLINE_SQL = """
select
  d.id, d.uid,
  json_object('id', s.id, 'slug', s.slug, 'name', s.name, 'kind', s.kind, 'iso2', s.iso2) as supplier,
  json_object('id', r.id, 'slug', r.slug, 'name', r.name, 'kind', r.kind, 'iso2', r.iso2) as recipient,
  json_object(
    'id', y.id, 'slug', y.slug, 'designation', y.designation, 'name', y.name, 'description', y.description,
    'is_generic', y.is_generic, 'category', json_object('slug', c.slug, 'name', c.name)
  ) as system,
  d.kind, d.status, d.year, d.year_is_estimate, d.date, d.date_precision,
  d.quantity_ordered, d.quantity_ordered_is_estimate, d.quantity_delivered, d.quantity_delivered_is_estimate,
  d.quantity_text, d.condition, d.value, d.currency, d.sipri_id, d.tiv_per_unit, d.tiv_total, d.tiv_delivered,
  d.locked_fields, d.review_status, d.notes, d.created, d.updated,
  (select json_group_array(year) from (
    select year from deals_delivery where deal_id = d.id order by year
  )) as delivery_years,
  (select json_group_array(json(delivery)) from (
    select json_object(
      'year', year, 'year_is_estimate', year_is_estimate, 'quantity', quantity,
      'quantity_is_estimate', quantity_is_estimate, 'tiv', tiv
    ) as delivery
    from deals_delivery where deal_id = d.id order by year
  )) as deliveries,
  (select json_group_array(json(citation)) from (
    select json_object(
      'id', t.id, 'quote', t.quote, 'locator', t.locator, 'stance', t.stance, 'hedge', t.hedge,
      'hedge_text', t.hedge_text, 'note', t.note,
      'source', json_object(
        'id', o.id, 'kind', o.kind, 'title', o.title, 'publisher', o.publisher,
        'published_on', o.published_on, 'link', o.url
      )
    ) as citation
    from sources_citation t join sources_source o on o.id = t.source_id
    where t.deal_id = d.id order by t.id
  )) as citations
from deals_deal d
  join actors_actor s on s.id = d.supplier_id
  join actors_actor r on r.id = d.recipient_id
  join systems_system y on y.id = d.system_id
  join systems_category c on c.id = y.category_id
where r.slug = :recipient and d.kind = :kind and d.year between :year_from and :year_to
  and d.review_status = 'reviewed'
order by d.id
"""


def ensure_installed(log) -> str:
    """Make the bench's Datasette virtualenv when it is missing or holds another version; returns the version line."""
    wanted = f"datasette, version {VERSION}"
    if DATASETTE.exists():
        found = subprocess.run([str(DATASETTE), "--version"], capture_output=True, text=True).stdout.strip()
        if found == wanted:
            return found
    log(f"installing Datasette {VERSION} into {VENV.relative_to(BENCH.parent)}")
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [
            str(VENV / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-qq",
            "--disable-pip-version-check",
            f"datasette=={VERSION}",
        ],
        check=True,
    )
    found = subprocess.run([str(DATASETTE), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if found != wanted:
        raise SystemExit(f"Datasette in {VENV} reports {found!r}, not {wanted!r}")
    return found


def database_name(path: Path) -> str:
    return path.stem  # how Datasette names a database served from a file


def write_metadata(path: Path, directory: Path) -> Path:
    metadata = {
        "databases": {
            database_name(path): {
                "queries": {
                    "headline": {
                        "title": "Deals a recipient received, of one kind, in a span of years",
                        "sql": HEADLINE_SQL.strip(),
                    }
                }
            }
        }
    }
    out = directory / "datasette-metadata.json"
    out.write_text(json.dumps(metadata, indent=2))
    return out


def command(path: Path, metadata: Path, port: int) -> list[str]:
    return [str(DATASETTE), "serve", "-i", str(path), "--metadata", str(metadata), "-h", "127.0.0.1", "-p", str(port)]


def headline_path(path: Path) -> str:
    # _shape=array is what a client that wants a list of records asks for. The JSON columns come back as JSON text,
    # for the client to parse; nesting them in the answer (_json=COLUMN, one each) cost Datasette about 30% of its
    # requests per second here, so the peer is measured the faster way.
    return f"/{database_name(path)}/headline.json?{urlencode({**HEADLINE_PARAMETERS, '_shape': 'array'})}"


def detail_paths(path: Path, ids: list[int]) -> list[str]:
    return [f"/{database_name(path)}/deals_deal/{i}.json" for i in ids]


def headline_difference(page: dict, rows: list) -> str | None:
    """Where Datasette's headline answer differs from the app's in which deals, deliveries and citations it holds."""
    deals = page["results"]
    if page["count"] != len(deals):
        return f"the app counts {page['count']} deals but its first page holds {len(deals)}"
    if not isinstance(rows, list):
        return f"Datasette answered {str(rows)[:200]}"
    ours, theirs = [d["id"] for d in deals], [r["id"] for r in rows]
    if ours != theirs:
        return f"deal ids differ: app {ours}, Datasette {theirs}"
    for deal, row in zip(deals, rows, strict=True):
        row = {**row, **{column: json.loads(row[column]) for column in JSON_COLUMNS}}
        pairs = [
            ("delivery years", deal["delivery_years"], row["delivery_years"]),
            (
                "citations",
                [(c["id"], c["source"]["id"]) for c in deal["citations"]],
                [(c["id"], c["source"]["id"]) for c in row["citations"]],
            ),
            (
                "parties and system",
                [deal["supplier"]["id"], deal["recipient"]["id"], deal["system"]["id"]],
                [row["supplier"]["id"], row["recipient"]["id"], row["system"]["id"]],
            ),
        ]
        for what, a, b in pairs:
            if a != b:
                return f"deal {deal['id']}: {what} differ: app {a}, Datasette {b}"
    return None


def detail_difference(deal_id: int, answer: dict) -> str | None:
    """Datasette's row JSON must hold the deal the app served (rows as lists, keyed by its columns)."""
    rows, columns = answer.get("rows") or [], answer.get("columns") or []
    if len(rows) != 1 or "id" not in columns:
        return f"deal {deal_id}: Datasette answered {str(answer)[:200]}"
    found = rows[0][columns.index("id")]
    return None if found == deal_id else f"deal {deal_id}: Datasette's row holds deal {found}"
