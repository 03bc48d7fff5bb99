"""Generates the demo company (see shared/design/demo-company.md) into a SQLite file.

Deterministic: the same seed and scale always give byte-identical rows. Deals are simulated
move by move, so stage history and the true actor of every move exist from the start.
"""

import math
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from .clock import PORTAL_TZ, TODAY, to_epoch
from .fields import CURRENCY, DEAL, STATUS, USER

DEALS_PER_SCALE = 2500
HISTORY_STARTS = datetime(2022, 1, 10, 9, 0, tzinfo=PORTAL_TZ)

# (id, first name, last name, position, department, active, role)
USERS = [
    (1, "Алексей", "Воронин", "Директор", 1, True, "admin"),
    (2, "Иван", "Калиниченко", "Менеджер по продажам", 2, True, "sales"),
    (3, "Мария", "Соколова", "Менеджер по продажам", 2, True, "sales"),
    (4, "Дмитрий", "Орлов", "Менеджер по продажам", 2, True, "sales"),
    (5, "Сергей", "Петров", "Менеджер по продажам", 2, False, "sales"),  # dismissed
    (6, "Елена", "Кузнецова", "Руководитель отдела продаж", 2, True, "sales"),
    (7, "Анна", "Маркова", "Маркетолог-аналитик", 3, True, "marketing"),
    (8, "Офис", "Витрина", "Общий аккаунт офиса", 5, True, "office"),
    (9, "Павел", "Смирнов", "Инженер-проектировщик", 4, True, "engineering"),
    (10, "Ольга", "Никитина", "Инженер-сметчик", 4, True, "engineering"),
    (11, "Татьяна", "Белова", "Бухгалтер", 5, True, "office"),
    (12, "Николай", "Фёдоров", "Менеджер по продажам", 2, True, "sales"),
    (13, "Ксения", "Волкова", "Менеджер по сервису", 2, True, "sales"),
    (14, "Артём", "Зайцев", "Замерщик", 4, True, "engineering"),
    (15, "Виктор", "Лебедев", "Менеджер по продажам", 2, False, "sales"),  # dismissed
]
DISMISSED_ON = {
    5: datetime(2024, 9, 30, 18, 0, tzinfo=PORTAL_TZ),
    15: datetime(2023, 6, 30, 18, 0, tzinfo=PORTAL_TZ),
}
MARKETER_ID = 7
SALES_MANAGERS = [u[0] for u in USERS if u[6] == "sales" and u[0] != 13]

# Funnels: (category id, name, [(status id, name, semantics)]); semantics None = in progress.
FUNNELS = [
    (
        0,
        "Альтера услуги",
        [
            ("NEW", "Новая заявка", None),
            ("PREPARATION", "Квалификация", None),
            ("UC_MEASURE", "Выезд замерщика", None),
            ("UC_ESTIMATE", "Проект и смета", None),
            ("PREPAYMENT_INVOICE", "КП отправлено", None),
            ("UC_FOLLOWUP", "Дожим после КП", None),
            ("UC_WAITING", "Ожидание", None),
            ("EXECUTING", "Предоплата получена", None),
            ("FINAL_INVOICE", "Передано инженеру", None),
            ("WON", "Сделка успешна", "S"),
            ("LOSE", "Дорого", "F"),
            ("UC_NOANSWER", "Не отвечает", "F"),
            ("UC_BADLEAD", "Некачественный лид", "F"),
        ],
    ),
    (
        1,
        "Эталон",
        [
            ("C1:NEW", "Новая заявка", None),
            ("C1:PREPARATION", "Переговоры", None),
            ("C1:EXECUTING", "Договор", None),
            ("C1:WON", "Сделка успешна", "S"),
            ("C1:LOSE", "Сделка провалена", "F"),
        ],
    ),
    (
        2,
        "Сервис",
        [
            ("C2:NEW", "Заявка на обслуживание", None),
            ("C2:EXECUTING", "В работе", None),
            ("C2:WON", "Выполнено", "S"),
            ("C2:LOSE", "Отказ", "F"),
        ],
    ),
]
# Mean days a deal stays in each in-progress stage; "Ожидание" is where deals pile up.
MEAN_STAY_DAYS = {"UC_WAITING": 240, "UC_FOLLOWUP": 25, "UC_ESTIMATE": 20}
SOURCES = [
    ("CALL", "Звонок"),
    ("WEB", "Сайт"),
    ("ADVERTISING", "Яндекс.Директ"),
    ("RECOMMENDATION", "Рекомендация"),
    ("TRADE_SHOW", "Выставка"),
    ("UC_WHATSAPP", "WhatsApp"),
]
OBJECT_TYPES = ["бассейн", "баня", "сауна", "хамам", "спа-комплекс"]
CURRENCIES = [
    ("RUB", 1, 1.0, True, "Российский рубль", 10),
    ("USD", 1, 81.2543, False, "Доллар США", 20),
    ("EUR", 1, 92.6411, False, "Евро", 30),
]


