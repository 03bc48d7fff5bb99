"""Three ways to read a whole list, side by side on one demo portal with a real portal's limits.

- keyset batches (this project's client): 50 `>ID` pages of 50 rows per request;
- fast-bitrix24's `get_all`: batches of 50 offset pages, each counting `total`;
- plain offset paging: `start=0, 50, 100, …`, one page per request.

`side_by_side`: the portal runs the standard plan's leaky bucket (2 requests/s, 50 queued), its
cost model at real scale (counting and skipping rows cost time, really slept) and the 480 s
operating-time limit. Each reader gets a fresh portal process over the same file, so none
inherits another's spent budget, and runs in a child process, so a reader that would take
hours is stopped at a time budget and its rate measured on what it read.

`under_edits`: each reader pages a list while the portal changes under it (edits, new
records, deletes between pages); rows lost and read twice are counted against the portal's
ground truth.

`python -m benchmarks.clients --scale 40` runs both on their own; `make bench` runs them as
part of benchmarks/suite.py.
"""

import argparse
import logging
import multiprocessing
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import requests

from benchmarks.results import save
from pipelines import config
from pipelines.bitrix24.client import Bitrix24Client
from pipelines.bitrix24.pacing import Pacer
from pipelines.demo_portal import company
from pipelines.demo_portal.server import DemoPortal

CEILING_ROWS_PER_REQUEST = 2500  # a batch of 50 keyset pages of 50 rows
CEILING_REQUESTS_PER_SECOND = 2  # the standard plan's leaky bucket drains 2 a second
LISTS = ("crm.deal.list", "crm.activity.list")
REAL_LIMITS = {"rate_limit": "standard", "cost_scale": 1.0, "operating_limit": 480}

Reader = Callable[[str, str, bool], list[int] | None]


def keyset_batches(webhook: str, method: str, collect: bool = False) -> list[int] | None:
    client = Bitrix24Client(webhook, plan="standard")
    ids: list[int] = []
    for page in client.scan(method, {"select": ["ID"]} if collect else None):
        if collect:
            ids.extend(int(row["ID"]) for row in page)
    return ids if collect else None


def fast_bitrix24_get_all(webhook: str, method: str, collect: bool = False) -> list[int] | None:
    from fast_bitrix24 import Bitrix

    logging.getLogger("fast_bitrix24").setLevel(logging.WARNING)
    params = {"select": ["ID"]} if collect else None
    rows = Bitrix(webhook, verbose=False).get_all(method, params)
    return [int(row["ID"]) for row in rows] if collect else None


def offset_pages(webhook: str, method: str, collect: bool = False) -> list[int] | None:
    """What most hand-written exports do: the next `start` until the portal gives none."""
    pacer, start, ids = Pacer("standard"), 0, []
    while start is not None:
        pacer.wait()
        payload = {"start": start, **({"select": ["ID"]} if collect else {})}
        body = requests.post(webhook + method, json=payload, timeout=600).json()
        if body.get("error") == "OPERATION_TIME_LIMIT":
            time.sleep(max(body["time"]["operating_reset_at"] - time.time(), 1))
            continue
        if collect:
            ids.extend(int(row["ID"]) for row in body["result"])
        start = body.get("next")
    return ids if collect else None


OURS, GET_ALL, OFFSET = "keyset batches (this project)", "fast-bitrix24 get_all", "offset pages"
READERS: dict[str, Reader] = {
    OURS: keyset_batches,
    GET_ALL: fast_bitrix24_get_all,
    OFFSET: offset_pages,
}


class PeakMemory:
    """Samples a child's peak resident memory (VmHWM) until stopped: the figure survives the
    child being killed at its budget, which a wait4 after kill would not give."""

    def __init__(self, pid: int):
        self.pid, self.peak_kb = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            try:
                status = Path(f"/proc/{self.pid}/status").read_text()
            except OSError:
                return
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024)


