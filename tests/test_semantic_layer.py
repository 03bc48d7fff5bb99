"""The semantic layer's metrics and the report mart give the same answer to the same question."""

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines import config

ROOT = Path(__file__).resolve().parent.parent
MF = str(Path(sys.executable).parent / "mf")


def mf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MF, *args],
        cwd=ROOT / "dbt_project",
        env={**os.environ, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_metricflow_validates_the_semantic_layer(built_warehouse):
    done = mf("validate-configs")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "ERRORS: 0" in done.stdout


def test_mf_query_and_the_mart_agree_on_won_revenue_by_month_and_manager(built_warehouse, tmp_path):
    out = tmp_path / "won.csv"
    done = mf(
        "query",
        "--metrics",
        "won_revenue,won_deals",
        "--group-by",
        "metric_time__month,deal__manager_id",
        "--csv",
        str(out),
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with out.open() as rows:
        from_metrics = {
            (row["metric_time__month"][:10], int(row["deal__manager_id"])): (
                round(Decimal(row["won_revenue"]), 2),
                int(row["won_deals"]),
            )
            for row in csv.DictReader(rows)
        }
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        from_mart = {
            (str(month), manager): (revenue, deals)
            for month, manager, revenue, deals in db.execute(
                "select won_month, manager_id, won_revenue, won_deals"
                " from marts.mart_won_revenue_monthly"
            ).fetchall()
        }
    assert len(from_mart) > 50
    assert from_metrics == from_mart
