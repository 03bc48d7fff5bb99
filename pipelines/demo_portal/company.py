"""Generates the demo company (shared/design/demo-company.md) into a SQLite file.

Deterministic: the same seed and scale always give the same rows. Tables hold what the API
serves plus ground truth it never shows (the true actor of each stage move), in columns the
field catalogue (fields.py) leaves out.
"""

import random
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

from . import activities, clients, deals, org, timeline
from .clock import PORTAL_TZ, TODAY, to_epoch
from .fields import (
    ACTIVITY,
    CALL,
    COMPANY,
    CONTACT,
    CURRENCY,
    DEAL,
    DEAL_ITEM_ONLY,
    DEAL_STAGE_HISTORY,
    DEPARTMENT,
    LEAD,
    LEAD_STATUS_HISTORY,
    STATUS,
    USER,
)

TABLES = {
    "deals": [*DEAL, *DEAL_ITEM_ONLY],
    "leads": list(LEAD),
    "contacts": list(CONTACT),
    "companies": list(COMPANY),
    "statuses": list(STATUS),
    "users": list(USER),
    "departments": list(DEPARTMENT),
    "currencies": list(CURRENCY),
    "deal_stage_history": [*DEAL_STAGE_HISTORY, "ACTOR_ID", "BY_ROBOT"],
    "lead_status_history": list(LEAD_STATUS_HISTORY),
    "activities": list(ACTIVITY),
    "calls": list(CALL),
}
# Bump when the generated data changes, so stale portal files are made anew.
GENERATOR_VERSION = "9"
OPEN_LINE_SESSIONS_PER_SCALE = 450
ACTIVITY_CHUNK = 20_000  # deals whose activities are built and written together
MISSED_CALLS_PER_SCALE = 60


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[dict]) -> None:
    names = TABLES[table]
    sql = f"insert into {table} ({', '.join(names)}) values ({', '.join('?' * len(names))})"
    db.executemany(sql, (tuple(row.get(n) for n in names) for row in rows))


def _lead_history(leads: list[clients.Lead]) -> Iterator[dict]:
    semantics = {sid: sem for sid, _, sem in clients.LEAD_STATUSES}
    moves = sorted(
        (
            (at, lead.id, n, status)
            for lead in leads
            for n, (status, at, _) in enumerate(lead.moves)
        ),
        key=lambda t: t[:3],
    )
    return (
        {
            "ID": number,
            "TYPE_ID": 1 if n == 0 else (3 if semantics[status] else 2),
            "OWNER_ID": lead_id,
            "CREATED_TIME": to_epoch(at),
            "STATUS_SEMANTIC_ID": {"S": "S", "F": "F"}.get(semantics[status] or "", "P"),
            "STATUS_ID": status,
        }
        for number, (at, lead_id, n, status) in enumerate(moves, start=1)
    )


def _write_activities(
    db: sqlite3.Connection,
    rng: random.Random,
    all_deals: list[deals.Deal],
    leads: list,
    contacts: list,
    forgotten: set[int],
    scale: float,
) -> dict[int, int]:
    """Activities and calls, a chunk of deals at a time so memory stays flat at any scale.

    Returns when each deal's measurement visit was (for its custom date field).
    """
    semantics = org.stage_semantics()
    measured: dict[int, int] = {}
    next_ids = [1, 1]

    def write(work: list[activities.Activity]) -> None:
        activity_rows, call_rows = activities.rows(rng, work, *next_ids)
        _insert(db, "activities", activity_rows)
        _insert(db, "calls", call_rows)
        next_ids[0] += len(activity_rows)
        next_ids[1] += len(call_rows)
        measured.update(
            {
                a["OWNER_ID"]: a["DEADLINE"]
                for a in activity_rows
                if a["SUBJECT"].startswith("Выезд замерщика")
            }
        )

    for first in range(0, len(all_deals), ACTIVITY_CHUNK):
        work: list[activities.Activity] = []
        for deal in all_deals[first : first + ACTIVITY_CHUNK]:
            work += activities.for_deal(
                rng,
                deal,
                contacts[deal.contact].id,
                deals.is_open(deal, semantics),
                deal.id in forgotten,
            )
        write(work)
    quiet_ok = [d for d in all_deals if deals.is_open(d, semantics) and d.id not in forgotten]
    write(
        [
            *activities.overdue_robot_todos(rng, quiet_ok),
            *activities.open_line_sessions(rng, leads, int(OPEN_LINE_SESSIONS_PER_SCALE * scale)),
            *activities.missed_calls(rng, leads, int(MISSED_CALLS_PER_SCALE * scale)),
        ]
    )
    return measured


def _forgotten(rng: random.Random, all_deals: list[deals.Deal], semantics: dict) -> set[int]:
    """Story 3: a dozen open deals that nobody touched for two weeks and more."""
    quiet = [
        d.id
        for d in all_deals
        if deals.is_open(d, semantics)
        and d.category_id == 0
        and TODAY - d.moves[-1].at > activities.FORGOTTEN_AFTER + timedelta(days=2)
    ]
    return set(rng.sample(quiet, min(activities.FORGOTTEN_DEALS, len(quiet))))