def measure_one(
    portal_file: Path, reader: Reader, method: str, total: int, budget: float | None
) -> dict:
    with DemoPortal(portal_file, **REAL_LIMITS) as portal:
        worker = multiprocessing.get_context("spawn").Process(
            target=reader, args=(portal.webhook_url, method)
        )
        started = time.perf_counter()
        worker.start()
        memory = PeakMemory(worker.pid)
        worker.join(budget)
        stopped = worker.is_alive()
        if stopped:
            worker.kill()
            worker.join()
        seconds = time.perf_counter() - started
        peak_mb = memory.stop()
        rows, made = portal.rows_served, portal.requests_served
        processing, blocked = portal.processing_charged, portal.operating.blocked_seconds()
    finished = worker.exitcode == 0
    rate = rows / seconds
    return {
        "list": method,
        "rows_in_list": total,
        # failed: the reader gave up (fast-bitrix24 raises on OPERATION_TIME_LIMIT)
        "outcome": "finished" if finished else "stopped at budget" if stopped else "failed",
        "rows_read": rows,
        "requests": made,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rate, 1),
        "rows_per_request": round(rows / made, 1) if made else None,
        "share_of_ceiling": round(rows / made / CEILING_ROWS_PER_REQUEST, 4) if made else None,
        "requests_per_1000_rows": round(made / rows * 1000, 2) if rows else None,
        "processing_seconds_charged": round(processing, 1),
        "seconds_blocked_by_operating_limit": round(blocked, 1),
        "peak_rss_mb": peak_mb,
        # the whole list at the rate it kept: measured when it finished, else a projection
        "seconds_for_whole_list": round(seconds if finished else total / rate, 1) if rate else None,
    }


def list_totals(portal_file: Path) -> dict[str, int]:
    with DemoPortal(portal_file) as portal:
        return {
            m: requests.post(portal.webhook_url + m, json={}, timeout=600).json()["total"]
            for m in LISTS
        }


def side_by_side(portal_file: Path, budget: float) -> dict:
    """Every reader on every list; ours runs to the end, the others get `budget` seconds."""
    totals = list_totals(portal_file)
    results = []
    for name, reader in READERS.items():
        for method in LISTS:
            limit = None if name == OURS else budget
            result = {
                "reader": name,
                **measure_one(portal_file, reader, method, totals[method], limit),
            }
            print(_line(result), flush=True)
            results.append(result)
    return {
        "limits": REAL_LIMITS,
        "budget_seconds_per_list": budget,
        "ceiling_rows_per_request": CEILING_ROWS_PER_REQUEST,
        "ceiling_rows_per_second": CEILING_ROWS_PER_REQUEST * CEILING_REQUESTS_PER_SECOND,
        "results": results,
    }


def _copy(portal_file: Path, folder: Path) -> Path:
    """A consistent copy of the portal's SQLite file (it may be in WAL mode)."""
    target = folder / portal_file.name
    with closing(sqlite3.connect(portal_file)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def _existing(portal: DemoPortal, entity: str) -> set[int]:
    url = f"{portal.base_url}/_demo/truth/records"
    return set(requests.get(url, params={"entity": entity}, timeout=60).json()["existing"])


def under_edits(portal_file: Path, share: float = 0.5, seed: int = 3) -> dict:
    """Each reader pages crm.deal.list while `share` of list calls land a change first (an
    edit, a new deal, or a delete), the same changes for every reader: a fresh copy of the
    portal and the same seed each time. Lost: deals there from start to end but never read."""
    results = []
    for name, reader in READERS.items():
        with tempfile.TemporaryDirectory(prefix="bench-edits-") as folder:
            copy = _copy(portal_file, Path(folder))
            with DemoPortal(copy, faults=f"edits={share}", seed=seed) as portal:
                before = _existing(portal, "deals")
                read = reader(portal.webhook_url, "crm.deal.list", True) or []
                after = _existing(portal, "deals")
        survivors = before & after
        results.append(
            {
                "reader": name,
                "deals_at_start": len(before),
                "deals_at_end": len(after),
                "rows_read": len(read),
                "lost": len(survivors - set(read)),
                "duplicated": len(read) - len(set(read)),
            }
        )
        print(results[-1], flush=True)
    return {"list": "crm.deal.list", "edit_share_of_list_calls": share, "results": results}


def _line(r: dict) -> str:
    return (
        f"{r['reader']:<31}{r['list']:<19}{r['rows_read']:>9} rows {r['requests']:>6} req "
        f"{r['rows_per_second']:>8} rows/s {r['rows_per_request'] or 0:>7} rows/req "
        f"{r['outcome']} after {r['seconds']} s; whole list {r['seconds_for_whole_list']} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=40.0)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds per peer and list")
    args = parser.parse_args()
    portal_file = company.ensure(config.demo_portal_file(scale=args.scale), scale=args.scale)
    result = {
        "scale": args.scale,
        "side_by_side": side_by_side(portal_file, args.budget),
        "under_edits": under_edits(company.ensure(config.demo_portal_file(scale=1), scale=1)),
    }
    print(f"Written: {save('clients', args.scale, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
