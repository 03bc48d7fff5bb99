"""The portal's clock moving forward: what happens in a working day, written to the portal file.

New leads arrive and some convert into deals; open deals move on (by their managers, or by a
robot under the marketer's account); activities are logged; amounts and assignees are edited;
some deals, leads and activities are deleted. A deleted record leaves the API, as on a real
portal (a deal takes its stage history and activities with it), but stays in
`deleted_records` as ground truth.
"""

import json
import random
import sqlite3
from datetime import datetime, timedelta

from . import clients, org
from .clock import PORTAL_TZ
from .deals import MEAN_STAY_DAYS

DAY = 86400
LEADS_PER_DAY = 4.0
CONVERSION_PER_DAY = 0.25
DEAL_EDITS_PER_DAY = 0.01
ROBOT_CLOSES_AFTER_LAST_STAGE = 0.2
DELETES_PER_DAY = {"deals": 0.4, "leads": 0.8, "activities": 1.5}


def portal_now(db: sqlite3.Connection) -> int:
    return int(db.execute("select value from meta where key = 'today'").fetchone()[0])


def _next_id(db: sqlite3.Connection, table: str) -> int:
    live = db.execute(f"select coalesce(max(ID), 0) from {table}").fetchone()[0]
    gone = db.execute(
        "select coalesce(max(ID), 0) from deleted_records where ENTITY = ?", (table,)
    ).fetchone()[0]
    return max(live, gone) + 1  # a portal never reuses an id


def _insert(db: sqlite3.Connection, table: str, row: dict) -> int:
    row = {"ID": _next_id(db, table), **row}
    names = ", ".join(row)
    db.execute(
        f"insert into {table} ({names}) values ({', '.join('?' * len(row))})", tuple(row.values())
    )
    return row["ID"]


def delete_record(db: sqlite3.Connection, table: str, record_id: int, at: int) -> None:
    """Remove from the API, keep as truth; a deal's history and activities go with it."""
    cursor = db.execute(f"select * from {table} where ID = ?", (record_id,))
    names = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    if row is None:
        return
    db.execute(
        "insert into deleted_records values (?, ?, ?, ?)",
        (table, record_id, at, json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)),
    )
    db.execute(f"delete from {table} where ID = ?", (record_id,))
    if table == "deals":
        for child, owner in (
            ("deal_stage_history", "OWNER_ID = ?"),
            ("activities", "OWNER_TYPE_ID = 2 and OWNER_ID = ?"),
        ):
            for (child_id,) in db.execute(
                f"select ID from {child} where {owner}", (record_id,)
            ).fetchall():
                delete_record(db, child, child_id, at)


def story_deal_ids(db: sqlite3.Connection) -> set[int]:
    """The planted story deals: never deleted or edited, so every story stays findable."""
    value = db.execute("select value from meta where key = 'story_deals'").fetchone()
    return {int(i) for i in value[0].split(",")} if value else set()


def random_record(db: sqlite3.Connection, rng: random.Random, table: str) -> tuple[int, int] | None:
    """(ID, created) of a record picked with the seeded generator (SQLite's random() is not),
    by probing the id index at a random point: O(log n) on millions of rows."""
    # Two queries: together in one, min and max make SQLite scan the whole index.
    (low,) = db.execute(f"select min(ID) from {table}").fetchone()
    (high,) = db.execute(f"select max(ID) from {table}").fetchone()
    if low is None:
        return None
    created = "CREATED" if table == "activities" else "DATE_CREATE"
    return db.execute(
        f"select ID, {created} from {table} where ID >= ? order by ID limit 1",
        (rng.randint(low, high),),
    ).fetchone()


def delete_random(
    db: sqlite3.Connection, rng: random.Random, table: str, at: int, tries: int = 10
) -> bool:
    """Delete one record that existed at `at` (story deals are never deleted)."""
    for _ in range(tries):
        found = random_record(db, rng, table)
        if found is None:
            return False
        victim, created = found
        if created < at and not (table == "deals" and victim in story_deal_ids(db)):
            delete_record(db, table, victim, at)
            return True
    return False