@dataclass
class Move:
    stage_id: str
    at: datetime
    actor_id: int
    by_robot: bool


@dataclass
class Deal:
    created_at: datetime
    category_id: int
    assigned_id: int
    amount: float
    currency: str
    title: str
    source_id: str | None
    object_type: int
    moves: list[Move] = field(default_factory=list)
    close_date: date | None = None
    id: int = 0


def stage_semantics() -> dict[str, str | None]:
    return {sid: sem for _, _, stages in FUNNELS for sid, _, sem in stages}


def _simulate(rng: random.Random, deal: Deal) -> None:
    """Walk a deal through its funnel until it closes or the portal's today comes."""
    stages = next(s for cid, _, s in FUNNELS if cid == deal.category_id)
    progress = [sid for sid, _, sem in stages if sem is None]
    won = next(sid for sid, _, sem in stages if sem == "S")
    losses = [sid for sid, _, sem in stages if sem == "F"]
    at = deal.created_at
    deal.moves.append(Move(progress[0], at, deal.assigned_id, False))
    for next_stage in [*progress[1:], won]:
        current = deal.moves[-1].stage_id
        at = at + timedelta(
            days=rng.expovariate(1 / MEAN_STAY_DAYS.get(current, 7)), minutes=rng.randint(0, 600)
        )
        if at >= TODAY:
            return
        if at >= DISMISSED_ON.get(deal.assigned_id, TODAY):
            # A dismissed manager's open deals go to colleagues; closed ones stay his.
            deal.assigned_id = rng.choice([m for m in SALES_MANAGERS if m not in DISMISSED_ON])
        if rng.random() < 0.13:
            deal.moves.append(Move(rng.choice(losses), at, deal.assigned_id, False))
            return
        # Robots move paid deals to success under whichever account set them up.
        by_robot = next_stage == won and rng.random() < 0.3
        actor = MARKETER_ID if by_robot else deal.assigned_id
        deal.moves.append(Move(next_stage, at, actor, by_robot))


def _random_deal(rng: random.Random) -> Deal:
    span = (TODAY - HISTORY_STARTS).total_seconds()
    created = HISTORY_STARTS + timedelta(seconds=rng.random() * span)
    created = created.replace(hour=rng.randint(9, 19), minute=rng.randint(0, 59), second=0)
    category = rng.choices([0, 1, 2], weights=[75, 10, 15])[0]
    if category == 1:  # the legacy entity was winding down during 2023
        created = HISTORY_STARTS + (created - HISTORY_STARTS) * 0.5
    managers = [m for m in SALES_MANAGERS if created < DISMISSED_ON.get(m, TODAY)]
    assigned = 13 if category == 2 else rng.choice(managers)
    object_type = rng.randint(1, len(OBJECT_TYPES))
    amount = round(math.exp(rng.gauss(math.log(900_000), 0.9)), -3)
    currency = rng.choices(["RUB", "USD", "EUR"], weights=[95, 3, 2])[0]
    if currency != "RUB":
        amount = round(amount / 85, 0)
    source = rng.choices([s for s, _ in SOURCES] + [None], weights=[20, 20, 25, 10, 5, 10, 10])[0]
    title = f"{OBJECT_TYPES[object_type - 1].capitalize()} — объект №{rng.randint(100, 9999)}"
    return Deal(created, category, assigned, amount, currency, title, source, object_type)


