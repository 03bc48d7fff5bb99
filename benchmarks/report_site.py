"""Evidence `sources` and `build:strict`: wall time and peak memory of each step, and the size
of the built site and of the data it ships, on a load of the demo portal at a scale and on that
load replicated N times with shifted ids (as transform.py does: ~100k deals from scale 1 × 40
without a 15-minute rate-limited load). Builds into reports_evidence/build/, as `make report`
does. Writes benchmarks/results/<date>-report-site-scale<N>.json.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results import save
from benchmarks.transform import DBT, ROOT, load, mart_size, replicate
from pipelines import report_site, warehouse

DBT_DIR = str(ROOT / "dbt_project")


def build_marts(warehouse_dir: Path, times: int) -> None:
    """Replicate (in this worker process) and dbt build: the marts the site reads."""
    if times > 1:
        replicate(warehouse_dir / "bitrix24.duckdb", times)
    subprocess.run(
        [str(DBT), "--quiet", "build", "--project-dir", DBT_DIR, "--profiles-dir", DBT_DIR],
        check=True,
    )
    warehouse.publish()


def step(name: str, env: dict[str, str]) -> dict:
    """One npm script; its peak is the largest process in its tree (ru_maxrss of children)."""
    started = time.perf_counter()
    run = subprocess.Popen(["npm", "run", "--silent", name], cwd=report_site.EVIDENCE_DIR, env=env)
    _, status, usage = os.wait4(run.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"npm run {name} failed")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": usage.ru_maxrss // 1024,
    }


def measure_site(published: Path) -> dict:
    env = report_site.environment(published)
    report_site.clear_site()
    steps = {name: step(name, env) for name in report_site.STEPS}
    files = [p for p in report_site.SITE_DIR.rglob("*") if p.is_file()]
    data = [p for p in files if p.suffix == ".parquet"]
    deals, activities = mart_size(published)
    return {
        "deals": deals,
        "activities": activities,
        "steps": steps,
        "site_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
        "data_mb": round(sum(p.stat().st_size for p in data) / 2**20, 1),
        "pages": sum(1 for p in files if p.name == "index.html"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--replicate", type=int, default=40, help="also at N× the load")
    args = parser.parse_args()
    result = {"scale": args.scale, "sites": []}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as work:
        os.environ["WAREHOUSE_DIR"] = work
        os.environ.pop("BITRIX24_WEBHOOK_URL", None)
        published = Path(work) / "published" / "bitrix24.duckdb"
        # Load, replication and dbt run in a worker, so this process stays small and the
        # npm children's peak memory is theirs (see transform.py).
        with multiprocessing.get_context("spawn").Pool(1) as worker:
            result.update(worker.apply(load, (args.scale,)))
            for times in sorted({1, args.replicate}):
                worker.apply(build_marts, (Path(work), times))
                result["sites"].append({"replicated": times, **measure_site(published)})
                print(result["sites"][-1], flush=True)
    print(
        f"{'deals':>9}{'sources s':>11}{'build s':>9}{'build MB':>10}{'site MB':>9}{'data MB':>9}"
    )
    for s in result["sites"]:
        build = s["steps"]["build:strict"]
        print(
            f"{s['deals']:>9}{s['steps']['sources']['seconds']:>11}{build['seconds']:>9}"
            f"{build['peak_rss_mb']:>10}{s['site_mb']:>9}{s['data_mb']:>9}"
        )
    print(f"Written: {save('report-site', args.scale, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
