"""Who moved a deal: what share of stage moves the extractor attributes to the right account.

A portal's stage history has no actor; a deal only says who moved it last (MOVED_BY_ID). The
extractor keeps every (deal, MOVED_TIME, MOVED_BY_ID) it sees, so a move is attributed when
some run saw the deal before anyone moved it again. On the demo portal, some deals a manager
moves to the last stage are closed by a robot minutes later; a schedule slower than that
loses the manager's move. This replays the same days on the same portal, polled every
15 minutes and once a day, and scores each against the portal's ground truth.

Writes benchmarks/results/<date>-mover-accuracy-scale<N>.json.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import duckdb
import requests

from benchmarks.results import save
from pipelines import config
from pipelines.demo_portal import company
from pipelines.demo_portal.server import DemoPortal

SCHEDULES = {"every 15 minutes": 15, "once a day": 1440}
SEED = 5


def replay(portal_file: Path, days: int, every_minutes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-movers-") as work:
        copy = Path(work) / "portal.sqlite"
        copy.write_bytes(portal_file.read_bytes())
        os.environ["WAREHOUSE_DIR"] = str(Path(work) / "warehouse")
        from pipelines.bitrix24.load import run

        with DemoPortal(copy) as portal:
            os.environ["BITRIX24_WEBHOOK_URL"] = portal.webhook_url
            os.environ["BITRIX24_PORTAL_ID"] = config.DEMO_PORTAL_ID
            run(progress=None)
            started = requests.get(f"{portal.base_url}/_demo/clock", timeout=30).json()["today"]
            for step in range(days * 1440 // every_minutes):
                requests.post(
                    f"{portal.base_url}/_demo/advance",
                    json={"minutes": every_minutes, "seed": SEED + step}
                    if every_minutes < 1440
                    else {"days": 1, "seed": SEED + step},
                    timeout=600,
                ).raise_for_status()
                run(progress=None)
            truth = requests.get(f"{portal.base_url}/_demo/truth/stage_moves", timeout=60).json()
        with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
            observed = set(
                db.execute(
                    "select cast(id as bigint), moved_time, cast(moved_by_id as bigint) "
                    "from raw.deal_moves_observed"
                ).fetchall()
            )
    moves = [m for m in truth["items"] if m["CREATED_TIME"] > started]
    right = [m for m in moves if (m["OWNER_ID"], m["CREATED_TIME"], m["ACTOR_ID"]) in observed]
    people = [m for m in moves if not m["BY_ROBOT"]]
    people_right = [m for m in right if not m["BY_ROBOT"]]
    return {
        "moves": len(moves),
        "attributed_right": len(right),
        "share_right": round(len(right) / len(moves), 4) if moves else None,
        "moves_by_people": len(people),
        "share_of_people_moves_right": round(len(people_right) / len(people), 4)
        if people
        else None,
        "wrong_actor": sum(
            1
            for deal, at, actor in observed
            if at > started
            and any(
                m["OWNER_ID"] == deal and m["CREATED_TIME"] == at and m["ACTOR_ID"] != actor
                for m in moves
            )
        ),
    }


def measure(scale: float, days: int) -> dict:
    portal_file = company.ensure(config.demo_portal_file(scale=scale), scale=scale)
    results = {}
    for name, minutes in SCHEDULES.items():
        results[name] = replay(portal_file, days, minutes)
        print(name, results[name], flush=True)
    return {"scale": scale, "days": days, "schedules": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=2)
    args = parser.parse_args()
    result = measure(args.scale, args.days)
    print(f"Written: {save('mover-accuracy', args.scale, result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