def _story_deals() -> list[Deal]:
    """Deals the reports must surface exactly (demo-company.md, stories 1 and 4)."""
    surprise = Deal(
        datetime(2023, 3, 14, 11, 20, tzinfo=PORTAL_TZ),
        0,
        2,
        28_000_000.0,
        "RUB",
        "Спа-комплекс «Северная Ривьера»",
        "RECOMMENDATION",
        5,
    )
    surprise.moves = [
        Move("NEW", surprise.created_at, 2, False),
        Move("PREPARATION", datetime(2023, 3, 20, 10, 5, tzinfo=PORTAL_TZ), 2, False),
        Move("UC_MEASURE", datetime(2023, 5, 11, 15, 30, tzinfo=PORTAL_TZ), 2, False),
        Move("UC_ESTIMATE", datetime(2023, 8, 2, 12, 0, tzinfo=PORTAL_TZ), 2, False),
        Move("PREPAYMENT_INVOICE", datetime(2023, 11, 15, 16, 45, tzinfo=PORTAL_TZ), 2, False),
        Move("UC_WAITING", datetime(2024, 2, 6, 9, 40, tzinfo=PORTAL_TZ), 2, False),
        Move("WON", datetime(2025, 3, 25, 10, 17, 3, tzinfo=PORTAL_TZ), MARKETER_ID, True),
    ]
    surprise.close_date = date(2025, 3, 31)  # the editable close date disagrees with the move
    loser = Deal(
        datetime(2024, 1, 30, 14, 2, tzinfo=PORTAL_TZ),
        0,
        3,
        6_500_000.0,
        "RUB",
        "Бассейн и баня, коттедж в Жуковке",
        "ADVERTISING",
        1,
    )
    loser.moves = [
        Move("NEW", loser.created_at, 3, False),
        Move("PREPARATION", datetime(2024, 2, 2, 11, 0, tzinfo=PORTAL_TZ), 3, False),
        Move("UC_MEASURE", datetime(2024, 3, 12, 13, 0, tzinfo=PORTAL_TZ), 3, False),
        Move("UC_ESTIMATE", datetime(2024, 5, 20, 17, 10, tzinfo=PORTAL_TZ), 3, False),
        Move("PREPAYMENT_INVOICE", datetime(2024, 7, 1, 10, 30, tzinfo=PORTAL_TZ), 3, False),
        Move("UC_FOLLOWUP", datetime(2024, 7, 15, 12, 0, tzinfo=PORTAL_TZ), 3, False),
        Move("LOSE", datetime(2025, 4, 1, 16, 20, tzinfo=PORTAL_TZ), 3, False),
    ]
    return [surprise, loser]


def _deal_row(deal: Deal, semantics: dict[str, str | None]) -> dict:
    last = deal.moves[-1]
    sem = semantics[last.stage_id]
    closed = sem is not None
    close_date = deal.close_date or (
        last.at.date() if closed else (deal.created_at + timedelta(days=60)).date()
    )
    modified = max(last.at, deal.created_at + timedelta(minutes=5))
    return {
        "ID": deal.id,
        "TITLE": deal.title,
        "TYPE_ID": "SALE" if deal.category_id != 2 else "SERVICE",
        "CATEGORY_ID": deal.category_id,
        "STAGE_ID": last.stage_id,
        "STAGE_SEMANTIC_ID": {"S": "S", "F": "F"}.get(sem, "P"),
        "IS_NEW": int(len(deal.moves) == 1),
        "PROBABILITY": None,
        "CURRENCY_ID": deal.currency,
        "OPPORTUNITY": deal.amount,
        "IS_MANUAL_OPPORTUNITY": 1,
        "COMPANY_ID": None,
        "CONTACT_ID": None,
        "LEAD_ID": None,
        "BEGINDATE": deal.created_at.date().isoformat(),
        "CLOSEDATE": close_date.isoformat(),
        "OPENED": 1,
        "CLOSED": int(closed),
        "COMMENTS": None,
        "ASSIGNED_BY_ID": deal.assigned_id,
        "CREATED_BY_ID": deal.moves[0].actor_id,
        "MODIFY_BY_ID": last.actor_id,
        "MOVED_BY_ID": last.actor_id,
        "DATE_CREATE": to_epoch(deal.created_at),
        "DATE_MODIFY": to_epoch(modified),
        "MOVED_TIME": to_epoch(last.at),
        "SOURCE_ID": deal.source_id,
        "SOURCE_DESCRIPTION": None,
        "UTM_SOURCE": "yandex" if deal.source_id == "ADVERTISING" else None,
        "UTM_MEDIUM": "cpc" if deal.source_id == "ADVERTISING" else None,
        "UTM_CAMPAIGN": "spa_moscow" if deal.source_id == "ADVERTISING" else None,
        "UTM_CONTENT": None,
        "UTM_TERM": None,
        "LAST_ACTIVITY_TIME": to_epoch(last.at),
        "UF_CRM_OBJECT_TYPE": deal.object_type,
    }


def _create_table(db: sqlite3.Connection, name: str, names: list[str]) -> None:
    db.execute(f"create table {name} ({', '.join(names)})")


