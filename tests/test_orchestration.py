"""Dagster sees the pipeline as designed: raw → staging → marts → published copy → site."""

import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import requests
from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInstance,
    build_schedule_context,
    materialize,
)

from orchestration import portals
from orchestration.definitions import build_definitions, defs
from orchestration.defs.checks import last_loaded_at, shrunk_lists
from orchestration.portals import Portals
from pipelines import config
from pipelines.bitrix24.settings import ENTITIES, MODIFIED_OVERLAP
from pipelines.demo_portal.server import DEFAULT_SECRET
from pipelines.demo_portal.timeline import advance, portal_now

NIGHTLY_CONFIG = {"ops": {"bitrix24_raw": {"config": {"scan_deletes": True}}}}

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


def test_a_run_loads_builds_publishes_and_builds_the_site_with_every_check_passing(portal_db):
    """In process, on the embedded demo portal, as the nightly job runs it (with a census)."""
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [*defs.assets, *defs.asset_checks],
        resources=defs.resources,
        instance=instance,
        partition_key="demo",
        run_config=NIGHTLY_CONFIG,
    )
    assert result.success
    event_log = "\n".join(str(entry) for entry in instance.all_logs(result.run_id))
    assert "bitrix24/deals" in event_log  # the log is there to search
    assert DEFAULT_SECRET not in event_log, "the webhook secret is in Dagster's event log"
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == set(lineage())
    site = next(
        e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey("report_site")
    )
    assert (Path(site["path"].value) / "index.html").exists() and site["files"].value > 10
    evaluations = {
        e.asset_check_key.to_user_string(): e for e in result.get_asset_check_evaluations()
    }
    assert len(evaluations) >= 18
    assert [key for key, e in evaluations.items() if not e.passed] == []
    for trust in (
        "bitrix24/deals:loaded_recently",
        "bitrix24/deal_census:loaded_recently",
        "bitrix24/extraction_audit:no_list_shrank_suddenly",
        "published_warehouse:reconciles_with_the_crm",
    ):
        assert trust in evaluations, trust
    reconciled = evaluations["published_warehouse:reconciles_with_the_crm"].metadata
    assert reconciled["differences"].value == 0
    # Users are read whole on every run; changing entities load only what changed since the
    # session's earlier loads into this warehouse, so their count can rightly be 0 here.
    users = next(
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey(["bitrix24", "users"])
    )
    truth_users = portal_db.execute("select count(*) from users").fetchone()[0]
    assert users.materialization.metadata["rows_loaded"].value == truth_users
    deals = next(
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey(["bitrix24", "deals"])
    ).materialization.metadata
    assert deals["requests"].value >= 1 and deals["seconds"].value > 0  # from the audit
    assert deals["api_total"].value == portal_db.execute("select count(*) from deals").fetchone()[0]
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        loaded = db.execute("select count(*) from raw.deals").fetchone()[0]
    assert loaded == portal_db.execute("select count(*) from deals").fetchone()[0]


def test_a_refresh_run_without_a_census_still_builds_through_to_the_site(built_warehouse):
    """The 15-minute job reads no deletions: that table must not hold back dbt and the site."""
    result = materialize(
        [*defs.assets],
        resources=defs.resources,
        instance=DagsterInstance.ephemeral(),
        partition_key="demo",
    )
    assert result.success
    events = {e.asset_key: e.materialization for e in result.get_asset_materialization_events()}
    assert AssetKey("report_site") in events and AssetKey("published_warehouse") in events
    deletions = events[AssetKey(["bitrix24", "deletions"])].metadata
    assert deletions["read"].value == "not by this run"


ROOT = Path(__file__).resolve().parent.parent


def test_a_failed_load_publishes_nothing_and_keeps_the_secret_out(
    tmp_path, monkeypatch, demo_portal
):
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path))
    published = config.published_path()
    published.parent.mkdir(parents=True)
    published.write_bytes(b"the last good copy")
    wrong = demo_portal.webhook_url.replace(DEFAULT_SECRET, "not0the0secret")
    monkeypatch.setenv("BITRIX24_WEBHOOK_URL", wrong)
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [*defs.assets],
        resources=defs.resources,
        instance=instance,
        partition_key="demo",
        raise_on_error=False,
    )
    assert not result.success
    assert result.get_asset_materialization_events() == []
    assert published.read_bytes() == b"the last good copy"
    event_log = "\n".join(str(entry) for entry in instance.all_logs(result.run_id))
    assert "INVALID_CREDENTIALS" in event_log
    assert "not0the0secret" not in event_log


def test_dagster_definitions_validate_passes():
    """What `dagster dev` runs first: the code location loads from a fresh process."""
    root = ROOT
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


