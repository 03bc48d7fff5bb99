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


def mf_rows(tmp_path: Path, metrics: str, group_by: str) -> list[dict]:
    out = tmp_path / f"{metrics.replace(',', '-')}.csv"
    done = mf("query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with out.open() as rows:
        return list(csv.DictReader(rows))


def test_lead_metrics_are_the_marketing_mart_by_year_and_source(built_warehouse, tmp_path):
    from_metrics = {
        (row["metric_time__year"][:4], row["lead__source_name"]): (
            int(row["leads_created"]),
            int(float(row["leads_converted"] or 0)),
        )
        for row in mf_rows(
            tmp_path, "leads_created,leads_converted", "metric_time__year,lead__source_name"
        )
    }
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        from_mart = {
            (str(year), source): (leads, converted)
            for year, source, leads, converted in db.execute(
                "select year(cohort_month), source_name, sum(leads), sum(converted_leads)"
                " from marts.mart_marketing_sources group by all having sum(leads) > 0"
            ).fetchall()
        }
    assert len(from_mart) > 10
    assert from_metrics == from_mart


def test_call_metrics_count_the_telephony_records_by_month(built_warehouse, tmp_path):
    from_metrics = {
        row["metric_time__month"][:7]: int(float(row["missed_calls"]))
        for row in mf_rows(tmp_path, "missed_calls", "metric_time__month")
        if float(row["missed_calls"] or 0) > 0
    }
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        from_calls = dict(
            db.execute(
                "select strftime(started_date, '%Y-%m'), count(*) from marts.fct_calls"
                " where is_missed group by 1"
            ).fetchall()
        )
    assert sum(from_calls.values()) > 0
    assert from_metrics == from_calls
