"""`dbt build` on a loaded demo portal: wall time and peak memory, at a scale and, optionally,
at that load replicated N times.

The load is the real one (the extractor against the demo portal, with a delete scan as
`make load` does). A portal of ~1M deals / ~10M activities takes hours to pull through a
rate-limited API here, so `--replicate 10` builds the larger size from the ~100k-deal load:
every entity's rows are copied with their ids (and the ids they point to) shifted, and the
extraction audit's API totals are multiplied to match, so reconciliation still passes.
Writes benchmarks/results/<date>-transform-scale<N>.json.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.results import save

ROOT = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"
ID_SHIFT = 100_000_000  # past any id a demo portal gives out

# raw table → the id columns to shift in a copy (ids of other replicated records)
REPLICATED = {
    "deals": ["id", "lead_id", "contact_id"],
    "leads": ["id", "contact_id"],
    "contacts": ["id", "lead_id"],
    "activities": ["id", "owner_id"],
    "calls": ["id", "crm_entity_id", "crm_activity_id"],
    "deal_stage_history": ["id", "owner_id"],
    "lead_status_history": ["id", "owner_id"],
    "deal_moves_observed": ["id"],
    "lead_moves_observed": ["id"],
    "deal_census": ["id"],
    "deletions": ["record_id"],
}


def load(scale: float) -> dict:
    from pipelines import config
    from pipelines.bitrix24.load import run
    from pipelines.demo_portal import company
    from pipelines.demo_portal.server import DemoPortal

    portal_file = company.ensure(config.demo_portal_file(scale=scale), scale=scale)
    os.environ["BITRIX24_PLAN"] = "enterprise"  # the portal below enforces no limit
    with DemoPortal(portal_file) as portal:
        os.environ["BITRIX24_WEBHOOK_URL"] = portal.webhook_url
        os.environ["BITRIX24_PORTAL_ID"] = config.DEMO_PORTAL_ID
        started = time.perf_counter()
        run(progress=None, scan_deletes=True)
        return {"load_seconds": round(time.perf_counter() - started, 1)}


def _shifted(column: str, copy: int) -> str:
    # ids arrive as strings; '' and '0' mean "none" and stay as they are
    return (
        f"case when coalesce({column}, '') in ('', '0') then {column}"
        f" else cast(cast({column} as bigint) + {copy * ID_SHIFT} as varchar) end"
    )


def replicate(warehouse: Path, times: int) -> None:
    with duckdb.connect(str(warehouse)) as db:
        tables = {
            t
            for (t,) in db.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        for table, id_columns in REPLICATED.items():
            if table not in tables:
                continue
            for copy in range(1, times):
                replaced = ", ".join(f"{_shifted(c, copy)} as {c}" for c in id_columns)
                extra = ", call_id || '-{copy}' as call_id" if table == "calls" else ""
                db.execute(
                    f"insert into raw.{table} by name"
                    f" select * replace ({replaced}{extra}) from raw.{table}"
                    f" where cast({id_columns[0]} as bigint) < {ID_SHIFT}"
                )
        entities = ", ".join(f"'{t}'" for t in REPLICATED)
        db.execute(
            f"update raw.extraction_audit set api_total = api_total * {times}"
            f" where api_total is not null and entity in ({entities})"
        )


def mart_size(warehouse: Path) -> tuple[int, int]:
    """Deals and activities in the marts: the size a measurement was taken at."""
    with duckdb.connect(str(warehouse), read_only=True) as db:
        return db.execute(
            "select (select count(*) from marts.fct_deals),"
            " (select count(*) from marts.fct_activities)"
        ).fetchone()


def dbt_build(warehouse_dir: Path) -> dict:
    started = time.perf_counter()
    build = subprocess.Popen(
        [
            str(DBT),
            "--no-use-colors",
            "build",
            "--project-dir",
            str(ROOT / "dbt_project"),
            "--profiles-dir",
            str(ROOT / "dbt_project"),
        ],
        env={**os.environ, "WAREHOUSE_DIR": str(warehouse_dir)},
        stdout=subprocess.PIPE,
        text=True,
    )
    stdout = build.stdout.read()
    # wait4 gives this one child's peak memory (DuckDB runs inside dbt's process)
    _, status, usage = os.wait4(build.pid, 0)
    returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    summary = [line for line in stdout.splitlines() if "Done. PASS=" in line]
    deals, activities = mart_size(warehouse_dir / "bitrix24.duckdb")
    return {
        "deals": deals,
        "activities": activities,
        "dbt_build_seconds": round(seconds, 1),
        "dbt_exit_code": returncode,
        "dbt_summary": summary[-1].split("Done. ")[-1] if summary else stdout[-500:],
        "dbt_peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--replicate", type=int, default=1, help="also build at N× the load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-transform-") as work:
        warehouse_dir = Path(work)
        os.environ["WAREHOUSE_DIR"] = str(warehouse_dir)
        os.environ.pop("BITRIX24_WEBHOOK_URL", None)
        # The load runs in a process of its own: a child forked from a process that had held
        # the load's memory would report that as its own peak (ru_maxrss counts from fork).
        with multiprocessing.get_context("spawn").Pool(1) as worker:
            loaded = worker.apply(load, (args.scale,))
        result = {"scale": args.scale, **loaded, "builds": []}
        result["builds"].append({"replicated": 1, **dbt_build(warehouse_dir)})
        print(result["builds"][-1], flush=True)
        if args.replicate > 1:
            replicate(warehouse_dir / "bitrix24.duckdb", args.replicate)
            result["builds"].append({"replicated": args.replicate, **dbt_build(warehouse_dir)})
            print(result["builds"][-1], flush=True)
    print(f"{'deals':>10}{'activities':>12}{'dbt build s':>13}{'peak MB':>9}  tests")
    for b in result["builds"]:
        print(
            f"{b['deals']:>10}{b['activities']:>12}{b['dbt_build_seconds']:>13}"
            f"{b['dbt_peak_rss_mb']:>9}  {b['dbt_summary']}"
        )
    print(f"Written: {save('transform', args.scale, result)}")
    return 0 if all(b["dbt_exit_code"] == 0 for b in result["builds"]) else 1


if __name__ == "__main__":
    sys.exit(main())