def two_demo_portals(tmp_path: Path) -> Portals:
    listed = tmp_path / "portals.yml"
    listed.write_text(
        "portals:\n  - id: alpha\n    demo_seed: 42\n  - id: beta\n    demo_seed: 7\n",
        encoding="utf-8",
    )
    return portals.read(listed)


def test_schedules_start_one_run_per_portal_and_the_nightly_run_is_a_census(tmp_path):
    agency = build_definitions(two_demo_portals(tmp_path))
    by_name = {s.name: s for s in agency.schedules}
    assert {n: s.cron_schedule for n, s in by_name.items()} == {
        "refresh_schedule": "*/15 * * * *",
        "nightly_schedule": "0 3 * * *",
    }
    tick = datetime(2026, 12, 4, 3, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    for name, census in [("refresh_schedule", False), ("nightly_schedule", True)]:
        schedule = by_name[name]
        with build_schedule_context(
            repository_def=agency.get_repository_def(), scheduled_execution_time=tick
        ) as context:
            requests = schedule.evaluate_tick(context).run_requests
        assert [r.partition_key for r in requests] == ["alpha", "beta"]
        assert len({r.run_key for r in requests}) == 2
        job = agency.resolve_job_def(schedule.job_name)
        assert job.partitions_def.get_partition_keys() == ["alpha", "beta"]
        for request in requests:
            run_config = job.get_run_config_for_partition_key(request.partition_key)
            assert run_config["ops"]["bitrix24_raw"]["config"]["scan_deletes"] is census


def test_schedules_are_overridable_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REFRESH_CRON", "*/5 * * * *")
    monkeypatch.setenv("NIGHTLY_CRON", "30 1 * * *")
    crons = {s.name: s.cron_schedule for s in build_definitions(portals.configured()).schedules}
    assert crons == {"refresh_schedule": "*/5 * * * *", "nightly_schedule": "30 1 * * *"}


def test_a_bad_portals_file_says_which_entry_and_why(tmp_path, monkeypatch):
    listed = tmp_path / "portals.yml"
    for text, says in [
        ("portals: []\n", "expected a list under `portals:`"),
        ("portals:\n  - demo_seed: 1\n", "portal 1: needs an `id`"),
        ("portals:\n  - id: a\n  - id: a\n", "portal ids listed twice: a"),
        ("portals:\n  - id: a b\n", "portal 1: id 'a b' must be"),
        ("portals:\n  - id: a\n    webhok_url_env: X\n", "unknown keys webhok_url_env"),
        (
            "portals:\n  - id: a\n    webhook_url_env: https://a.bitrix24.ru/rest/1/x/\n",
            "names a variable, not the URL itself",
        ),
        ("portals: [\n", "portals.yml"),
    ]:
        listed.write_text(text, encoding="utf-8")
        with pytest.raises(portals.PortalsFileError, match=re.escape(says)):
            portals.read(listed)

    listed.write_text("portals:\n  - id: acme\n    webhook_url_env: ACME_WEBHOOK\n")
    monkeypatch.delenv("ACME_WEBHOOK", raising=False)
    with (
        pytest.raises(portals.PortalsFileError, match=r"ACME_WEBHOOK .* is not set"),
        portals.read(listed).environment("acme"),
    ):
        pass


def _raw_run(definitions, partition: str, instance: DagsterInstance):
    result = materialize(
        [*definitions.assets],
        selection=AssetSelection.groups("raw"),
        resources=definitions.resources,
        instance=instance,
        partition_key=partition,
    )
    assert result.success
    return {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }


def test_two_demo_portals_load_as_two_partitions_into_separate_warehouses(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path))
    agency = build_definitions(two_demo_portals(tmp_path))
    instance = DagsterInstance.ephemeral()
    for partition in ("alpha", "beta"):
        _raw_run(agency, partition, instance)

    loaded = {}
    for partition, seed in (("alpha", 42), ("beta", 7)):
        home = tmp_path / "portals" / partition
        with sqlite3.connect(home / "demo_portal" / f"portal-seed{seed}-scale1.sqlite") as truth:
            titles = dict(truth.execute("select ID, TITLE from deals").fetchall())
        with duckdb.connect(str(home / "bitrix24.duckdb"), read_only=True) as db:
            rows = db.execute("select portal_id, cast(id as bigint), title from raw.deals")
            loaded[partition] = rows.fetchall()
        assert {p for p, _, _ in loaded[partition]} == {partition}
        assert {i: t for _, i, t in loaded[partition]} == titles
    assert {t for *_, t in loaded["alpha"]} != {t for *_, t in loaded["beta"]}  # two companies
    assert not (tmp_path / "bitrix24.duckdb").exists()  # nothing in the shared folder


