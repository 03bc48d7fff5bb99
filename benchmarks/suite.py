"""`make bench`: the product measured against its peers and its limits, at one size, in one run.

    python -m benchmarks.suite --scale small|medium|large

Sizes are the demo company's scale: small 1 (2.5k deals, 24k activities), medium 40 (~100k
deals, ~1M activities), large 400 (~1M deals, ~10M activities). A size above small also runs
small first, so growth is read from two sizes measured on the same machine in the same run.

At each size, on a freshly generated demo portal:
1. extraction side by side (clients.py): this project's keyset batches, fast-bitrix24
   `get_all` and plain offset pages over `crm.deal.list` and `crm.activity.list`, with the
   standard rate limit, the real-portal cost model and the operating-time limit on;
2. correctness under edits (clients.py): rows lost and read twice by each reader while the
   portal changes under it (on a small portal: it is about paging, not size);
3. the pipeline: a first load of every entity (server limits off: this machine's own speed),
   then incremental runs with the real limits on, with nothing new and after one portal day;
4. `dbt build`; 5. the Evidence site (`sources`, `build:strict`);
6. end to end: a deal renamed on the portal, the Dagster refresh job run as its 15-minute
   schedule would, and the built site's data checked for the new name.

Writes benchmarks/results/<date>-<size>.json and a markdown summary next to it (<date>-<size>.md)
and prints the summary. Figures are ratios to a reference in the same run where one exists.
"""

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks import clients, summary
from benchmarks.extraction import raw_rows
from benchmarks.results import save_suite
from benchmarks.transform import dbt_build

SIZES = {"small": 1.0, "medium": 40.0, "large": 400.0}
# Seconds each peer reader gets per list: enough to measure its rate, not to wait out hours.
PEER_BUDGET = {"small": 60.0, "medium": 150.0, "large": 600.0}
REFRESH_CRON_MINUTES = 15  # the refresh schedule's default, orchestration/definitions.py


def _environment(warehouse_dir: Path, **extra: str) -> None:
    os.environ.update({"WAREHOUSE_DIR": str(warehouse_dir), "BITRIX24_PORTAL_ID": "demo"})
    os.environ.update(extra)
    for name in ("BITRIX24_WEBHOOK_URL", "BITRIX24_CLIENT_ENDPOINT", "BITRIX24_PORTALS_FILE"):
        os.environ.pop(name, None)


