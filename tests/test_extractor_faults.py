"""A portal having a bad day: failures, dropped connections, and edits and deletes landing while
the extractor pages. After a load and one incremental run (with a delete scan), the warehouse
equals the portal: nothing missing, nothing twice, nothing stale, deletes noted."""

import os
import signal
import subprocess
import sys
import time
from contextlib import closing

import duckdb
import pytest
import requests

from pipelines import config
from pipelines.bitrix24.load import run
from pipelines.demo_portal.faults import Faults

ENTITIES = ("deals", "leads", "contacts", "activities")
FAULTS = "5xx=0.1,drop=0.03,html=0.02"


@pytest.fixture
def bad_day(start_portal, load_from):
    return load_from(start_portal(faults=f"{FAULTS},edits=0.3", seed=11))


def truth(portal, entity: str) -> tuple[set[int], set[int]]:
    body = requests.get(
        f"{portal.base_url}/_demo/truth/records", params={"entity": entity}, timeout=60
    ).json()
    return set(body["existing"]), {d["ID"] for d in body["deleted"]}


def ids(db: duckdb.DuckDBPyConnection, sql: str, *args: object) -> list[int]:
    return [row[0] for row in db.execute(sql, list(args)).fetchall()]


def assert_warehouse_equals_portal(portal) -> None:
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        has_deletions = (
            db.execute(
                "select count(*) from information_schema.tables where "
                "table_schema = 'raw' and table_name = 'deletions'"
            ).fetchone()[0]
            == 1
        )  # appears with the first delete
        for entity in ENTITIES:
            live, deleted = truth(portal, entity)
            rows = ids(db, f"select cast(id as bigint) from raw.{entity}")
            noted = (
                set(
                    ids(db, "select cast(id as bigint) from raw.deletions where entity = ?", entity)
                )
                if has_deletions
                else set()
            )
            assert len(rows) == len(set(rows)), f"{entity}: a record loaded twice"
            assert live <= set(rows), f"{entity}: missing {sorted(live - set(rows))[:5]}"
            assert set(rows) - live <= noted, f"{entity}: deleted on the portal, not noted"
            assert noted <= deleted, f"{entity}: noted as deleted but still live"
        loaded = dict(db.execute("select cast(id as bigint), stage_id from raw.deals").fetchall())
    with closing(portal.connect()) as db:  # the portal's own file: what the API serves now
        current = dict(db.execute("select ID, STAGE_ID from deals").fetchall())
    stale = [i for i, stage in current.items() if loaded[i] != stage]
    assert stale == [], f"deals still in an old stage: {stale[:5]}"


def test_a_load_and_an_incremental_run_end_equal_to_the_portal(bad_day):
    run(progress=None)  # edits and deletes land while it pages
    bad_day.faults = Faults.parse(FAULTS, seed=12)  # the changes stop; the failures go on
    run(progress=None, scan_deletes=True)
    assert_warehouse_equals_portal(bad_day)


def test_killed_mid_load_and_run_again(bad_day):
    """SIGKILL part-way: the rerun finishes the job with nothing lost or doubled."""
    load = [sys.executable, "-m", "pipelines.bitrix24.cli"]
    started = subprocess.Popen(
        load, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while bad_day.requests_served < 8 and time.monotonic() < deadline:
        time.sleep(0.05)  # kill it while it is reading the portal, not while it starts
    started.send_signal(signal.SIGKILL)
    started.wait()
    bad_day.faults = Faults.parse(FAULTS, seed=13)
    assert (
        subprocess.run(load, env=os.environ.copy(), capture_output=True, timeout=600).returncode
        == 0
    )
    assert (
        subprocess.run(
            [*load, "--scan-deletes"], env=os.environ.copy(), capture_output=True, timeout=600
        ).returncode
        == 0
    )
    assert_warehouse_equals_portal(bad_day)