def _move_deal(
    db: sqlite3.Connection,
    deal_id: int,
    stage: str,
    category: int,
    at: int,
    actor: int,
    by_robot: bool,
) -> None:
    semantics = org.stage_semantics()[stage]
    stage_semantic = {"S": "S", "F": "F"}.get(semantics or "", "P")
    db.execute(
        "update deals set STAGE_ID = ?, STAGE_SEMANTIC_ID = ?, CLOSED = ?, MOVED_BY_ID = ?,"
        " MOVED_TIME = ?, MODIFY_BY_ID = ?, DATE_MODIFY = ?, IS_NEW = 0 where ID = ?",
        (stage, stage_semantic, int(semantics is not None), actor, at, actor, at, deal_id),
    )
    _insert(
        db,
        "deal_stage_history",
        {
            "TYPE_ID": 3 if semantics else 2,
            "OWNER_ID": deal_id,
            "CREATED_TIME": at,
            "CATEGORY_ID": category,
            "STAGE_SEMANTIC_ID": stage_semantic,
            "STAGE_ID": stage,
            "ACTOR_ID": actor,
            "BY_ROBOT": int(by_robot),
        },
    )


def _log(
    db: sqlite3.Connection, owner_type: int, owner_id: int, at: int, responsible: int, subject: str
) -> None:
    _insert(
        db,
        "activities",
        {
            "OWNER_ID": owner_id,
            "OWNER_TYPE_ID": owner_type,
            "TYPE_ID": 4,
            "PROVIDER_ID": "CRM_EMAIL",
            "SUBJECT": subject,
            "CREATED": at,
            "LAST_UPDATED": at,
            "START_TIME": at,
            "END_TIME": at,
            "DEADLINE": at,
            "COMPLETED": 1,
            "STATUS": 2,
            "RESPONSIBLE_ID": responsible,
            "PRIORITY": 2,
            "DIRECTION": 2,
            "AUTHOR_ID": responsible,
            "EDITOR_ID": responsible,
        },
    )


def _new_lead(db: sqlite3.Connection, rng: random.Random, at: int) -> None:
    manager = rng.choice([m for m in org.SALES_MANAGERS if m not in org.DISMISSED_ON])
    source = rng.choice(["ADVERTISING", "WEB", "CALL", "UC_WHATSAPP"])
    lead_id = _insert(
        db,
        "leads",
        {
            "TITLE": f"Новая заявка #{rng.randint(1000, 9999)}",
            "STATUS_ID": "NEW",
            "STATUS_SEMANTIC_ID": "P",
            "OPPORTUNITY": 0.0,
            "CURRENCY_ID": "RUB",
            "SOURCE_ID": source,
            "ASSIGNED_BY_ID": manager,
            "CREATED_BY_ID": manager,
            "MODIFY_BY_ID": manager,
            "MOVED_BY_ID": manager,
            "DATE_CREATE": at,
            "DATE_MODIFY": at,
            "MOVED_TIME": at,
            "OPENED": 1,
            "HAS_PHONE": 1,
            "HAS_EMAIL": 0,
            "HAS_IMOL": 0,
            "UTM_SOURCE": "yandex" if source == "ADVERTISING" else None,
            "UTM_MEDIUM": "cpc" if source == "ADVERTISING" else None,
            "UTM_CAMPAIGN": "spa_moscow" if source == "ADVERTISING" else None,
        },
    )
    _insert(
        db,
        "lead_status_history",
        {
            "TYPE_ID": 1,
            "OWNER_ID": lead_id,
            "CREATED_TIME": at,
            "STATUS_SEMANTIC_ID": "P",
            "STATUS_ID": "NEW",
        },
    )


