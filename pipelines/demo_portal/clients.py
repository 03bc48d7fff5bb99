"""Leads, contacts and client companies around the generated deals (demo-company.md story 6).

Most deals come from a converted lead that carries the source and UTM tags; the rest were
created by hand from a contact, with no lead and no source. Unconverted leads (junk, in work,
new) fill out the marketing funnel.
"""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .clock import PORTAL_TZ, TODAY, to_epoch

FIRST_NAMES = [
    "Андрей",
    "Ольга",
    "Михаил",
    "Наталья",
    "Игорь",
    "Светлана",
    "Роман",
    "Юлия",
    "Константин",
    "Екатерина",
    "Владимир",
    "Ирина",
    "Григорий",
    "Людмила",
]
LAST_NAMES = [
    "Морозов",
    "Новикова",
    "Козлов",
    "Павлова",
    "Семёнов",
    "Голубева",
    "Виноградов",
    "Богданова",
    "Воробьёв",
    "Фролова",
    "Жуков",
    "Киселёва",
    "Макаров",
    "Зуева",
]
CLIENT_COMPANIES = [
    "ООО «Гранд Отель»",
    "ЗАО «Аква Парк»",
    "ООО «Фитнес Лайф»",
    "ООО «Загородный клуб»",
    "АО «Санаторий Сосны»",
    "ООО «Вилла Роза»",
]
LEAD_STATUSES = [
    ("NEW", "Новый", None),
    ("IN_PROCESS", "В работе", None),
    ("PROCESSED", "Квалифицирован", None),
    ("CONVERTED", "Сконвертирован", "S"),
    ("JUNK", "Некачественный", "F"),
]
UTM = {"ADVERTISING": ("yandex", "cpc", "spa_moscow"), "WEB": ("site", "organic", None)}
ALTERA, ETALON = 1, 2
MY_COMPANIES = [(ALTERA, "ООО «Альтера»"), (ETALON, "ООО «Эталон»")]


@dataclass
class Lead:
    created_at: datetime
    source_id: str | None
    assigned_id: int
    object_type: int
    moves: list[tuple[str, datetime, int]] = field(default_factory=list)
    contact: int | None = None  # index into contacts
    id: int = 0


@dataclass
class Contact:
    created_at: datetime
    name: str
    last_name: str
    assigned_id: int
    source_id: str | None
    company_id: int | None = None
    lead: int | None = None  # index into leads
    id: int = 0


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if first.endswith("а") or first.endswith("я"):  # female first names take female surnames
        last = last if last.endswith("а") else last + "а"
    elif last.endswith("а"):
        last = last[:-1]
    return first, last


def attach(
    rng: random.Random, deals: list, managers: list[int]
) -> tuple[list[Lead], list[Contact]]:
    """Give each deal a contact and, for most, the lead it was converted from."""
    leads: list[Lead] = []
    contacts: list[Contact] = []
    for deal in deals:
        first, last = _person(rng)
        contact = Contact(
            deal.created_at - timedelta(minutes=rng.randint(1, 90)),
            first,
            last,
            deal.assigned_id,
            deal.source_id,
        )
        if rng.random() < 0.2:  # a client company behind the person
            contact.company_id = rng.randint(
                len(MY_COMPANIES) + 1, len(MY_COMPANIES) + len(CLIENT_COMPANIES)
            )
        if deal.source_id is not None:  # came in as a lead, converted by its manager
            opened = deal.created_at - timedelta(hours=rng.uniform(2, 24 * 6))
            lead = Lead(opened, deal.source_id, deal.assigned_id, deal.object_type)
            lead.moves = [
                ("NEW", opened, deal.assigned_id),
                ("IN_PROCESS", opened + (deal.created_at - opened) / 3, deal.assigned_id),
                ("CONVERTED", deal.created_at, deal.assigned_id),
            ]
            contact.created_at = deal.created_at
            contact.lead = len(leads)
            lead.contact = len(contacts)
            deal.lead = len(leads)
            leads.append(lead)
        deal.contact = len(contacts)
        contacts.append(contact)
    for _ in range(len(leads)):  # as many leads again never became deals
        leads.append(_unconverted_lead(rng, managers))
    return leads, contacts


def _unconverted_lead(rng: random.Random, managers: list[int]) -> Lead:
    span = (TODAY - datetime(2022, 1, 10, tzinfo=PORTAL_TZ)).total_seconds()
    opened = TODAY - timedelta(seconds=rng.random() * span)
    source = rng.choices(
        ["CALL", "WEB", "ADVERTISING", "RECOMMENDATION", "TRADE_SHOW", "UC_WHATSAPP"],
        weights=[15, 25, 35, 5, 5, 15],
    )[0]
    assigned = rng.choice(managers)
    lead = Lead(opened, source, assigned, rng.randint(1, 5))
    lead.moves = [("NEW", opened, assigned)]
    age_days = (TODAY - opened).days
    if age_days > 3 or rng.random() < 0.5:
        worked = opened + timedelta(hours=rng.uniform(0.1, 48))
        if worked < TODAY:
            lead.moves.append(("IN_PROCESS", worked, assigned))
            if age_days > 20 or rng.random() < 0.7:
                closed = worked + timedelta(days=rng.uniform(0.5, 15))
                if closed < TODAY:
                    lead.moves.append(("JUNK", closed, assigned))
    return lead


