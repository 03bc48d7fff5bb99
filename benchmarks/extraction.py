"""Extraction on the demo portal: generation, first load, a second load with nothing new.

Writes benchmarks/results/<date>-extraction-scale<N>.json and prints a table. Rows per
request is shown against the ceiling the portal's limits allow: a batch of 50 keyset pages
of 50 rows, 2,500 rows per HTTP request.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.clients import CEILING_ROWS_PER_REQUEST
from benchmarks.results import save
from pipelines.bitrix24.settings import ENTITIES


def raw_rows(warehouse: Path) -> int:
    """Rows in every raw table the extractor loads."""
    with duckdb.connect(str(warehouse), read_only=True) as db:
        return sum(db.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in ENTITIES)


def measure(scale: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as warehouse:
        os.environ["WAREHOUSE_DIR"] = warehouse
        os.environ.pop("BITRIX24_WEBHOOK_URL", None)
        # Imported after WAREHOUSE_DIR is set: settings are read from the environment.
        from pipelines import config
        from pipelines.bitrix24.load import run
        from pipelines.demo_portal import company
        from pipelines.demo_portal.server import DemoPortal

        started = time.perf_counter()
        portal_file = company.generate(config.demo_portal_file(scale=scale), scale=scale)
        generation_s = time.perf_counter() - started
        portal_file_mb = portal_file.stat().st_size / 2**20

        with DemoPortal(portal_file) as portal:
            os.environ["BITRIX24_WEBHOOK_URL"] = portal.webhook_url
            os.environ["BITRIX24_PORTAL_ID"] = config.DEMO_PORTAL_ID
            runs = []
            for name in ("first load", "second load, no changes"):
                before, started = portal.requests_served, time.perf_counter()
                run(progress=None)
                runs.append(
                    {
                        "run": name,
                        "seconds": round(time.perf_counter() - started, 2),
                        "requests": portal.requests_served - before,
                    }
                )
        rows = raw_rows(config.warehouse_path())
    first = runs[0]
    return {
        "scale": scale,
        "portal_file_mb": round(portal_file_mb, 1),
        "generation_seconds": round(generation_s, 2),
        "rows_loaded": rows,
        "runs": runs,
        "rows_per_request": round(rows / first["requests"], 1),
        "share_of_ceiling": round(rows / first["requests"] / CEILING_ROWS_PER_REQUEST, 4),
        "rows_per_second": round(rows / first["seconds"]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    result = measure(args.scale)
    out = save("extraction", args.scale, result)
    print(f"{'run':<26}{'seconds':>9}{'requests':>10}")
    for r in result["runs"]:
        print(f"{r['run']:<26}{r['seconds']:>9}{r['requests']:>10}")
    print(
        f"rows {result['rows_loaded']}, {result['rows_per_request']} rows/request "
        f"({result['share_of_ceiling']:.1%} of the {CEILING_ROWS_PER_REQUEST} ceiling), "
        f"{result['rows_per_second']} rows/s, generation {result['generation_seconds']} s, "
        f"peak RSS {result['peak_rss_mb']} MB"
    )
    print(f"Written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
