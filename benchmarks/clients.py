"""Three ways to read a whole list, on one demo portal with a real portal's limits on.

- keyset batches (this project's client): 50 `>ID` pages of 50 rows per request;
- fast-bitrix24's `get_all`: batches of 50 offset pages, each counting `total`;
- plain offset paging: `start=0, 50, 100, …`, one page per request.

The portal runs with the standard plan's leaky bucket (2 requests/s, 50 queued), its cost
model at real scale (counting and skipping cost time) and the 480 s operating-time limit.
Each reader gets a fresh portal process over the same file, so no reader inherits another's
spent budget, and a time budget per list: a reader that cannot finish within it is stopped
and its rate measured on what it read. Results: benchmarks/results/<date>-clients-scale<N>.json.
"""

import argparse
import logging
import multiprocessing
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

from benchmarks.results import save
from pipelines import config
from pipelines.bitrix24.client import Bitrix24Client
from pipelines.bitrix24.pacing import Pacer
from pipelines.demo_portal import company
from pipelines.demo_portal.server import DemoPortal

CEILING_ROWS_PER_REQUEST = 2500
LISTS = ("crm.deal.list", "crm.activity.list")


def keyset_batches(webhook: str, method: str) -> None:
    client = Bitrix24Client(webhook, plan="standard")
    for _ in client.scan(method):
        pass


def fast_bitrix24_get_all(webhook: str, method: str) -> None:
    from fast_bitrix24 import Bitrix

    logging.getLogger("fast_bitrix24").setLevel(logging.WARNING)
    Bitrix(webhook, verbose=False).get_all(method)


def offset_pages(webhook: str, method: str) -> None:
    """What most hand-written exports do: the next `start` until the portal gives none."""
    pacer, start = Pacer("standard"), 0
    while start is not None:
        pacer.wait()
        body = requests.post(webhook + method, json={"start": start}, timeout=600).json()
        if body.get("error") == "OPERATION_TIME_LIMIT":
            time.sleep(max(body["time"]["operating_reset_at"] - time.time(), 1))
            continue
        start = body.get("next")


READERS: dict[str, Callable[[str, str], None]] = {
    "keyset batches (this project)": keyset_batches,
    "fast-bitrix24 get_all": fast_bitrix24_get_all,
    "offset pages": offset_pages,
}


def measure_one(portal_file: Path, reader: Callable, method: str, total: int, budget: float):
    with DemoPortal(portal_file, rate_limit="standard", cost_scale=1.0, operating_limit=480) as p:
        # In a child process, so a reader that would take hours can be stopped at the budget.
        worker = multiprocessing.Process(target=reader, args=(p.webhook_url, method))
        started = time.perf_counter()
        worker.start()
        worker.join(budget)
        stopped = worker.is_alive()
        if stopped:
            worker.kill()
            worker.join()
        finished = worker.exitcode == 0
        seconds = time.perf_counter() - started
        rows, made = p.rows_served, p.requests_served
    rate = rows / seconds
    return {
        "list": method,
        "rows_in_list": total,
        "finished": finished,
        # failed: the reader gave up (fast-bitrix24 raises on OPERATION_TIME_LIMIT)
        "outcome": "finished" if finished else "stopped at budget" if stopped else "failed",
        "rows_read": rows,
        "requests": made,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rate, 1),
        "requests_per_1000_rows": round(made / rows * 1000, 2) if rows else None,
        "rows_per_request": round(rows / made, 1) if made else None,
        "share_of_ceiling": round(rows / made / CEILING_ROWS_PER_REQUEST, 4) if made else None,
        "hours_for_whole_list": round(total / rate / 3600, 2) if rate else None,
    }


def measure(scale: float, budget: float) -> dict:
    portal_file = company.ensure(config.demo_portal_file(scale=scale), scale=scale)
    with DemoPortal(portal_file) as portal:
        totals = {
            m: requests.post(portal.webhook_url + m, json={}, timeout=600).json()["total"]
            for m in LISTS
        }
    results = []
    for name, reader in READERS.items():
        for method in LISTS:
            result = {
                "reader": name,
                **measure_one(portal_file, reader, method, totals[method], budget),
            }
            print(_line(result), flush=True)
            results.append(result)
    return {"scale": scale, "budget_seconds_per_list": budget, "results": results}


def _line(r: dict) -> str:
    state = f"{r['outcome']} after {r['seconds']} s"
    return (
        f"{r['reader']:<31}{r['list']:<19}{r['rows_read']:>9} rows {r['requests']:>6} req "
        f"{r['rows_per_second']:>8} rows/s {r['requests_per_1000_rows'] or 0:>7} req/1000 rows "
        f"{state}; whole list {r['hours_for_whole_list']} h"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=40.0)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds per reader and list")
    args = parser.parse_args()
    result = measure(args.scale, args.budget)
    print(f"Written: {save('clients', args.scale, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
