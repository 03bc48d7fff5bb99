"""Which fields each entity has, and how a real portal types them on the wire.

One catalogue serves the generator (table layout), the list engine (filters, select masks)
and the serializer (legacy methods send numbers, ids and flags as strings).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    # id | int | num (native int) | money | money4 | string | flag | datetime | date | bool
    # | ints (a native list) | multi (PHONE/EMAIL values, only when selected)
    kind: str
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
    ("UF_CRM_1673522371", "int", "Тип объекта"),
    ("UF_CRM_1673522405", "string", "Адрес объекта"),
    ("UF_CRM_1673522460", "date", "Дата замера"),
)
# Fields a deal has that only crm.item.list shows: the legacy crm.deal.* methods never got them.
DEAL_ITEM_ONLY = _fields(("MYCOMPANY_ID", "int", "Реквизиты вашей компании"))

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

LEAD = _fields(
    ("ID", "id", "ID"),
    ("TITLE", "string", "Название лида"),
    ("NAME", "string", "Имя"),
    ("LAST_NAME", "string", "Фамилия"),
    ("STATUS_ID", "string", "Стадия"),
    ("STATUS_SEMANTIC_ID", "string", "Группа стадии"),
    ("STATUS_DESCRIPTION", "string", "Дополнительно о стадии"),
    ("OPPORTUNITY", "money", "Сумма"),
    ("CURRENCY_ID", "string", "Валюта"),
    ("SOURCE_ID", "string", "Источник"),
    ("SOURCE_DESCRIPTION", "string", "Дополнительно об источнике"),
    ("COMPANY_ID", "int", "Компания"),
    ("CONTACT_ID", "int", "Контакт"),
    ("ASSIGNED_BY_ID", "int", "Ответственный"),
    ("CREATED_BY_ID", "int", "Кем создан"),
    ("MODIFY_BY_ID", "int", "Кем изменён"),
    ("MOVED_BY_ID", "int", "Кем перемещён"),
    ("DATE_CREATE", "datetime", "Дата создания"),
    ("DATE_MODIFY", "datetime", "Дата изменения"),
    ("MOVED_TIME", "datetime", "Дата перемещения"),
    ("DATE_CLOSED", "datetime", "Дата закрытия"),
    ("OPENED", "flag", "Доступен для всех"),
    ("HAS_PHONE", "flag", "Есть телефон"),
    ("HAS_EMAIL", "flag", "Есть e-mail"),
    ("HAS_IMOL", "flag", "Есть открытая линия"),
    ("UTM_SOURCE", "string", "Рекламная система"),
    ("UTM_MEDIUM", "string", "Тип трафика"),
    ("UTM_CAMPAIGN", "string", "Обозначение рекламной кампании"),
    ("UTM_CONTENT", "string", "Содержание кампании"),
    ("UTM_TERM", "string", "Условие поиска кампании"),
    ("UF_CRM_1673522371", "int", "Тип объекта"),
    ("UF_CRM_1673522405", "string", "Адрес объекта"),
    ("UF_CRM_1673522460", "date", "Дата замера"),
    ("PHONE", "multi", "Телефон"),
    ("EMAIL", "multi", "E-mail"),
)

CONTACT = _fields(
    ("ID", "id", "ID"),
    ("NAME", "string", "Имя"),
    ("LAST_NAME", "string", "Фамилия"),
    ("TYPE_ID", "string", "Тип контакта"),
    ("SOURCE_ID", "string", "Источник"),
    ("COMPANY_ID", "int", "Компания"),
    ("LEAD_ID", "int", "Лид"),
    ("ASSIGNED_BY_ID", "int", "Ответственный"),
    ("CREATED_BY_ID", "int", "Кем создан"),
    ("DATE_CREATE", "datetime", "Дата создания"),
    ("DATE_MODIFY", "datetime", "Дата изменения"),
    ("OPENED", "flag", "Доступен для всех"),
    ("EXPORT", "flag", "Участвует в экспорте"),
    ("HAS_PHONE", "flag", "Есть телефон"),
    ("HAS_EMAIL", "flag", "Есть e-mail"),
    ("PHONE", "multi", "Телефон"),
    ("EMAIL", "multi", "E-mail"),
)

COMPANY = _fields(
    ("ID", "id", "ID"),
    ("TITLE", "string", "Название компании"),
    ("COMPANY_TYPE", "string", "Тип компании"),
    ("INDUSTRY", "string", "Сфера деятельности"),
    ("IS_MY_COMPANY", "flag", "Моя компания"),
    ("ASSIGNED_BY_ID", "int", "Ответственный"),
    ("CREATED_BY_ID", "int", "Кем создана"),
    ("DATE_CREATE", "datetime", "Дата создания"),
    ("DATE_MODIFY", "datetime", "Дата изменения"),
    ("OPENED", "flag", "Доступна для всех"),
    ("HAS_PHONE", "flag", "Есть телефон"),
    ("HAS_EMAIL", "flag", "Есть e-mail"),
    ("PHONE", "multi", "Телефон"),
    ("EMAIL", "multi", "E-mail"),
)

# crm.stagehistory.list: no actor, by design of the real portal.
DEAL_STAGE_HISTORY = _fields(
    ("ID", "id", "ID"),
    ("TYPE_ID", "int", "Тип"),
    ("OWNER_ID", "int", "Сделка"),
    ("CREATED_TIME", "datetime", "Время"),
    ("CATEGORY_ID", "int", "Воронка"),
    ("STAGE_SEMANTIC_ID", "string", "Группа стадии"),
    ("STAGE_ID", "string", "Стадия"),
)
LEAD_STATUS_HISTORY = _fields(
    ("ID", "id", "ID"),
    ("TYPE_ID", "int", "Тип"),
    ("OWNER_ID", "int", "Лид"),
    ("CREATED_TIME", "datetime", "Время"),
    ("STATUS_SEMANTIC_ID", "string", "Группа стадии"),
    ("STATUS_ID", "string", "Стадия"),
)

ACTIVITY = _fields(
    ("ID", "id", "ID"),
    ("OWNER_ID", "int", "Владелец"),
    ("OWNER_TYPE_ID", "int", "Тип владельца"),
    ("TYPE_ID", "int", "Тип"),
    ("PROVIDER_ID", "string", "Провайдер"),
    ("PROVIDER_TYPE_ID", "string", "Тип провайдера"),
    ("ASSOCIATED_ENTITY_ID", "int", "Связанная сущность"),
    ("SUBJECT", "string", "Тема"),
    ("CREATED", "datetime", "Создано"),
    ("LAST_UPDATED", "datetime", "Обновлено"),
    ("START_TIME", "datetime", "Начало"),
    ("END_TIME", "datetime", "Окончание"),
    ("DEADLINE", "datetime", "Крайний срок"),
    ("COMPLETED", "flag", "Выполнено"),
    ("STATUS", "int", "Статус"),
    ("RESPONSIBLE_ID", "int", "Ответственный"),
    ("PRIORITY", "int", "Приоритет"),
    ("DIRECTION", "int", "Направление"),
    ("AUTHOR_ID", "int", "Автор"),
    ("EDITOR_ID", "int", "Изменил"),
)

CALL = _fields(
    ("ID", "id", "ID"),
    ("CALL_ID", "string", "ID звонка"),
    ("PORTAL_USER_ID", "int", "Сотрудник"),
    ("PORTAL_NUMBER", "string", "Номер портала"),
    ("PHONE_NUMBER", "string", "Номер абонента"),
    ("CALL_TYPE", "int", "Тип звонка"),
    ("CALL_DURATION", "int", "Длительность"),
    ("CALL_START_DATE", "datetime", "Начало"),
    ("CALL_FAILED_CODE", "string", "Код результата"),
    ("CALL_FAILED_REASON", "string", "Результат"),
    ("CRM_ENTITY_TYPE", "string", "Тип сущности CRM"),
    ("CRM_ENTITY_ID", "int", "Сущность CRM"),
    ("CRM_ACTIVITY_ID", "int", "Дело"),
    ("COST", "money4", "Стоимость"),
    ("COST_CURRENCY", "string", "Валюта"),
)

DEPARTMENT = _fields(
    ("ID", "id", "ID"),
    ("NAME", "string", "Название"),
    ("SORT", "num", "Сортировка"),
    ("PARENT", "int", "Родитель"),
    ("UF_HEAD", "int", "Руководитель"),
)
