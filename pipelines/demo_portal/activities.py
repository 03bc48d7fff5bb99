"""Activities (calls, e-mails, meetings, to-dos, open-line sessions) and telephony statistics.

Stories planted here (demo-company.md): overdue to-dos on deals piled up in «Ожидание» (2),
a dozen open deals nobody touched for 14+ days (3), the office account's open-line volume and
managers who rarely call through the portal, with missed incoming calls (7), one manager with
99+ overdue to-dos, most created by a robot (8).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import TODAY, to_epoch

# crm.activity.list enumerations (bitrix24-rest-api.md §3)
MEETING, CALL, EMAIL, PROVIDER = 1, 2, 4, 6
INCOMING, OUTGOING = 1, 2
OWNER_LEAD, OWNER_DEAL = 1, 2
OFFICE_ACCOUNT, ROBOT_ACCOUNT, OVERDUE_MANAGER = 8, 7, 4
FORGOTTEN_DEALS = 12
FORGOTTEN_AFTER = timedelta(days=14)
PORTAL_NUMBER = "+7 495 120-45-67"


@dataclass
class Activity:
    owner_type: int
    owner_id: int
    type_id: int
    provider: str
    provider_type: str | None
    subject: str
    created: datetime
    responsible: int
    author: int
    deadline: datetime
    completed_at: datetime | None
    direction: int | None = None
    associated: int | None = None
    call: dict | None = None  # telephony statistics for a call through the portal


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _stays(deal) -> list[tuple[str, datetime, datetime, int]]:
    """(stage, entered, left or today, who worked it) for each stay of the deal."""
    stays = []
    for move, following in zip(deal.moves, [*deal.moves[1:], None], strict=True):
        worker = deal.assigned_id if move.by_robot else move.actor_id
        stays.append((move.stage_id, move.at, following.at if following else TODAY, worker))
    return stays


def _todo(
    owner_id: int,
    subject: str,
    created: datetime,
    responsible: int,
    author: int,
    deadline: datetime,
    done_by: datetime | None,
) -> Activity:
    completed = done_by if done_by is not None and done_by < TODAY else None
    return Activity(
        OWNER_DEAL,
        owner_id,
        PROVIDER,
        "CRM_TODO",
        "TODO",
        subject,
        created,
        responsible,
        author,
        deadline,
        completed,
    )


def _email(deal_id: int, subject: str, sent: datetime, sender: int) -> Activity:
    """An e-mail sent from the deal card: done the moment it is sent."""
    return Activity(
        OWNER_DEAL,
        deal_id,
        EMAIL,
        "CRM_EMAIL",
        None,
        subject,
        sent,
        sender,
        sender,
        sent,
        sent,
        OUTGOING,
    )


def _call(
    rng: random.Random,
    owner_type: int,
    owner_id: int,
    at: datetime,
    responsible: int,
    direction: int,
    crm_entity: tuple[str, int],
    missed: bool = False,
) -> Activity:
    """A call through the portal's telephony; its statistics name the contact or lead called."""
    duration = 0 if missed else rng.randint(20, 900)
    subject = (
        "Пропущенный звонок"
        if missed
        else "Входящий звонок"
        if direction == INCOMING
        else "Исходящий звонок"
    )
    activity = Activity(
        owner_type,
        owner_id,
        CALL,
        "VOXIMPLANT_CALL",
        "CALL",
        subject,
        at,
        responsible,
        responsible,
        at,
        None if missed else at + timedelta(seconds=duration),
        direction,
    )
    activity.call = {
        "CALL_TYPE": 2 if direction == INCOMING else 1,
        "CALL_DURATION": duration,
        "CALL_FAILED_CODE": "304" if missed else "200",
        "CALL_FAILED_REASON": "Пропущенный вызов" if missed else "Success call",
        "CRM_ENTITY_TYPE": crm_entity[0],
        "CRM_ENTITY_ID": crm_entity[1],
    }
    return activity


def for_deal(
    rng: random.Random, deal, contact_id: int, is_open: bool, forgotten: bool
) -> list[Activity]:
    """A deal's activities, stay by stay; a forgotten deal goes quiet 15+ days before today."""
    quiet_from = TODAY - FORGOTTEN_AFTER - timedelta(days=1) if forgotten else TODAY
    out: list[Activity] = []
    for stage, entered, left, worker in _stays(deal):
        left = min(left, quiet_from)
        if left <= entered:
            continue
        if rng.random() < 0.2:  # most managers call from their own phones, not the portal's
            out.append(
                _call(
                    rng,
                    OWNER_DEAL,
                    deal.id,
                    _between(rng, entered, left),
                    worker,
                    rng.choice([OUTGOING, OUTGOING, INCOMING]),
                    ("CONTACT", contact_id),
                )
            )
        if rng.random() < 0.65:
            out.append(
                _email(deal.id, "Коммерческое предложение", _between(rng, entered, left), worker)
            )
        if stage.endswith("UC_MEASURE"):
            visit = _between(rng, entered, left)
            out.append(
                Activity(
                    OWNER_DEAL,
                    deal.id,
                    MEETING,
                    "CRM_MEETING",
                    None,
                    "Выезд замерщика на объект",
                    visit - timedelta(days=2),
                    worker,
                    worker,
                    visit,
                    visit if visit < TODAY else None,
                )
            )
        if rng.random() < 0.75:
            created = _between(rng, entered, left)
            deadline = created + timedelta(days=rng.randint(1, 5))
            # Work left open: often on deals stuck in «Ожидание», rarely elsewhere.
            neglect = 0.5 if stage == "UC_WAITING" else 0.08
            open_stay = left >= quiet_from
            done = (
                None if open_stay and rng.random() < neglect else _between(rng, created, deadline)
            )
            out.append(
                _todo(deal.id, "Связаться с клиентом", created, worker, worker, deadline, done)
            )
        if stage == "UC_FOLLOWUP":  # the robot plans a call 3 days after «Дожим после КП»
            created = entered + timedelta(days=3)
            if created < left:
                out.append(
                    _todo(
                        deal.id,
                        "Запланировать звонок клиенту",
                        created,
                        worker,
                        ROBOT_ACCOUNT,
                        created + timedelta(days=1),
                        None if left >= quiet_from else _between(rng, created, left),
                    )
                )
    last_stage, _, _, worker = _stays(deal)[-1]
    if is_open and not forgotten and TODAY - deal.moves[-1].at > FORGOTTEN_AFTER:
        # someone touched every other open deal in the last two weeks
        out.append(
            _email(deal.id, "Напоминание", TODAY - timedelta(days=rng.uniform(0.5, 12)), worker)
        )
    if is_open and last_stage == "UC_WAITING" and not forgotten and rng.random() < 0.6:
        created = TODAY - timedelta(days=rng.uniform(10, 60))
        out.append(
            _todo(
                deal.id,
                "Уточнить сроки у клиента",
                created,
                worker,
                worker,
                created + timedelta(days=3),
                None,
            )
        )
    return out