def pipeline_runs(warehouse_dir: Path, portal_file: Path) -> dict:
    """In a worker process: the first load, then incremental runs under the real limits."""
    _environment(warehouse_dir, BITRIX24_PLAN="enterprise")
    from pipelines import config
    from pipelines.bitrix24.load import run
    from pipelines.demo_portal.server import DemoPortal

    def one(portal: DemoPortal, name: str, scan_deletes: bool = False) -> dict:
        os.environ["BITRIX24_WEBHOOK_URL"] = portal.webhook_url
        requests_before, rows_before = portal.requests_served, portal.rows_served
        started = time.perf_counter()
        run(progress=None, scan_deletes=scan_deletes)
        return {
            "run": name,
            "seconds": round(time.perf_counter() - started, 1),
            "requests": portal.requests_served - requests_before,
            "rows_read": portal.rows_served - rows_before,
        }

    runs = []
    with DemoPortal(portal_file) as portal:  # no server limits: how fast this machine loads
        runs.append(one(portal, "first load, every entity, with a delete census", True))
    loaded = raw_rows(config.warehouse_path())
    os.environ["BITRIX24_PLAN"] = "standard"
    with DemoPortal(portal_file, **clients.REAL_LIMITS) as portal:
        runs.append(one(portal, "incremental, nothing new"))
        happened = requests.post(
            f"{portal.base_url}/_demo/advance", json={"days": 1, "seed": 1}, timeout=600
        ).json()
        runs.append({**one(portal, "incremental, one portal day later"), "portal_day": happened})
    return {
        "raw_rows": loaded,
        "runs": runs,
        "rows_per_request_first_load": round(loaded / runs[0]["requests"], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def report_site_build(warehouse_dir: Path) -> dict:
    _environment(warehouse_dir)
    from benchmarks.report_site import measure_site
    from pipelines import warehouse

    return measure_site(warehouse.publish())


def end_to_end(warehouse_dir: Path, portal_file: Path) -> dict:
    """In a worker process: rename a deal on the portal, run the Dagster refresh job (its
    incremental load, dbt build, publish and site build), and look for the new name in the
    data the built site ships."""
    _environment(warehouse_dir, BITRIX24_PLAN="standard")
    import duckdb
    from dagster import DagsterInstance, materialize

    from pipelines.demo_portal.server import DemoPortal
    from pipelines.demo_portal.timeline import portal_now
    from pipelines.report_site import SITE_DIR

    with DemoPortal(portal_file, **clients.REAL_LIMITS) as portal:
        os.environ["BITRIX24_WEBHOOK_URL"] = portal.webhook_url
        from orchestration.definitions import defs  # reads the portal from the environment

        marker = f"Сделка, переименованная в {time.strftime('%H:%M:%S')}"
        with portal.writing() as db:
            now = portal_now(db) + 60
            deal = db.execute("select max(ID) from deals").fetchone()[0]
            db.execute("update meta set value = ? where key = 'today'", (now,))
            db.execute(
                "update deals set TITLE = ?, DATE_MODIFY = ? where ID = ?", (marker, now, deal)
            )
        changed = time.perf_counter()
        result = materialize(
            list(defs.assets),
            resources=defs.resources,
            instance=DagsterInstance.ephemeral(),
            partition_key="demo",
        )
        run_seconds = time.perf_counter() - changed
    parquet = [str(p) for p in SITE_DIR.rglob("fct_deals*.parquet")]
    with duckdb.connect() as db:
        shown = db.execute(
            "select count(*) from read_parquet(?) where title = ?", [parquet, marker]
        ).fetchone()[0]
    return {
        "schedule": f"every {REFRESH_CRON_MINUTES} minutes",
        "run_succeeded": result.success,
        "change_on_site": shown == 1,
        "refresh_run_seconds": round(run_seconds, 1),
        # a change waits for the next tick: up to a whole period, half of one on average
        "latency_worst_seconds": round(REFRESH_CRON_MINUTES * 60 + run_seconds, 1),
        "latency_mean_seconds": round(REFRESH_CRON_MINUTES * 30 + run_seconds, 1),
    }


def in_worker(function, *args):
    """Spawned, so each step's peak memory is its own and nothing leaks between steps."""
    worker = multiprocessing.get_context("spawn").Pool(1)
    try:
        return worker.apply(function, args)
    finally:
        worker.close()  # let it exit on its own: terminating it interrupts Dagster's atexit
        worker.join()


def measure(size: str) -> dict:
    scale = SIZES[size]
    from pipelines.demo_portal import company

    result: dict = {"size": size, "scale": scale}
    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as work:
        warehouse_dir = Path(work)
        _environment(warehouse_dir)
        started = time.perf_counter()
        portal_file = company.generate(warehouse_dir / "portal.sqlite", scale=scale)
        result["demo_portal"] = {
            "generation_seconds": round(time.perf_counter() - started, 1),
            "file_mb": round(portal_file.stat().st_size / 2**20, 1),
        }
        edits_file = company.generate(warehouse_dir / "portal-small.sqlite", scale=1.0)
        steps = [
            ("side_by_side", lambda: clients.side_by_side(portal_file, PEER_BUDGET[size])),
            ("under_edits", lambda: clients.under_edits(edits_file)),
            ("pipeline", lambda: in_worker(pipeline_runs, warehouse_dir, portal_file)),
            ("transform", lambda: dbt_build(warehouse_dir)),
            ("report_site", lambda: in_worker(report_site_build, warehouse_dir)),
            ("end_to_end", lambda: in_worker(end_to_end, warehouse_dir, portal_file)),
        ]
        for name, step in steps:
            print(f"[{size}] {name} …", flush=True)
            began = time.perf_counter()
            result[name] = step()
            print(f"[{size}] {name} done in {time.perf_counter() - began:.0f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=SIZES, default="small")
    args = parser.parse_args()
    started = time.perf_counter()
    sizes = ["small"] if args.scale == "small" else ["small", args.scale]
    measured = {size: measure(size) for size in sizes}
    report = {
        "size": args.scale,
        "sizes": measured,
        "targets": summary.targets(measured[args.scale]),
        "growth": summary.growth(measured["small"], measured[args.scale])
        if args.scale != "small"
        else None,
        "suite_seconds": round(time.perf_counter() - started),
    }
    text = summary.markdown(report)
    json_path, md_path = save_suite(args.scale, report, text)
    print(text)
    print(f"Written: {json_path}, {md_path}")
    return 0 if all(t["met"] is not False for t in report["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
