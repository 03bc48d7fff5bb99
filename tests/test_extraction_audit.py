"""Every run leaves an audit the marts reconcile against: per entity what the portal counted,
what arrived and what it cost; and on census runs the deals per stage semantic and their sums."""

from collections import defaultdict
from contextlib import closing
from decimal import Decimal

import duckdb
import pytest

from pipelines import config
from pipelines.bitrix24.load import run
from pipelines.bitrix24.settings import COUNTED, ENTITIES
from pipelines.demo_portal.faults import Faults


def audit_of_last_run() -> dict[str, dict]:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        found = db.execute(
            "select * from raw.extraction_audit where _dlt_load_id = "
            "(select max(_dlt_load_id) from raw.extraction_audit)"
        )
        names = [column[0] for column in found.description]
        rows = [dict(zip(names, row, strict=True)) for row in found.fetchall()]
    return {row["entity"]: row for row in rows}


def raw_count(table: str) -> int:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        return db.execute(f"select count(*) from raw.{table}").fetchone()[0]


@pytest.fixture
def failing_portal(start_portal, load_from):
    return load_from(start_portal(faults="5xx=0.15,drop=0.05", seed=3))


def test_a_census_counts_every_list_and_the_counts_match_the_rows(failing_portal):
    run(progress=None, scan_deletes=True)
    audit = audit_of_last_run()

    assert set(ENTITIES) <= set(audit)
    for table in COUNTED:
        line = audit[table]
        assert line["read"] == "all"
        assert line["api_total"] == line["rows_received"] == raw_count(table), table
    assert audit["currencies"]["api_total"] is None  # the portal always counts them as 0


def test_the_audit_accounts_for_every_request_and_retry(failing_portal):
    before = failing_portal.requests_served
    run(progress=None, scan_deletes=True)
    audit = audit_of_last_run()

    made = sum(line["requests"] + line["retries"] for line in audit.values())
    assert made == failing_portal.requests_served - before
    assert sum(line["retries"] for line in audit.values()) > 0  # the faults were retried

    # a second run reads only what changed since, and says so
    failing_portal.faults = Faults.parse("", seed=0)
    run(progress=None)
    again = audit_of_last_run()
    assert again["deals"]["read"].startswith("modified since ")
    assert again["deal_stage_history"]["read"].startswith("after id ")
    assert again["deals"]["api_total"] is None  # counting is the census's job
    assert sum(line["rows_received"] or 0 for line in again.values()) < 100


def test_the_deal_census_equals_the_portal_to_the_kopeck(failing_portal):
    run(progress=None, scan_deletes=True)
    expected: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0)])
    with closing(failing_portal.connect()) as portal:
        for semantic, currency, amount in portal.execute(
            "select STAGE_SEMANTIC_ID, CURRENCY_ID, OPPORTUNITY from deals"
        ):
            expected[(semantic, currency)][0] += 1
            expected[(semantic, currency)][1] += Decimal(str(amount or 0))

    census: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0)])
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        for semantic, currency, amount in db.execute(
            "select stage_semantic_id, currency_id, opportunity from raw.deal_census"
        ).fetchall():
            census[(semantic, currency)][0] += 1
            census[(semantic, currency)][1] += Decimal(amount)
    assert dict(census) == dict(expected)
    assert {semantic for semantic, _ in census} == {"P", "S", "F"}
