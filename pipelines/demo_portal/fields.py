"""Which fields each entity has, and how a real portal types them on the wire.

One catalogue serves the generator (table layout), the list engine (filters, select masks)
and the serializer (legacy methods send numbers, ids and flags as strings).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id | int | money | string | flag | datetime | date | bool | ints
    title: str = ""


def _fields(*specs: tuple[str, str, str]) -> dict[str, Field]:
    return {name: Field(name, kind, title) for name, kind, title in specs}


DEAL = _fields(
    ("ID", "id", "ID"),
    ("TITLE", "string", "Название"),
    ("TYPE_ID", "string", "Тип"),
    ("CATEGORY_ID", "int", "Воронка"),
    ("STAGE_ID", "string", "Стадия сделки"),
    ("STAGE_SEMANTIC_ID", "string", "Группа стадии"),
    ("IS_NEW", "flag", "Новая сделка"),
    ("PROBABILITY", "int", "Вероятность"),
    ("CURRENCY_ID", "string", "Валюта"),
    ("OPPORTUNITY", "money", "Сумма"),
    ("IS_MANUAL_OPPORTUNITY", "flag", "Сумма заполнена вручную"),
    ("COMPANY_ID", "int", "Компания"),
    ("CONTACT_ID", "int", "Контакт"),
    ("LEAD_ID", "int", "Лид"),
    ("BEGINDATE", "date", "Дата начала"),
    ("CLOSEDATE", "date", "Дата завершения"),
    ("OPENED", "flag", "Доступна для всех"),
    ("CLOSED", "flag", "Закрыта"),
    ("COMMENTS", "string", "Комментарий"),
    ("ASSIGNED_BY_ID", "int", "Ответственный"),
    ("CREATED_BY_ID", "int", "Кем создана"),
    ("MODIFY_BY_ID", "int", "Кем изменена"),
    ("MOVED_BY_ID", "int", "Кем перемещена"),
    ("DATE_CREATE", "datetime", "Дата создания"),
    ("DATE_MODIFY", "datetime", "Дата изменения"),
    ("MOVED_TIME", "datetime", "Дата перемещения"),
    ("SOURCE_ID", "string", "Источник"),
    ("SOURCE_DESCRIPTION", "string", "Дополнительно об источнике"),
    ("UTM_SOURCE", "string", "Рекламная система"),
    ("UTM_MEDIUM", "string", "Тип трафика"),
    ("UTM_CAMPAIGN", "string", "Обозначение рекламной кампании"),
    ("UTM_CONTENT", "string", "Содержание кампании"),
    ("UTM_TERM", "string", "Условие поиска кампании"),
    ("LAST_ACTIVITY_TIME", "datetime", "Последняя активность"),
    ("UF_CRM_OBJECT_TYPE", "int", "Тип объекта"),
)

STATUS = _fields(
    ("ID", "id", "ID"),
    ("ENTITY_ID", "string", "Справочник"),
    ("STATUS_ID", "string", "Код"),
    ("NAME", "string", "Название"),
    ("NAME_INIT", "string", "Исходное название"),
    ("SORT", "int", "Сортировка"),
    ("SYSTEM", "flag", "Системный"),
    ("CATEGORY_ID", "int", "Воронка"),
    ("COLOR", "string", "Цвет"),
    ("SEMANTICS", "string", "Семантика"),
)

USER = _fields(
    ("ID", "id", "ID"),
    ("ACTIVE", "bool", "Активен"),
    ("NAME", "string", "Имя"),
    ("LAST_NAME", "string", "Фамилия"),
    ("EMAIL", "string", "E-mail"),
    ("WORK_POSITION", "string", "Должность"),
    ("UF_DEPARTMENT", "ints", "Подразделения"),
    ("USER_TYPE", "string", "Тип"),
    ("DATE_REGISTER", "datetime", "Дата регистрации"),
    ("LAST_LOGIN", "datetime", "Последний вход"),
)

CURRENCY = _fields(
    ("CURRENCY", "string", "Валюта"),
    ("AMOUNT_CNT", "int", "Номинал"),
    ("AMOUNT", "money4", "Курс"),
    ("BASE", "flag", "Базовая"),
    ("FULL_NAME", "string", "Название"),
    ("SORT", "int", "Сортировка"),
)