def test_after_the_demo_portal_advances_a_run_loads_only_the_changes(
    tmp_path, monkeypatch, portal_file
):
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path))
    private = config.demo_portal_file()
    private.parent.mkdir(parents=True)
    shutil.copyfile(portal_file, private)
    instance = DagsterInstance.ephemeral()
    first = _raw_run(defs, "demo", instance)
    with sqlite3.connect(private) as portal:
        live_deals = portal.execute("select count(*) from deals").fetchone()[0]
        assert first["bitrix24/deals"]["rows_loaded"].value == live_deals
        began = portal_now(portal)
        happened = advance(portal, days=1, seed=11)
        assert happened["deal moves"] + happened["deals created"] > 0
        # The window starts at the first run's portal time less the 10-minute overlap.
        changed = portal.execute(
            "select count(*) from deals where DATE_MODIFY >= ?",
            [began - MODIFIED_OVERLAP.total_seconds()],
        ).fetchone()[0]
        new_moves = portal.execute(
            "select count(*) from deal_stage_history where CREATED_TIME > ?", [began]
        ).fetchone()[0]

    second = _raw_run(defs, "demo", instance)
    assert 0 < changed < live_deals / 10
    assert second["bitrix24/deals"]["rows_loaded"].value == changed
    assert second["bitrix24/deal_stage_history"]["rows_loaded"].value == new_moves
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        assert db.execute("select count(*) from raw.deals").fetchone()[0] >= live_deals


def stop(dev: subprocess.Popen) -> None:
    """Ctrl+C for `dagster dev` and its webserver, daemon and code servers; killed if they
    are still shutting down after half a minute."""
    os.killpg(dev.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        dev.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):  # none left is the usual case
        os.killpg(dev.pid, signal.SIGKILL)
    dev.wait(timeout=30)


def test_dagster_dev_answers_within_a_minute_and_shows_the_graph(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    dev = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster"),
            *("dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)),
        ],
        cwd=ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    query = "{ assetNodes { assetKey { path } dependencyKeys { path } } }"
    try:
        nodes = None
        while time.monotonic() - started < 60 and nodes is None:
            try:
                answer = requests.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=5
                )
                nodes = answer.json()["data"]["assetNodes"] or None
            except (requests.ConnectionError, requests.Timeout, KeyError, ValueError):
                time.sleep(1)
        assert nodes, "dagster dev did not show the asset graph within a minute"
        print(f"dagster dev answered with the graph after {time.monotonic() - started:.1f} s")
    finally:
        stop(dev)
    graph = {
        "/".join(n["assetKey"]["path"]): {"/".join(d["path"]) for d in n["dependencyKeys"]}
        for n in nodes
    }
    assert graph == lineage()


def test_audit_checks_name_a_shrunk_list_and_date_loads_by_their_audit_line(tmp_path):
    db = duckdb.connect(str(tmp_path / "audit.duckdb"))
    db.execute("create schema raw")
    db.execute(
        "create table raw.extraction_audit (entity varchar, api_total bigint, _dlt_load_id varchar)"
    )
    db.executemany(
        "insert into raw.extraction_audit values (?, ?, ?)",
        [
            ("deals", 1000, "1.1"),
            ("deals", 850, "2.1"),  # 15% fewer: to look into
            ("leads", 1000, "1.1"),
            ("leads", 950, "2.1"),  # 5%: a normal day of deletes
            ("contacts", 500, "1.1"),
            ("contacts", 100, "2.1"),
            ("contacts", 480, "3.1"),  # back to normal by the latest census
            ("calls", 10, "1.1"),
            ("calls", None, "3.1"),  # an incremental run counts nothing
        ],
    )
    assert shrunk_lists(db, 0.10) == [("deals", 1000, 850)]
    assert shrunk_lists(db, 0.20) == []

    db.execute(
        "create table raw._dlt_loads (load_id varchar, status bigint, inserted_at timestamptz)"
    )
    db.executemany(
        "insert into raw._dlt_loads values (?, ?, ?)",
        [
            ("1.1", 0, datetime(2026, 12, 1, 9, tzinfo=UTC)),
            ("2.1", 0, datetime(2026, 12, 2, 9, tzinfo=UTC)),
            ("3.1", 1, datetime(2026, 12, 3, 9, tzinfo=UTC)),  # failed: does not count
        ],
    )
    assert last_loaded_at(db, "calls") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert last_loaded_at(db, "deals") == datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert last_loaded_at(db, "companies") is None
