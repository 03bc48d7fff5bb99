"""The demo portal's own interface, outside `/rest/` and unlike Bitrix24 on purpose.

Tests and benchmarks use it to move the portal's clock and to read the ground truth a real
portal never shows (every record that ever existed, who really made each stage move). The
extractor never calls it.

    GET  /_demo/clock                          {"today": "2025-04-17T12:00:00+03:00"}
    POST /_demo/advance {"days": N, "minutes": M}  what happened, and the new today
    POST /_demo/oauth/token {"expires_in": S}  an installed app's tokens and client_id/secret
    GET  /_demo/truth/records?entity=deals     {"existing": [ids], "deleted": [{ID, DELETED_AT}]}
    GET  /_demo/truth/stage_moves              every deal stage move with ACTOR_ID, BY_ROBOT
"""

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from typing import Any

from .clock import PORTAL_TZ, to_portal_iso
from .errors import ApiError
from .timeline import advance, portal_now

ENTITIES = {
    "deals",
    "leads",
    "contacts",
    "companies",
    "activities",
    "calls",
    "deal_stage_history",
    "lead_status_history",
}


def _records(db: sqlite3.Connection, entity: str) -> dict[str, Any]:
    if entity not in ENTITIES:
        raise ApiError(400, "UNKNOWN_ENTITY", f"entity must be one of {sorted(ENTITIES)}")
    existing = [r[0] for r in db.execute(f"select ID from {entity} order by ID")]
    deleted = [
        {"ID": r[0], "DELETED_AT": to_portal_iso(r[1])}
        for r in db.execute(
            "select ID, DELETED_AT from deleted_records where ENTITY = ? order by ID", (entity,)
        )
    ]
    return {"entity": entity, "existing": existing, "deleted": deleted}


def _stage_moves(db: sqlite3.Connection) -> dict[str, Any]:
    columns = "ID, OWNER_ID, STAGE_ID, CATEGORY_ID, CREATED_TIME, ACTOR_ID, BY_ROBOT"
    rows = [(*r, False) for r in db.execute(f"select {columns} from deal_stage_history")]
    for (data,) in db.execute(
        "select DATA from deleted_records where ENTITY = 'deal_stage_history'"
    ):
        row = json.loads(data)
        rows.append((*(row[c.strip()] for c in columns.split(",")), True))
    rows.sort()
    return {
        "items": [
            {
                "ID": r[0],
                "OWNER_ID": r[1],
                "STAGE_ID": r[2],
                "CATEGORY_ID": r[3],
                "CREATED_TIME": to_portal_iso(r[4]),
                "ACTOR_ID": r[5],
                "BY_ROBOT": bool(r[6]),
                "OWNER_DELETED": r[7],
            }
            for r in rows
        ]
    }


def handle(
    portal: Any, verb: str, path: str, query: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    route = path.removeprefix("/_demo/").strip("/")
    if verb == "POST" and route == "advance":
        minutes = int(body.get("minutes", 0))
        days = int(body.get("days", 0 if minutes else 1))
        if not (0 <= days <= 3650 and 0 <= minutes < 1440 and days + minutes > 0):
            raise ApiError(
                400, "INVALID_DAYS", "days must be 0..3650 and minutes 0..1439, not both 0"
            )
        with portal.writing() as db:
            return advance(db, days, body.get("seed"), minutes=minutes)
    if verb == "POST" and route == "oauth/token":
        # what an app receives when installed: a token pair and its own credentials
        return portal.tokens.issue(float(body.get("expires_in", portal.access_token_seconds)))
    with closing(portal.connect()) as db:
        if route == "clock":
            return {"today": datetime.fromtimestamp(portal_now(db), PORTAL_TZ).isoformat()}
        if route == "truth/records":
            return _records(db, str(query.get("entity", "")))
        if route == "truth/stage_moves":
            return _stage_moves(db)
    raise ApiError(404, "NOT_FOUND", f"No demo route {verb} {path}")
