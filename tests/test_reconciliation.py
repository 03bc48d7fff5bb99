"""Reconciliation fails the build on any difference from the CRM, and names the deal."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines import config

ROOT = Path(__file__).resolve().parent.parent


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

    build = subprocess.run(
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
    assert build.returncode != 0
    assert "assert_reconciliation_has_no_differences" in build.stdout

    with duckdb.connect(str(tampered), read_only=True) as db:
        found = dict(
            db.execute("select deal_id, difference from marts.mart_reconciliation").fetchall()
        )
    assert found.get(int(lost)) == "in the CRM, missing here"
    assert found.get(int(changed)) == "amount differs"
    assert found.get(None) == "list total differs"  # the deals total is off by one too
