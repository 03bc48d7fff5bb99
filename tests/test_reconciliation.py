"""Reconciliation fails the build on any difference from the CRM, and names the deal."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import requests

from pipelines import config

ROOT = Path(__file__).resolve().parent.parent


def build_reconciliation(tmp_path: Path) -> subprocess.CompletedProcess:
    """dbt build of the reconciliation and all it reads, on the configured warehouse."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--select",
            "+mart_reconciliation+",
            "--project-dir",
            str(ROOT / "dbt_project"),
            "--profiles-dir",
            str(ROOT / "dbt_project"),
            "--target-path",
            str(tmp_path / "target"),
        ],
        capture_output=True,
        text=True,
    )


def test_a_lost_row_and_a_wrong_amount_fail_the_build_naming_both_deals(
    built_warehouse, tmp_path, monkeypatch
):
    tampered = tmp_path / "bitrix24.duckdb"
    shutil.copyfile(config.warehouse_path(), tampered)
    with duckdb.connect(str(tampered)) as db:
        lost, changed = (
            row[0] for row in db.execute("select id from raw.deals order by id limit 2").fetchall()
        )
        db.execute("delete from raw.deals where id = ?", [lost])  # an export that lost a row
        db.execute(  # one kopeck off
            "update raw.deals set opportunity = cast(cast(opportunity as decimal(18, 2)) + 0.01"
            " as varchar) where id = ?",
            [changed],
        )
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path))

    build = build_reconciliation(tmp_path)
    assert build.returncode != 0
    assert "assert_reconciliation_has_no_differences" in build.stdout

    with duckdb.connect(str(tampered), read_only=True) as db:
        found = dict(
            db.execute("select deal_id, difference from marts.mart_reconciliation").fetchall()
        )
    assert found.get(int(lost)) == "in the CRM, missing here"
    assert found.get(int(changed)) == "amount differs"
    assert found.get(None) == "list total differs"  # the deals total is off by one too


def test_loads_after_the_census_still_reconcile_as_of_the_census(start_portal, load_from, tmp_path):
    """A refresh between nightly censuses reads new and changed deals the census never saw:
    they are not differences. The build passes, and the marts hold more than was counted."""
    from pipelines.bitrix24.load import run

    portal = load_from(start_portal())
    run(progress=None, scan_deletes=True)
    day = requests.post(f"{portal.base_url}/_demo/advance", json={"days": 1, "seed": 5}).json()
    assert day["deals created"] > 0 and day["deal moves"] > 0
    run(progress=None)  # a refresh: no census

    build = build_reconciliation(tmp_path)
    assert build.returncode == 0, build.stdout[-3000:]
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        assert db.execute("select count(*) from marts.mart_reconciliation").fetchone()[0] == 0
        counted, live, at_census = db.execute(
            "select audit.api_total, counts.live_rows, counts.live_rows_at_census"
            " from intermediate.int_live_row_counts counts"
            " join staging.stg_bitrix24__extraction_audit audit using (portal_id, entity)"
            " where counts.entity = 'deals' and audit.api_total is not null"
        ).fetchone()
    assert live > counted == at_census