def _convert_lead(db: sqlite3.Connection, rng: random.Random, lead: tuple, at: int) -> None:
    lead_id, manager, source, utm_source, utm_medium, utm_campaign = lead
    db.execute(
        "update leads set STATUS_ID = 'CONVERTED', STATUS_SEMANTIC_ID = 'S', "
        "MOVED_TIME = ?, DATE_MODIFY = ?, DATE_CLOSED = ? where ID = ?",
        (at, at, at, lead_id),
    )
    _insert(
        db,
        "lead_status_history",
        {
            "TYPE_ID": 3,
            "OWNER_ID": lead_id,
            "CREATED_TIME": at,
            "STATUS_SEMANTIC_ID": "S",
            "STATUS_ID": "CONVERTED",
        },
    )
    contact_id = _insert(
        db,
        "contacts",
        {
            "NAME": "Клиент",
            "LAST_NAME": f"по лиду {lead_id}",
            "TYPE_ID": "CLIENT",
            "SOURCE_ID": source,
            "LEAD_ID": lead_id,
            "ASSIGNED_BY_ID": manager,
            "CREATED_BY_ID": manager,
            "DATE_CREATE": at,
            "DATE_MODIFY": at,
            "OPENED": 1,
            "EXPORT": 1,
            "HAS_PHONE": 1,
            "HAS_EMAIL": 0,
        },
    )
    day = datetime.fromtimestamp(at, PORTAL_TZ).date()
    deal_id = _insert(
        db,
        "deals",
        {
            "TITLE": f"{rng.choice(org.OBJECT_TYPES).capitalize()} — новый объект",
            "TYPE_ID": "SALE",
            "CATEGORY_ID": 0,
            "STAGE_ID": "NEW",
            "STAGE_SEMANTIC_ID": "P",
            "IS_NEW": 1,
            "CURRENCY_ID": "RUB",
            "OPPORTUNITY": float(round(rng.lognormvariate(13.7, 0.8), -3)),
            "IS_MANUAL_OPPORTUNITY": 1,
            "CONTACT_ID": contact_id,
            "LEAD_ID": lead_id,
            "BEGINDATE": day.isoformat(),
            "CLOSEDATE": (day + timedelta(days=60)).isoformat(),
            "OPENED": 1,
            "CLOSED": 0,
            "ASSIGNED_BY_ID": manager,
            "CREATED_BY_ID": manager,
            "MODIFY_BY_ID": manager,
            "MOVED_BY_ID": manager,
            "DATE_CREATE": at,
            "DATE_MODIFY": at,
            "MOVED_TIME": at,
            "SOURCE_ID": source,
            "UTM_SOURCE": utm_source,
            "UTM_MEDIUM": utm_medium,
            "UTM_CAMPAIGN": utm_campaign,
            "LAST_ACTIVITY_TIME": at,
            org.OBJECT_TYPE_FIELD: rng.randint(1, len(org.OBJECT_TYPES)),
            "MYCOMPANY_ID": clients.ALTERA,
        },
    )
    _insert(
        db,
        "deal_stage_history",
        {
            "TYPE_ID": 1,
            "OWNER_ID": deal_id,
            "CREATED_TIME": at,
            "CATEGORY_ID": 0,
            "STAGE_SEMANTIC_ID": "P",
            "STAGE_ID": "NEW",
            "ACTOR_ID": manager,
            "BY_ROBOT": 0,
        },
    )


def _stages(category: int) -> list:
    return next(s for cid, _, s in org.FUNNELS if cid == category)


def _closes_next(category: int, stage: str) -> bool:
    """Is `stage` the funnel's last working stage, the one before won?"""
    return stage == [sid for sid, _, sem in _stages(category) if sem is None][-1]


def _next_stage(rng: random.Random, category: int, stage: str) -> tuple[str, bool]:
    stages = _stages(category)
    progress = [sid for sid, _, sem in stages if sem is None]
    if rng.random() < 0.13:
        return rng.choice([sid for sid, _, sem in stages if sem == "F"]), False
    position = progress.index(stage) if stage in progress else len(progress) - 1
    if position + 1 < len(progress):
        return progress[position + 1], False
    won = next(sid for sid, _, sem in stages if sem == "S")
    return won, rng.random() < 0.3