def _phone(rng: random.Random, n: int) -> str:
    number = (
        f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{n % 100:02d}"
    )
    return json.dumps(
        [{"ID": str(n), "VALUE_TYPE": "WORK", "VALUE": number, "TYPE_ID": "PHONE"}],
        ensure_ascii=False,
    )


def lead_rows(rng: random.Random, leads: list[Lead], contacts: list[Contact]) -> Iterator[dict]:
    semantics = {sid: sem for sid, _, sem in LEAD_STATUSES}
    for lead in leads:
        status, moved_at, mover = lead.moves[-1]
        sem = semantics[status]
        first, last = _person(rng)
        utm = UTM.get(lead.source_id or "", (None, None, None))
        yield (
            {
                "ID": lead.id,
                "TITLE": f"Заявка: {first} {last}",
                "NAME": first,
                "LAST_NAME": last,
                "STATUS_ID": status,
                "STATUS_SEMANTIC_ID": {"S": "S", "F": "F"}.get(sem, "P"),
                "STATUS_DESCRIPTION": None,
                "OPPORTUNITY": 0.0,
                "CURRENCY_ID": "RUB",
                "SOURCE_ID": lead.source_id,
                "SOURCE_DESCRIPTION": None,
                "COMPANY_ID": None,
                "CONTACT_ID": contacts[lead.contact].id if lead.contact is not None else None,
                "ASSIGNED_BY_ID": lead.assigned_id,
                "CREATED_BY_ID": lead.assigned_id,
                "MODIFY_BY_ID": mover,
                "MOVED_BY_ID": mover,
                "DATE_CREATE": to_epoch(lead.created_at),
                "DATE_MODIFY": to_epoch(moved_at),
                "MOVED_TIME": to_epoch(moved_at),
                "DATE_CLOSED": to_epoch(moved_at) if sem else None,
                "OPENED": 1,
                "HAS_PHONE": 1,
                "HAS_EMAIL": 0,
                "HAS_IMOL": int(lead.source_id == "UC_WHATSAPP"),
                "UTM_SOURCE": utm[0],
                "UTM_MEDIUM": utm[1],
                "UTM_CAMPAIGN": utm[2],
                "UTM_CONTENT": None,
                "UTM_TERM": None,
                "UF_CRM_OBJECT_TYPE": lead.object_type,
                "PHONE": _phone(rng, lead.id),
                "EMAIL": None,
            }
        )


def contact_rows(rng: random.Random, contacts: list[Contact], leads: list[Lead]) -> Iterator[dict]:
    return (
        {
            "ID": c.id,
            "NAME": c.name,
            "LAST_NAME": c.last_name,
            "TYPE_ID": "CLIENT",
            "SOURCE_ID": c.source_id,
            "COMPANY_ID": c.company_id,
            "LEAD_ID": leads[c.lead].id if c.lead is not None else None,
            "ASSIGNED_BY_ID": c.assigned_id,
            "CREATED_BY_ID": c.assigned_id,
            "DATE_CREATE": to_epoch(c.created_at),
            "DATE_MODIFY": to_epoch(c.created_at),
            "OPENED": 1,
            "EXPORT": 1,
            "HAS_PHONE": 1,
            "HAS_EMAIL": 0,
            "PHONE": _phone(rng, 10_000 + c.id),
            "EMAIL": None,
        }
        for c in contacts
    )


def company_rows(rng: random.Random) -> list[dict]:
    """The two legal entities ("my companies") and a few client companies."""
    created = to_epoch(datetime(2021, 12, 1, 10, 0, tzinfo=PORTAL_TZ))
    names = [(cid, title, 1) for cid, title in MY_COMPANIES]
    names += [(len(MY_COMPANIES) + n, title, 0) for n, title in enumerate(CLIENT_COMPANIES, 1)]
    return [
        {
            "ID": cid,
            "TITLE": title,
            "COMPANY_TYPE": "OTHER" if mine else "CUSTOMER",
            "INDUSTRY": "OTHER",
            "IS_MY_COMPANY": mine,
            "ASSIGNED_BY_ID": 1,
            "CREATED_BY_ID": 1,
            "DATE_CREATE": created,
            "DATE_MODIFY": created,
            "OPENED": 1,
            "HAS_PHONE": 0,
            "HAS_EMAIL": 0,
            "PHONE": None,
            "EMAIL": None,
        }
        for cid, title, mine in names
    ]