def generate(path: Path, seed: int = 42, scale: float = 1.0) -> Path:
    """Write the whole portal to `path` (replacing it atomically) and return the path."""
    rng = random.Random(seed)
    semantics = org.stage_semantics()
    all_deals = deals.generate(rng, scale)
    active = [m for m in org.SALES_MANAGERS if m not in org.DISMISSED_ON]
    leads, contacts = clients.attach(rng, all_deals, active)
    for number, lead in enumerate(sorted(leads, key=lambda x: x.created_at), start=1):
        lead.id = number
    for number, contact in enumerate(sorted(contacts, key=lambda c: c.created_at), start=1):
        contact.id = number

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    for table, names in TABLES.items():
        db.execute(f"create table {table} ({', '.join(names)})")
    db.execute("create table meta (key primary key, value)")
    # Ground truth: what was deleted, when, and the row as it last was.
    db.execute("create table deleted_records (ENTITY, ID, DELETED_AT, DATA)")
    forgotten = _forgotten(rng, all_deals, semantics)
    measured = _write_activities(db, rng, all_deals, leads, contacts, forgotten, scale)
    _insert(
        db,
        "deals",
        (
            deals.deal_row(
                d,
                semantics,
                leads[d.lead].id if d.lead is not None else None,
                contacts[d.contact].id,
                contacts[d.contact].company_id,
                _date(measured.get(d.id)),
            )
            for d in all_deals
        ),
    )
    _insert(db, "leads", clients.lead_rows(rng, leads, contacts))
    _insert(db, "contacts", clients.contact_rows(rng, contacts, leads))
    _insert(db, "companies", clients.company_rows(rng))
    _insert(db, "statuses", org.status_rows())
    _insert(db, "users", org.user_rows())
    _insert(db, "departments", org.department_rows())
    _insert(db, "currencies", org.currency_rows())
    _insert(db, "deal_stage_history", deals.history_rows(all_deals, semantics))
    _insert(db, "lead_status_history", _lead_history(leads))
    for table in ("deals", "leads", "contacts", "activities", "deal_stage_history"):
        db.execute(f"create index {table}_id on {table} (ID)")
    db.execute("create index activities_owner on activities (OWNER_TYPE_ID, OWNER_ID)")
    db.execute("create index history_owner on deal_stage_history (OWNER_ID)")
    # the clock's inserts look up the highest id ever used, deleted ones included
    db.execute("create index deleted_by_entity on deleted_records (ENTITY, ID)")
    db.executemany(
        "insert into meta values (?, ?)",
        [
            ("generator", GENERATOR_VERSION),
            ("seed", seed),
            ("scale", scale),
            ("today", to_epoch(TODAY)),
            (
                "story_deals",
                ",".join(str(d.id) for d in all_deals if d.title in deals.STORY_TITLES),
            ),
        ],
    )
    _story_of_deletes_and_edits(db, rng, scale)
    db.commit()
    db.execute("pragma journal_mode = wal")  # API readers keep reading while the clock moves
    db.close()
    tmp.replace(path)
    return path


def _story_of_deletes_and_edits(db: sqlite3.Connection, rng: random.Random, scale: float) -> None:
    """Story 9: records deleted over the years, and deals edited after their last move."""
    # Recent work stays (the forgotten-deal story is measured by it): only records created
    # before this are deleted, each some time after it was created.
    cutoff = to_epoch(TODAY) - 30 * 86400
    keep = timeline.story_deal_ids(db)
    for table, per_scale in (("deals", 25), ("leads", 40), ("activities", 120)):
        for _ in range(int(per_scale * scale)):
            found = timeline.random_record(db, rng, table)
            if found and found[1] < cutoff and not (table == "deals" and found[0] in keep):
                at = rng.randint(min(found[1] + 3600, cutoff), cutoff)
                timeline.delete_record(db, table, found[0], at)
    edited = [
        r for r in db.execute("select ID, MOVED_TIME from deals order by ID") if r[0] not in keep
    ]
    for deal_id, moved in rng.sample(edited, len(edited) // 12):
        at = min(moved + rng.randint(3600, 90 * 86400), to_epoch(TODAY) - 3600)
        db.execute(
            "update deals set OPPORTUNITY = round(OPPORTUNITY * ?, -3), DATE_MODIFY = ?"
            " where ID = ?",
            (rng.choice([0.85, 0.95, 1.05, 1.15]), max(at, moved), deal_id),
        )


def _date(epoch: int | None) -> date | None:
    """The portal-local calendar day of a moment."""
    return datetime.fromtimestamp(epoch, PORTAL_TZ).date() if epoch else None


def ensure(path: Path, seed: int = 42, scale: float = 1.0) -> Path:
    """Reuse a generated portal made by this generator version from the same seed and scale.

    A reused portal keeps what `advance` did to it; delete the file to start over.
    """
    if path.exists():
        try:
            with closing(sqlite3.connect(path)) as db:
                meta = dict(db.execute("select key, value from meta"))
            if (
                meta.get("generator") == GENERATOR_VERSION
                and meta.get("seed") == seed
                and float(meta.get("scale", -1)) == scale
            ):
                return path
        except sqlite3.DatabaseError:
            pass
    return generate(path, seed, scale)
