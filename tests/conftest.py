"""Shared fixtures: a demo portal on loopback, and a warehouse built from it once per session.

Every test run works in a fresh WAREHOUSE_DIR, so it never touches `make demo`'s files.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module imports the project: settings are read from the environment.
    os.environ["WAREHOUSE_DIR"] = tempfile.mkdtemp(prefix="bitrix24-test-warehouse-")
    os.environ.pop("BITRIX24_WEBHOOK_URL", None)
    os.environ.pop("BITRIX24_PORTAL_ID", None)
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    if not (ROOT / "dbt_project" / "target" / "manifest.json").exists():
        run_dbt("parse")


def run_dbt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(VENV_BIN / "dbt"),
            *args,
            "--project-dir",
            str(ROOT / "dbt_project"),
            "--profiles-dir",
            str(ROOT / "dbt_project"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="session")
def portal_file() -> Path:
    from pipelines import config
    from pipelines.demo_portal import company

    return company.ensure(config.demo_portal_file())


@pytest.fixture(scope="session")
def portal_db(portal_file: Path) -> Iterator[sqlite3.Connection]:
    """The demo portal's own data: the ground truth the warehouse is compared with."""
    db = sqlite3.connect(f"file:{portal_file}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_portal(portal_file: Path):
    from pipelines.demo_portal.server import DemoPortal

    with DemoPortal(portal_file) as portal:
        yield portal


@pytest.fixture(scope="session")
def built_warehouse(portal_file: Path) -> Path:
    """The embedded default path: load the demo portal, dbt build, publish."""
    from pipelines import config, warehouse
    from pipelines.bitrix24.load import run

    run(progress=None, scan_deletes=True)  # as `make load`: a census to reconcile with
    run_dbt("build")
    warehouse.publish()
    return config.published_path()


@pytest.fixture(scope="session")
def marts(built_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    db = duckdb.connect(str(built_warehouse), read_only=True)
    yield db
    db.close()


@pytest.fixture
def start_portal(portal_file: Path, tmp_path: Path):
    """Start demo portals with options of their own, each on a private copy of the company,
    so what one test does to its portal (faults, limits, the clock) touches no other test."""
    from pipelines.demo_portal.server import DemoPortal

    running = []

    def start(**options) -> DemoPortal:
        copy = tmp_path / f"portal-{len(running)}.sqlite"
        shutil.copyfile(portal_file, copy)
        running.append(DemoPortal(copy, **options).start())
        return running[-1]

    yield start
    for portal in running:
        portal.stop()


@pytest.fixture
def load_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the loader at a running portal and a fresh warehouse of this test's own."""
    from pipelines import config

    def point(portal) -> None:
        monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
        monkeypatch.setenv("BITRIX24_WEBHOOK_URL", portal.webhook_url)
        monkeypatch.setenv("BITRIX24_PORTAL_ID", config.DEMO_PORTAL_ID)
        return portal

    return point
