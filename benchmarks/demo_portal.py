"""The demo portal itself: generation time and peak memory per scale, and serving speed.

Each scale is generated in a fresh process, so its peak memory is its own. Serving speed is
rows per second for `batch` calls of 50 chained keyset pages (2,500 rows) of
crm.activity.list, with the modelled server cost off: what the emulator can serve, not what a
real portal would. Writes benchmarks/results/<date>-demo-portal-scale<N>.json.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.results import save

GENERATE = """
import json, resource, sqlite3, sys, time
from pathlib import Path
from pipelines.demo_portal import company
path, scale = Path(sys.argv[1]), float(sys.argv[2])
started = time.perf_counter()
company.generate(path, scale=scale)
seconds = time.perf_counter() - started
with sqlite3.connect(path) as db:
    rows = {t: db.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("deals", "leads", "activities", "calls", "deal_stage_history")}
print(json.dumps({"seconds": round(seconds, 1), "rows": rows, "file_mb":
                  round(path.stat().st_size / 2**20), "peak_rss_mb":
                  round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def generate(path: Path, scale: float) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", GENERATE, str(path), str(scale)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def batch_of_keyset_pages(method: str) -> dict:
    page = f"{method}?order%5BID%5D=ASC&start=-1&filter%5B%3EID%5D="
    cmd = {"p0": page + "$result[start]"}
    for k in range(1, 50):
        cmd[f"p{k}"] = page + f"$result[p{k - 1}][49][ID]"
    return cmd


def serving_speed(path: Path, batches: int) -> dict:
    from pipelines.demo_portal.server import DemoPortal

    with DemoPortal(path) as portal:
        last, rows, started = 0, 0, time.perf_counter()
        for _ in range(batches):
            cmd = batch_of_keyset_pages("crm.activity.list")
            cmd["p0"] = cmd["p0"].replace("$result[start]", str(last))
            body = requests.post(
                portal.webhook_url + "batch", json={"halt": 1, "cmd": cmd}, timeout=600
            ).json()["result"]["result"]
            pages = list(body.values()) if isinstance(body, dict) else body
            rows += sum(len(p) for p in pages)
            if not pages[-1]:
                break
            last = int(pages[-1][-1]["ID"])
        seconds = time.perf_counter() - started
    return {
        "batches": batches,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "rows_per_request": round(rows / batches),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--batches", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as folder:
        path = Path(folder) / "portal.sqlite"
        result = {
            "scale": args.scale,
            "generation": generate(path, args.scale),
            "serving": serving_speed(path, args.batches),
        }
    out = save("demo-portal", args.scale, result)
    g, s = result["generation"], result["serving"]
    print(
        f"scale {args.scale:g}: {g['rows']['deals']} deals, {g['rows']['activities']} "
        f"activities generated in {g['seconds']} s, peak {g['peak_rss_mb']} MB, "
        f"file {g['file_mb']} MB; batch of 50 keyset pages: {s['rows_per_second']} rows/s "
        f"({s['rows_per_request']} rows/request)"
    )
    print(f"Written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