def _one_day(
    db: sqlite3.Connection, rng: random.Random, start: int, counts: dict, span: int = DAY
) -> None:
    """What happens on the portal in `span` seconds from `start` (a day, or part of one: the
    daily chances scaled down)."""
    share = span / DAY

    def moment() -> int:
        return start + rng.randint(1, span)

    def chance(per_day: float) -> bool:
        return rng.random() < per_day * share

    for _ in range(_poisson(rng, LEADS_PER_DAY * share)):
        _new_lead(db, rng, moment())
        counts["leads created"] += 1
    waiting = db.execute(
        "select ID, ASSIGNED_BY_ID, SOURCE_ID, UTM_SOURCE, UTM_MEDIUM, "
        "UTM_CAMPAIGN from leads where STATUS_SEMANTIC_ID = 'P' and "
        "DATE_CREATE < ? order by ID",
        (start,),
    ).fetchall()
    for lead in waiting:
        if chance(CONVERSION_PER_DAY):
            _convert_lead(db, rng, lead, moment())
            counts["deals created"] += 1
    open_deals = db.execute(
        "select ID, CATEGORY_ID, STAGE_ID, ASSIGNED_BY_ID from deals "
        "where STAGE_SEMANTIC_ID = 'P' and DATE_CREATE < ? order by ID",
        (start,),
    ).fetchall()
    keep = story_deal_ids(db)
    for deal_id, category, stage, manager in open_deals:
        if deal_id in keep:
            continue
        stay = MEAN_STAY_DAYS.get(stage.split(":")[-1], 7)
        if chance(1 / stay):
            at = moment()
            next_stage, by_robot = _next_stage(rng, category, stage)
            _move_deal(
                db,
                deal_id,
                next_stage,
                category,
                at,
                org.MARKETER_ID if by_robot else manager,
                by_robot,
            )
            _log(db, 2, deal_id, at, manager, "Итоги этапа")
            counts["deal moves"] += 1
            # A rule on the last stage closes some deals within minutes (payment came in),
            # overwriting MOVED_BY_ID before a poll may have seen the manager's move.
            robot_closes = not by_robot and _closes_next(category, next_stage)
            if robot_closes and rng.random() < ROBOT_CLOSES_AFTER_LAST_STAGE:
                won = next(sid for sid, _, sem in _stages(category) if sem == "S")
                later = min(at + rng.randint(60, 1800), start + span)
                _move_deal(db, deal_id, won, category, later, org.MARKETER_ID, True)
                counts["deal moves"] += 1
        elif chance(DEAL_EDITS_PER_DAY):
            at = moment()
            db.execute(
                "update deals set OPPORTUNITY = round(OPPORTUNITY * ?, -3), "
                "DATE_MODIFY = ?, MODIFY_BY_ID = ? where ID = ?",
                (rng.choice([0.9, 1.1, 1.2]), at, manager, deal_id),
            )
            counts["deal edits"] += 1
    for table, rate in DELETES_PER_DAY.items():
        for _ in range(_poisson(rng, rate * share)):
            if delete_random(db, rng, table, moment()):
                counts[f"{table} deleted"] += 1


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, pow(2.718281828, -mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def random_edit(db: sqlite3.Connection, rng: random.Random) -> str:
    """One change landing while a client pages through a list; a second of portal time passes."""
    now = portal_now(db) + 1
    db.execute("update meta set value = ? where key = 'today'", (now,))
    kind = rng.choice(["edit", "new", "delete"])
    if kind == "new":
        _new_lead(db, rng, now)
        lead = db.execute(
            "select ID, ASSIGNED_BY_ID, SOURCE_ID, UTM_SOURCE, UTM_MEDIUM, "
            "UTM_CAMPAIGN from leads order by ID desc limit 1"
        ).fetchone()
        _convert_lead(db, rng, lead, now)
    elif kind == "delete":
        delete_random(db, rng, "deals", now)
    else:
        keep = story_deal_ids(db)
        ids = [
            r[0]
            for r in db.execute("select ID from deals where STAGE_SEMANTIC_ID = 'P'")
            if r[0] not in keep
        ]
        if ids:
            db.execute(
                "update deals set OPPORTUNITY = OPPORTUNITY + 1000, DATE_MODIFY = ? where ID = ?",
                (now, rng.choice(ids)),
            )
    db.commit()
    return kind


def advance(
    db: sqlite3.Connection, days: int = 0, seed: int | None = None, minutes: int = 0
) -> dict[str, object]:
    """Live `days` working days and then `minutes` on the portal; returns what happened and
    the new today. Minutes let a test poll the portal on a real schedule (every 15 min)."""
    now = portal_now(db)
    rng = random.Random(seed if seed is not None else now)
    counts: dict[str, int] = {
        k: 0
        for k in (
            "leads created",
            "deals created",
            "deal moves",
            "deal edits",
            "deals deleted",
            "leads deleted",
            "activities deleted",
        )
    }
    for day in range(days):
        _one_day(db, rng, now + day * DAY, counts)
    if minutes:
        _one_day(db, rng, now + days * DAY, counts, span=minutes * 60)
    later = now + days * DAY + minutes * 60
    db.execute("update meta set value = ? where key = 'today'", (later,))
    db.commit()
    return {"today": datetime.fromtimestamp(later, PORTAL_TZ).isoformat(), **counts}
