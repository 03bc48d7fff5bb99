"""Dagster sees the pipeline as designed: raw → staging → marts → published copy → site."""

import subprocess
import sys
from pathlib import Path

import duckdb
from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from orchestration.definitions import defs
from pipelines import config
from pipelines.bitrix24.settings import ENTITIES
from pipelines.demo_portal.server import DEFAULT_SECRET

EXPECTED_LINEAGE = {
    **{
        f"bitrix24/{table}": set()
        for table in [*ENTITIES, "deletions", "extraction_audit", "deal_census"]
    },
    **{f"bitrix24/{e.moves_table}": set() for e in ENTITIES.values() if e.moves_table},
    "staging/stg_bitrix24__currencies": {"bitrix24/currencies"},
    "staging/stg_bitrix24__deal_stages": {"bitrix24/statuses"},
    "staging/stg_bitrix24__deals": {"bitrix24/deals"},
    "staging/stg_bitrix24__users": {"bitrix24/users"},
    "staging/stg_bitrix24__deletions": {"bitrix24/deletions"},
    "marts/mart_won_revenue_monthly": {
        "staging/stg_bitrix24__deletions",
        "staging/stg_bitrix24__currencies",
        "staging/stg_bitrix24__deal_stages",
        "staging/stg_bitrix24__deals",
        "staging/stg_bitrix24__users",
    },
    "published_warehouse": {
        "marts/mart_won_revenue_monthly",
        "staging/stg_bitrix24__deletions",
        "staging/stg_bitrix24__currencies",
        "staging/stg_bitrix24__deal_stages",
        "staging/stg_bitrix24__deals",
        "staging/stg_bitrix24__users",
    },
    "report_site": {"published_warehouse"},
}


def test_asset_keys_and_lineage_are_as_designed():
    graph = defs.resolve_asset_graph()
    lineage = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert lineage == EXPECTED_LINEAGE


def test_dbt_tests_are_asset_checks_on_their_models():
    checks = defs.resolve_asset_graph().asset_check_keys
    on_mart = {
        c.name for c in checks if c.asset_key == AssetKey(["marts", "mart_won_revenue_monthly"])
    }
    assert "unique_combination_mart_won_revenue_monthly_portal_id__won_month__manager_id" in on_mart
    assert len(checks) >= 18


def test_the_refresh_job_runs_every_fifteen_minutes():
    [schedule] = defs.schedules
    assert schedule.cron_schedule == "*/15 * * * *"
    assert schedule.job_name == "refresh"


def test_a_run_loads_builds_and_publishes_with_every_check_passing(portal_db):
    """In process, on the embedded demo portal; the site build has its own test."""
    selection = AssetSelection.all() - AssetSelection.assets("report_site")
    instance = DagsterInstance.ephemeral()
    result = materialize(
        list(defs.assets), selection=selection, resources=defs.resources, instance=instance
    )
    assert result.success
    event_log = "\n".join(str(entry) for entry in instance.all_logs(result.run_id))
    assert "bitrix24/deals" in event_log  # the log is there to search
    assert DEFAULT_SECRET not in event_log, "the webhook secret is in Dagster's event log"
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == set(EXPECTED_LINEAGE) - {"report_site"}
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) >= 18
    assert all(e.passed for e in evaluations)
    # Users are read whole on every run; changing entities load only what changed since the
    # session's earlier loads into this warehouse, so their count can rightly be 0 here.
    users = next(
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey(["bitrix24", "users"])
    )
    truth_users = portal_db.execute("select count(*) from users").fetchone()[0]
    assert users.materialization.metadata["rows_loaded"].value == truth_users
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        loaded = db.execute("select count(*) from raw.deals").fetchone()[0]
    assert loaded == portal_db.execute("select count(*) from deals").fetchone()[0]


def test_dagster_definitions_validate_passes():
    """What `dagster dev` runs first: the code location loads from a fresh process."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "definitions",
            "validate",
            "-m",
            "orchestration.definitions",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "All code locations passed validation" in result.stdout + result.stderr
