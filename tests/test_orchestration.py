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

RAW_TABLES = {
    f"bitrix24/{table}"
    for table in [
        *ENTITIES,
        *(e.moves_table for e in ENTITIES.values() if e.moves_table),
        "deletions",
        "extraction_audit",
        "deal_census",
    ]
}
# Each layer reads only the ones before it (ARCHITECTURE.md); marts never read raw tables.
LAYER_READS = {
    "staging": {"bitrix24", "staging"},
    "intermediate": {"staging", "intermediate"},
    "marts": {"staging", "intermediate", "marts"},
}


def lineage() -> dict[str, set[str]]:
    graph = defs.resolve_asset_graph()
    return {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }


def test_asset_keys_and_lineage_are_as_designed():
    found = lineage()
    models = {key for key in found if key.split("/")[0] in LAYER_READS}
    assert set(found) == RAW_TABLES | models | {"published_warehouse", "report_site"}
    assert all(found[raw] == set() for raw in RAW_TABLES)
    for model in models:
        layer = model.split("/")[0]
        assert {p.split("/")[0] for p in found[model]} <= LAYER_READS[layer], model
    assert found["staging/stg_bitrix24__deals"] == {
        "bitrix24/deals",
        "staging/stg_bitrix24__deletions",
    }
    assert found["marts/mart_won_revenue_monthly"] == {"marts/fct_deals", "marts/dim_managers"}
    assert "staging/stg_bitrix24__deal_census" in found["marts/mart_reconciliation"]
    assert found["published_warehouse"] == models
    assert found["report_site"] == {"published_warehouse"}


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
    assert materialized == set(lineage()) - {"report_site"}
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