def overdue_robot_todos(rng: random.Random, deals: list) -> list[Activity]:
    """Story 8: one manager's robot to-dos pile up unanswered (99+ overdue)."""
    his = [d for d in deals if d.assigned_id == OVERDUE_MANAGER] or deals
    return [
        _todo(
            rng.choice(his).id,
            "Позвонить клиенту (робот)",
            created,
            OVERDUE_MANAGER,
            ROBOT_ACCOUNT,
            created + timedelta(days=1),
            None,
        )
        for created in (TODAY - timedelta(days=rng.uniform(2, 200)) for _ in range(110))
    ]


def open_line_sessions(rng: random.Random, leads: list, count: int) -> list[Activity]:
    """Story 7: the office showcase account answers hundreds of WhatsApp conversations."""
    whatsapp = [lead for lead in leads if lead.source_id == "UC_WHATSAPP"] or leads
    sessions = []
    for session_id in range(1, count + 1):
        lead = rng.choice(whatsapp)
        started = lead.created_at + timedelta(minutes=rng.randint(0, 60 * 24 * 20))
        if started >= TODAY:
            started = lead.created_at
        ended = started + timedelta(minutes=rng.randint(3, 240))
        sessions.append(
            Activity(
                OWNER_LEAD,
                lead.id,
                PROVIDER,
                "IMOPENLINES_SESSION",
                "1",
                "WhatsApp: диалог с клиентом",
                started,
                OFFICE_ACCOUNT,
                OFFICE_ACCOUNT,
                ended,
                ended if ended < TODAY else None,
                INCOMING,
                associated=session_id,
            )
        )
    return sessions


def missed_calls(rng: random.Random, leads: list, count: int) -> list[Activity]:
    """Incoming calls nobody answered (CALL_FAILED_CODE 304)."""
    out = []
    for _ in range(count):
        lead = rng.choice(leads)
        at = lead.created_at + timedelta(minutes=rng.randint(1, 600))
        out.append(
            _call(
                rng,
                OWNER_LEAD,
                lead.id,
                min(at, TODAY - timedelta(minutes=5)),
                lead.assigned_id,
                INCOMING,
                ("LEAD", lead.id),
                missed=True,
            )
        )
    return out


def rows(
    rng: random.Random, activities: list[Activity], first_id: int = 1, first_call_id: int = 1
) -> tuple[list[dict], list[dict]]:
    """Activity rows and telephony statistics rows, ids in creation order like a portal's
    (within one chunk: large portals are written a chunk of deals at a time)."""
    activities.sort(key=lambda a: (a.created, a.owner_type, a.owner_id, a.subject))
    activity_rows, call_rows = [], []
    for number, a in enumerate(activities, start=first_id):
        completed = a.completed_at is not None
        updated = a.completed_at or a.created
        activity_rows.append(
            {
                "ID": number,
                "OWNER_ID": a.owner_id,
                "OWNER_TYPE_ID": a.owner_type,
                "TYPE_ID": a.type_id,
                "PROVIDER_ID": a.provider,
                "PROVIDER_TYPE_ID": a.provider_type,
                "ASSOCIATED_ENTITY_ID": a.associated,
                "SUBJECT": a.subject,
                "CREATED": to_epoch(a.created),
                "LAST_UPDATED": to_epoch(updated),
                "START_TIME": to_epoch(a.created if a.type_id != PROVIDER else a.deadline),
                "END_TIME": to_epoch(a.completed_at or a.deadline),
                "DEADLINE": to_epoch(a.deadline),
                "COMPLETED": int(completed),
                "STATUS": 2 if completed else 1,
                "RESPONSIBLE_ID": a.responsible,
                "PRIORITY": 2,
                "DIRECTION": a.direction,
                "AUTHOR_ID": a.author,
                "EDITOR_ID": a.author,
            }
        )
        if a.call:
            call_rows.append(
                {
                    "ID": first_call_id + len(call_rows),
                    "CALL_ID": f"externalCall.{number:08d}",
                    "PORTAL_USER_ID": a.responsible,
                    "PORTAL_NUMBER": PORTAL_NUMBER,
                    "PHONE_NUMBER": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"
                    f"{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                    **a.call,
                    "CALL_START_DATE": to_epoch(a.created),
                    "CRM_ACTIVITY_ID": number,
                    "COST": round(a.call["CALL_DURATION"] / 60 * 1.2, 4),
                    "COST_CURRENCY": "RUB",
                }
            )
    return activity_rows, call_rows