def _insert(db: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    if rows:
        names = list(rows[0])
        sql = f"insert into {table} ({', '.join(names)}) values ({', '.join('?' * len(names))})"
        db.executemany(sql, [tuple(r[n] for n in names) for r in rows])


def generate(path: Path, seed: int = 42, scale: float = 1.0) -> Path:
    """Write the whole portal to `path` (replacing it) and return the path."""
    rng = random.Random(seed)
    deals = [_random_deal(rng) for _ in range(int(DEALS_PER_SCALE * scale))]
    for deal in deals:
        _simulate(rng, deal)
    deals = sorted([*deals, *_story_deals()], key=lambda d: d.created_at)
    for number, deal in enumerate(deals, start=1):
        deal.id = number

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    _create_table(db, "deals", list(DEAL))
    _create_table(db, "statuses", list(STATUS))
    _create_table(db, "users", list(USER))
    _create_table(db, "currencies", list(CURRENCY))
    # Ground truth a real portal does not expose: every move with its real actor.
    db.execute(
        "create table stage_moves (ID, OWNER_ID, STAGE_ID, CATEGORY_ID, CREATED_TIME,"
        " ACTOR_ID, BY_ROBOT)"
    )
    db.execute("create table meta (key primary key, value)")

    semantics = stage_semantics()
    _insert(db, "deals", [_deal_row(d, semantics) for d in deals])
    moves = sorted(((m.at, d, m) for d in deals for m in d.moves), key=lambda t: (t[0], t[1].id))
    _insert(
        db,
        "stage_moves",
        [
            {
                "ID": n,
                "OWNER_ID": d.id,
                "STAGE_ID": m.stage_id,
                "CATEGORY_ID": d.category_id,
                "CREATED_TIME": to_epoch(at),
                "ACTOR_ID": m.actor_id,
                "BY_ROBOT": int(m.by_robot),
            }
            for n, (at, d, m) in enumerate(moves, start=1)
        ],
    )
    _insert(db, "statuses", _status_rows())
    _insert(
        db,
        "users",
        [
            {
                "ID": uid,
                "ACTIVE": int(active),
                "NAME": first,
                "LAST_NAME": last,
                "EMAIL": f"user{uid}@spa-altera.example",
                "WORK_POSITION": position,
                "UF_DEPARTMENT": str(dept),
                "USER_TYPE": "employee",
                "DATE_REGISTER": to_epoch(HISTORY_STARTS - timedelta(days=30 * (16 - uid))),
                "LAST_LOGIN": to_epoch(DISMISSED_ON.get(uid, TODAY - timedelta(hours=uid))),
            }
            for uid, first, last, position, dept, active, _ in USERS
        ],
    )
    _insert(
        db,
        "currencies",
        [
            {
                "CURRENCY": c,
                "AMOUNT_CNT": cnt,
                "AMOUNT": amount,
                "BASE": int(base),
                "FULL_NAME": name,
                "SORT": sort,
            }
            for c, cnt, amount, base, name, sort in CURRENCIES
        ],
    )
    db.executemany(
        "insert into meta values (?, ?)",
        [("seed", seed), ("scale", scale), ("today", to_epoch(TODAY))],
    )
    db.commit()
    db.close()
    tmp.replace(path)
    return path


def _status_rows() -> list[dict]:
    rows: list[dict] = []

    def add(
        entity: str,
        status_id: str,
        name: str,
        sort: int,
        category: int | None,
        semantics: str | None = None,
        system: bool = False,
    ) -> None:
        rows.append(
            {
                "ID": len(rows) + 1,
                "ENTITY_ID": entity,
                "STATUS_ID": status_id,
                "NAME": name,
                "NAME_INIT": name if system else None,
                "SORT": sort,
                "SYSTEM": int(system),
                "CATEGORY_ID": category,
                "COLOR": {"S": "#7BD500", "F": "#FF5752"}.get(semantics or "", "#39A8EF"),
                "SEMANTICS": semantics,
            }
        )

    for category, _, stages in FUNNELS:
        entity = "DEAL_STAGE" if category == 0 else f"DEAL_STAGE_{category}"
        for n, (sid, name, sem) in enumerate(stages, start=1):
            system = sid.split(":")[-1] in ("NEW", "WON", "LOSE")
            add(entity, sid, name, n * 10, category, sem, system)
    for n, (sid, name) in enumerate(SOURCES, start=1):
        add("SOURCE", sid, name, n * 10, None, system=not sid.startswith("UC_"))
    for n, (sid, name) in enumerate([("SALE", "Продажа"), ("SERVICE", "Сервисное обслуживание")]):
        add("DEAL_TYPE", sid, name, (n + 1) * 10, None, system=True)
    return rows


def ensure(path: Path, seed: int = 42, scale: float = 1.0) -> Path:
    """Reuse a generated portal if it was made from the same seed and scale."""
    if path.exists():
        try:
            with sqlite3.connect(path) as db:
                meta = dict(db.execute("select key, value from meta"))
            if meta.get("seed") == seed and float(meta.get("scale", -1)) == scale:
                return path
        except sqlite3.DatabaseError:
            pass
    return generate(path, seed, scale)
