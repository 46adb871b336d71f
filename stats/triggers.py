"""The database triggers that keep stats.DeliveryFact equal to the deliveries joined to their deals and systems.

Triggers, not signals: imports write in bulk (bulk_create, bulk_update, COPY), fixtures load rows raw, and an
operator may fix a row in psql; a trigger sees every one of those writes, a Django signal none of them."""

from django.db import connection as default_connection

from deals.choices import ReviewStatus

FACT = "stats_deliveryfact"
COLUMNS = (
    "delivery_id, deal_id, year, tiv, quantity, supplier_id, recipient_id, system_id, category_id, reviewed, unsplit, "
    "previous_year"
)


def previous_year(row: str) -> str:
    """The deal's delivery year before the fact's or delivery's own (`row` names it), from the deliveries."""
    return f"(SELECT MAX(z.year) FROM deals_delivery z WHERE z.deal_id = {row}.deal_id AND z.year < {row}.year)"


# One delivery's row, from the tables it summarises; {where} picks the deliveries.
SELECT = (
    "SELECT x.id, x.deal_id, x.year, x.tiv, x.quantity, d.supplier_id, d.recipient_id, d.system_id, y.category_id, "
    f"d.review_status = '{ReviewStatus.REVIEWED.value}', x.tiv IS NULL AND d.tiv_delivered IS NOT NULL, "
    f"{previous_year('x')} "
    "FROM deals_delivery x JOIN deals_deal d ON d.id = x.deal_id JOIN systems_system y ON y.id = d.system_id "
    "WHERE {where}"
)
INSERT = f"INSERT INTO {FACT} ({COLUMNS}) {SELECT}"
# A delivery added, moved or removed changes the previous year of its deal's later facts; {deal} and {year} say
# which (a delivery's deal and year, OLD or NEW). Imports add a deal's years in order, so usually none follow.
FOLLOWING = f"UPDATE {FACT} SET previous_year = {previous_year(FACT)} WHERE deal_id = {{deal}} AND year > {{year}}"
DEAL_UPDATE = (
    f"UPDATE {FACT} SET supplier_id = NEW.supplier_id, recipient_id = NEW.recipient_id, system_id = NEW.system_id, "
    "category_id = (SELECT category_id FROM systems_system WHERE id = NEW.system_id), "
    f"reviewed = NEW.review_status = '{ReviewStatus.REVIEWED.value}', "
    "unsplit = tiv IS NULL AND NEW.tiv_delivered IS NOT NULL WHERE deal_id = NEW.id"
)
SYSTEM_UPDATE = f"UPDATE {FACT} SET category_id = NEW.category_id WHERE system_id = NEW.id"
DEAL_CHANGED = (
    "OLD.supplier_id IS DISTINCT FROM NEW.supplier_id OR OLD.recipient_id IS DISTINCT FROM NEW.recipient_id "
    "OR OLD.system_id IS DISTINCT FROM NEW.system_id OR OLD.review_status IS DISTINCT FROM NEW.review_status "
    "OR OLD.tiv_delivered IS DISTINCT FROM NEW.tiv_delivered"
)
DEAL_COLUMNS = "supplier_id, recipient_id, system_id, review_status, tiv_delivered"
DELIVERY_COLUMNS = "deal_id, year, tiv, quantity"

AFTER_NEW = FOLLOWING.format(deal="NEW.deal_id", year="NEW.year")
AFTER_OLD = FOLLOWING.format(deal="OLD.deal_id", year="OLD.year")
SQLITE = {
    "stats_fact_delivery_insert": (
        f"AFTER INSERT ON deals_delivery BEGIN {INSERT.format(where='x.id = NEW.id')}; {AFTER_NEW}; END"
    ),
    "stats_fact_delivery_update": (
        f"AFTER UPDATE OF {DELIVERY_COLUMNS} ON deals_delivery BEGIN "
        f"DELETE FROM {FACT} WHERE delivery_id = OLD.id; {INSERT.format(where='x.id = NEW.id')}; "
        f"{AFTER_OLD}; {AFTER_NEW}; END"
    ),
    "stats_fact_delivery_delete": (
        f"AFTER DELETE ON deals_delivery BEGIN DELETE FROM {FACT} WHERE delivery_id = OLD.id; {AFTER_OLD}; END"
    ),
    "stats_fact_deal": (
        f"AFTER UPDATE OF {DEAL_COLUMNS} ON deals_deal "
        f"WHEN {DEAL_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {DEAL_UPDATE}; END"
    ),
    "stats_fact_system": (
        "AFTER UPDATE OF category_id ON systems_system WHEN OLD.category_id IS NOT NEW.category_id "
        f"BEGIN {SYSTEM_UPDATE}; END"
    ),
}
POSTGRES_FUNCTIONS = {
    "stats_fact_delivery": (
        "BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        f"DELETE FROM {FACT} WHERE delivery_id = OLD.id; {AFTER_OLD}; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {INSERT.format(where='x.id = NEW.id')}; {AFTER_NEW}; END IF; "
        "RETURN NULL; END"
    ),
    "stats_fact_deal": f"BEGIN {DEAL_UPDATE}; RETURN NULL; END",
    "stats_fact_system": f"BEGIN {SYSTEM_UPDATE}; RETURN NULL; END",
}
# name: (table, when it fires)
POSTGRES_TRIGGERS = {
    "stats_fact_delivery": ("deals_delivery", f"AFTER INSERT OR DELETE OR UPDATE OF {DELIVERY_COLUMNS}"),
    "stats_fact_deal": (
        "deals_deal",
        f"AFTER UPDATE OF {DEAL_COLUMNS}",
    ),
    "stats_fact_system": ("systems_system", "AFTER UPDATE OF category_id"),
}
POSTGRES_CONDITIONS = {
    "stats_fact_deal": DEAL_CHANGED,
    "stats_fact_system": "OLD.category_id IS DISTINCT FROM NEW.category_id",
}


def installed(connection=default_connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'stats_fact_%' AND NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats_fact_%'")
        return {row[0] for row in cursor.fetchall()}


def expected(connection=default_connection) -> set[str]:
    return set(POSTGRES_TRIGGERS if connection.vendor == "postgresql" else SQLITE)


def install(connection=default_connection, *, force: bool = False) -> bool:
    """Create whichever triggers are missing and, if any were, rebuild the table from the deliveries: rows written
    while a trigger was missing (SQLite drops a table's triggers when a migration rebuilds it) are made good.
    `force` replaces them all (a migration that changes them). Returns whether anything was (re)made; does nothing
    where the table is not, or no longer, migrated."""
    if FACT not in connection.introspection.table_names():
        return False
    if not force and not expected(connection) - installed(connection):
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, body in POSTGRES_FUNCTIONS.items():
                cursor.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
            for name, (table, when) in POSTGRES_TRIGGERS.items():
                condition = f"WHEN ({POSTGRES_CONDITIONS[name]})" if name in POSTGRES_CONDITIONS else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW {condition} EXECUTE FUNCTION {name}()"
                )
        else:
            for name, body in SQLITE.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")
    refresh(connection)
    return True


def refresh(connection=default_connection) -> None:
    """Rebuild the whole table: one INSERT ... SELECT over every delivery."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACT}")
        cursor.execute(INSERT.format(where="1 = 1"))


def uninstall(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, (table, _) in POSTGRES_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name in POSTGRES_FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for name in SQLITE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
