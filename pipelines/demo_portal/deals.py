"""Deals, simulated move by move through their funnels, with the planted stories.

Every move keeps its true actor (a person, or a robot under a user's account): the ground
truth a real portal does not expose (its stage history has no actor).
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .clients import ALTERA, ETALON, UTM
from .clock import PORTAL_TZ, TODAY, to_epoch
from .org import (
    ADDRESS_FIELD,
    DISMISSED_ON,
    FUNNELS,
    HISTORY_STARTS,
    MARKETER_ID,
    MEASURED_ON_FIELD,
    OBJECT_TYPE_FIELD,
    OBJECT_TYPES,
    SALES_MANAGERS,
    SOURCES,
    stage_semantics,
)

DEALS_PER_SCALE = 2500
# Mean days a deal stays in each in-progress stage; "Ожидание" is where deals pile up.
MEAN_STAY_DAYS = {"UC_WAITING": 240, "UC_FOLLOWUP": 25, "UC_ESTIMATE": 20}


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
    lead: int | None = None  # index of the lead it was converted from
    contact: int | None = None  # index of its contact
    id: int = 0


def simulate(rng: random.Random, deal: Deal) -> None:
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
        if next_stage == won and at.date() == SURPRISE_CLOSE.date():
            # Story 1: totals to 24 and to 25 March differ by the surprise close alone.
            at += timedelta(days=1)
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


def random_deal(rng: random.Random) -> Deal:
    # up to the day before today, so the working-hours time below never passes today
    span = (TODAY - timedelta(days=1) - HISTORY_STARTS).total_seconds()
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


SURPRISE_CLOSE = datetime(2025, 3, 25, 10, 17, 3, tzinfo=PORTAL_TZ)
STORY_TITLES = {
    "Спа-комплекс «Северная Ривьера»",
    "Бассейн и баня, коттедж в Жуковке",
    "Хамам в загородном доме, Истра",
}


def story_deals() -> list[Deal]:
    """Deals the reports must surface exactly (demo-company.md, stories 1, 2 and 4)."""
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
        Move("WON", SURPRISE_CLOSE, MARKETER_ID, True),
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
    back = Deal(
        datetime(2024, 6, 3, 12, 40, tzinfo=PORTAL_TZ),
        0,
        6,
        3_400_000.0,
        "RUB",
        "Хамам в загородном доме, Истра",
        "WEB",
        4,
    )
    back.moves = [
        Move("NEW", back.created_at, 6, False),
        Move("PREPARATION", datetime(2024, 6, 5, 10, 0, tzinfo=PORTAL_TZ), 6, False),
        Move("UC_ESTIMATE", datetime(2024, 7, 22, 15, 0, tzinfo=PORTAL_TZ), 6, False),
        Move("PREPAYMENT_INVOICE", datetime(2024, 9, 2, 11, 30, tzinfo=PORTAL_TZ), 6, False),
        Move("UC_WAITING", datetime(2024, 10, 14, 9, 15, tzinfo=PORTAL_TZ), 6, False),
        Move("EXECUTING", datetime(2025, 1, 20, 13, 0, tzinfo=PORTAL_TZ), 6, False),
        Move("FINAL_INVOICE", datetime(2025, 2, 3, 16, 45, tzinfo=PORTAL_TZ), 6, False),
        # the engineer found the site not ready: back to «Ожидание»
        Move("UC_WAITING", datetime(2025, 2, 27, 10, 5, tzinfo=PORTAL_TZ), 6, False),
    ]
    return [surprise, loser, back]


def generate(rng: random.Random, scale: float) -> list[Deal]:
    """All deals, numbered in creation order like a portal's ids."""
    deals = [random_deal(rng) for _ in range(int(DEALS_PER_SCALE * scale))]
    semantics = stage_semantics()
    active = [m for m in SALES_MANAGERS if m not in DISMISSED_ON]
    for deal in deals:
        simulate(rng, deal)
        if deal.assigned_id in DISMISSED_ON and semantics[deal.moves[-1].stage_id] is None:
            deal.assigned_id = rng.choice(active)  # his open deals went to colleagues
    deals = sorted([*deals, *story_deals()], key=lambda d: d.created_at)
    for number, deal in enumerate(deals, start=1):
        deal.id = number
    return deals


def is_open(deal: Deal, semantics: dict[str, str | None]) -> bool:
    return semantics[deal.moves[-1].stage_id] is None


def history_rows(deals: list[Deal], semantics: dict[str, str | None]) -> Iterator[dict]:
    """crm.stagehistory.list rows (1 created, 2 intermediate, 3 final) plus the true actor."""
    moves = sorted(
        ((m.at, d.id, n, d, m) for d in deals for n, m in enumerate(d.moves)), key=lambda t: t[:3]
    )
    return (
        {
            "ID": number,
            "TYPE_ID": 1 if n == 0 else (3 if semantics[m.stage_id] else 2),
            "OWNER_ID": d.id,
            "CREATED_TIME": to_epoch(at),
            "CATEGORY_ID": d.category_id,
            "STAGE_SEMANTIC_ID": {"S": "S", "F": "F"}.get(semantics[m.stage_id] or "", "P"),
            "STAGE_ID": m.stage_id,
            "ACTOR_ID": m.actor_id,
            "BY_ROBOT": int(m.by_robot),
        }
        for number, (at, _, n, d, m) in enumerate(moves, start=1)
    )


def legal_entity(deal: Deal) -> int:
    """Which of the two "my companies" a deal is signed by (demo-company.md): the legacy
    funnel's deals are Эталон's, and so is a third of the main funnel's before 2024, when
    contracts still went out on the old entity while leads came in on Альтера."""
    if deal.category_id == 1:
        return ETALON
    legacy_era = deal.category_id == 0 and deal.created_at.year < 2024
    if legacy_era and deal.id % 3 == 0 and deal.title not in STORY_TITLES:
        return ETALON
    return ALTERA


def deal_row(
    deal: Deal,
    semantics: dict[str, str | None],
    lead_id: int | None,
    contact_id: int | None,
    company_id: int | None,
    measured: date | None,
) -> dict:
    """The deal as crm.deal.list stores it; UTM tags come with its lead."""
    last = deal.moves[-1]
    sem = semantics[last.stage_id]
    closed = sem is not None
    close_date = deal.close_date or (
        last.at.date() if closed else (deal.created_at + timedelta(days=60)).date()
    )
    modified = max(last.at, deal.created_at + timedelta(minutes=5))
    utm = UTM.get(deal.source_id or "", (None, None, None)) if lead_id else (None, None, None)
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
        "COMPANY_ID": company_id,
        "CONTACT_ID": contact_id,
        "LEAD_ID": lead_id,
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
        "UTM_SOURCE": utm[0],
        "UTM_MEDIUM": utm[1],
        "UTM_CAMPAIGN": utm[2],
        "UTM_CONTENT": None,
        "UTM_TERM": None,
        "LAST_ACTIVITY_TIME": to_epoch(last.at),
        OBJECT_TYPE_FIELD: deal.object_type,
        ADDRESS_FIELD: f"Московская область, участок {deal.id}",
        MEASURED_ON_FIELD: measured.isoformat() if measured else None,
        "MYCOMPANY_ID": legal_entity(deal),
    }
