"""The loaded raw tables hold exactly what the portal holds: every row once, as sent."""

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.bitrix24.settings import ENTITIES
from pipelines.demo_portal.fields import DEAL
from pipelines.demo_portal.listing import wire_value

RAW_TABLES = tuple(ENTITIES)
# raw table → the demo portal's own table holding the same records
KEYSET_TABLES = {
    "deals": "deals",
    "leads": "leads",
    "contacts": "contacts",
    "companies": "companies",
    "activities": "activities",
    "calls": "calls",
    "deal_stage_history": "deal_stage_history",
    "lead_status_history": "lead_status_history",
    "statuses": "statuses",
    "users": "users",
    "departments": "departments",
}


@pytest.fixture
def raw(built_warehouse):
    # Per test: DuckDB lets no writer in while any connection holds the file open.
    db = duckdb.connect(str(config.warehouse_path()), read_only=True)
    yield db
    db.close()


def test_every_deal_loaded_once_with_the_values_the_api_sent(raw, portal_db):
    truth = {row["ID"]: row for row in portal_db.execute("select * from deals")}
    loaded = raw.execute(
        "select id, opportunity, stage_id, moved_time, moved_by_id, closed from raw.deals"
    ).fetchall()
    assert len(loaded) == len(truth) == len({r[0] for r in loaded})
    for deal_id, opportunity, stage_id, moved_time, moved_by_id, closed in loaded:
        source = truth[int(deal_id)]
        assert (opportunity, stage_id, moved_time, moved_by_id, closed) == tuple(
            wire_value(DEAL[name], source[name])
            for name in ("OPPORTUNITY", "STAGE_ID", "MOVED_TIME", "MOVED_BY_ID", "CLOSED")
        )


@pytest.mark.parametrize("table", RAW_TABLES)
def test_every_row_carries_the_portal_id(raw, table):
    portals = raw.execute(f"select distinct portal_id from raw.{table}").fetchall()
    assert portals == [(config.DEMO_PORTAL_ID,)]


@pytest.mark.parametrize(("raw_table", "portal_table"), KEYSET_TABLES.items())
def test_every_record_is_loaded_exactly_once(raw, portal_db, raw_table, portal_table):
    truth = [r[0] for r in portal_db.execute(f"select ID from {portal_table} order by ID")]
    loaded = [
        r[0]
        for r in raw.execute(
            f"select cast(id as bigint) from raw.{raw_table} order by 1"
        ).fetchall()
    ]
    assert loaded == truth


def test_reference_lists_match_the_portal(raw, portal_db):
    assert raw.execute("select count(*) from raw.currencies").fetchone()[0] == 3
    assert raw.execute("select count(*) from raw.deal_categories").fetchone()[0] == 3
    enum = raw.execute(
        "select list from raw.deal_user_fields where user_type_id = 'enumeration'"
    ).fetchone()[0]
    assert "бассейн" in enum


def test_a_second_load_merges_instead_of_duplicating(built_warehouse, portal_db):
    from pipelines.bitrix24.load import run

    run(progress=None)
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        count, distinct = db.execute(
            "select count(*), count(distinct id) from raw.deals"
        ).fetchone()
    assert count == distinct == portal_db.execute("select count(*) from deals").fetchone()[0]


def test_the_webhook_secret_is_stored_nowhere(built_warehouse, demo_portal):
    secret = demo_portal.secret
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        columns = db.execute(
            "select table_schema, table_name, column_name from "
            "information_schema.columns where data_type = 'VARCHAR'"
        ).fetchall()
        for schema, table, column in columns:
            hits = db.execute(
                f'select count(*) from "{schema}"."{table}" '
                f"where \"{column}\" like '%' || ? || '%'",
                [secret],
            ).fetchone()[0]
            assert hits == 0, f"secret found in {schema}.{table}.{column}"
    for path in Path(config.warehouse_dir(), "dlt").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), f"secret found in {path}"


def _load_cli(tmp_path: Path, webhook: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BITRIX24_WEBHOOK_URL": webhook, "WAREHOUSE_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.bitrix24.cli"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_wrong_secret_fails_in_one_clear_line_without_leaking_it(tmp_path, demo_portal):
    secret = "not-the-right-secret-1234"
    result = _load_cli(tmp_path, f"{demo_portal.base_url}/rest/1/{secret}/")
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"bitrix24-load failed: \w+: [\w.]+: INVALID_CREDENTIALS: "
        r"Invalid request credentials",
        last_line,
    ), last_line
    assert secret not in result.stdout + result.stderr


def test_a_malformed_webhook_is_refused_before_any_request(tmp_path):
    result = _load_cli(tmp_path, "portal.example/no-rest-here")
    assert result.returncode == 1
    assert "Not a Bitrix24 webhook URL" in result.stderr.strip().splitlines()[-1]
