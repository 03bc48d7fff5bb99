"""The demo company's organisation: people, departments, funnels and reference lists.

(demo-company.md) A spa-facility builder in Moscow: two legal entities, three funnels,
about fifteen users of whom two were dismissed, an office account that holds the WhatsApp
open line and a marketer whose account the robots run under.
"""

from datetime import datetime, timedelta

from .clients import LEAD_STATUSES
from .clock import PORTAL_TZ, TODAY, to_epoch

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

DEPARTMENTS = [
    (1, "Альтера", 100, None, 1),
    (2, "Отдел продаж", 200, 1, 6),
    (3, "Маркетинг", 300, 1, 7),
    (4, "Инженерный отдел", 400, 1, 9),
    (5, "Офис", 500, 1, 11),
]
# Custom fields on deals and leads: an enumeration, a string and a date (opaque names, as
# a portal gives them).
OBJECT_TYPE_FIELD, ADDRESS_FIELD, MEASURED_ON_FIELD = (
    "UF_CRM_1673522371",
    "UF_CRM_1673522405",
    "UF_CRM_1673522460",
)
USER_FIELDS = [
    (OBJECT_TYPE_FIELD, "enumeration", "Тип объекта"),
    (ADDRESS_FIELD, "string", "Адрес объекта"),
    (MEASURED_ON_FIELD, "date", "Дата замера"),
]


def stage_semantics() -> dict[str, str | None]:
    return {sid: sem for _, _, stages in FUNNELS for sid, _, sem in stages}


def status_rows() -> list[dict]:
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
    for n, (sid, name, sem) in enumerate(LEAD_STATUSES, start=1):
        add("STATUS", sid, name, n * 10, None, sem, system=True)
    for n, (sid, name) in enumerate(SOURCES, start=1):
        add("SOURCE", sid, name, n * 10, None, system=not sid.startswith("UC_"))
    for n, (sid, name) in enumerate([("SALE", "Продажа"), ("SERVICE", "Сервисное обслуживание")]):
        add("DEAL_TYPE", sid, name, (n + 1) * 10, None, system=True)
    return rows


def user_rows() -> list[dict]:
    return [
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
    ]


def department_rows() -> list[dict]:
    return [
        {"ID": did, "NAME": name, "SORT": sort, "PARENT": parent, "UF_HEAD": head}
        for did, name, sort, parent, head in DEPARTMENTS
    ]


def currency_rows() -> list[dict]:
    return [
        {
            "CURRENCY": c,
            "AMOUNT_CNT": cnt,
            "AMOUNT": amount,
            "BASE": int(base),
            "FULL_NAME": name,
            "SORT": sort,
        }
        for c, cnt, amount, base, name, sort in CURRENCIES
    ]
