"""REST methods the demo portal answers, keyed by lower-cased name.

Portals route method names case-insensitively, so the server lower-cases before lookup.
Legacy CRM lists share one shape (filter, order, select, start → a bare list); the few
methods that differ say how.
"""

import sqlite3
from collections.abc import Callable
from typing import Any

from . import org
from .clock import to_portal_iso
from .errors import ApiError, method_not_found
from .fields import (
    ACTIVITY,
    CALL,
    COMPANY,
    CONTACT,
    CURRENCY,
    DEAL,
    DEAL_STAGE_HISTORY,
    DEPARTMENT,
    LEAD,
    LEAD_STATUS_HISTORY,
    STATUS,
    USER,
    Field,
)
from .items import crm_item_list
from .listing import list_page
from .params import param
from .timeline import portal_now

# A handler returns (result, total or None, next or None).
Reply = tuple[Any, int | None, int | None]
Handler = Callable[[sqlite3.Connection, dict[str, Any]], Reply]
SCOPES = ["crm", "user", "department", "telephony", "imopenlines"]
CREATED = to_portal_iso(int(org.HISTORY_STARTS.timestamp()))


def legacy_list(table: str, fields: dict[str, Field], default_order: dict | None = None) -> Handler:
    def handler(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
        page = list_page(
            db,
            table,
            fields,
            filters=param(params, "filter"),
            order=param(params, "order") or default_order,
            select=param(params, "select"),
            start=param(params, "start"),
        )
        return page.rows, page.total, page.next

    return handler


def legacy_get(table: str, fields: dict[str, Field]) -> Handler:
    def handler(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
        select = [*fields]  # get returns multi-value fields too
        page = list_page(
            db, table, fields, filters={"ID": param(params, "id") or 0}, select=select, start=-1
        )
        if not page.rows:
            raise ApiError(400, "", "Not found")  # the portal really sends an empty code
        return page.rows[0], None, None

    return handler


def legacy_fields(fields: dict[str, Field]) -> Handler:
    types = {
        "id": "integer",
        "int": "integer",
        "money": "double",
        "flag": "char",
        "datetime": "datetime",
        "date": "date",
        "multi": "crm_multifield",
    }
    read_only = {
        "ID",
        "DATE_CREATE",
        "DATE_MODIFY",
        "MOVED_BY_ID",
        "MOVED_TIME",
        "STAGE_SEMANTIC_ID",
        "STATUS_SEMANTIC_ID",
        "CREATED_BY_ID",
        "MODIFY_BY_ID",
    }

    def describe(field: Field) -> dict[str, Any]:
        meta = {
            "type": types.get(field.kind, "string"),
            "isRequired": False,
            "isReadOnly": field.name in read_only,
            "isImmutable": field.name == "CATEGORY_ID",
            "isMultiple": field.kind == "multi",
            "isDynamic": field.name.startswith("UF_"),
            "title": field.title,
        }
        if field.name == org.OBJECT_TYPE_FIELD:
            meta.update(
                type="enumeration",
                listLabel=field.title,
                formLabel=field.title,
                filterLabel=field.title,
                items=[{"ID": str(n), "VALUE": v} for n, v in _object_types()],
            )
        return meta

    def handler(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
        return {f.name: describe(f) for f in fields.values()}, None, None

    return handler


def userfield_list(entity: str) -> Handler:
    """crm.<entity>.userfield.list: definitions; enumerations carry their LIST of values."""

    def handler(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
        rows = []
        for n, (name, kind, label) in enumerate(org.USER_FIELDS, start=1):
            row = {
                "ID": str(100 + n),
                "ENTITY_ID": entity,
                "FIELD_NAME": name,
                "USER_TYPE_ID": kind,
                "XML_ID": None,
                "SORT": str(n * 100),
                "MULTIPLE": "N",
                "MANDATORY": "N",
                "SHOW_FILTER": "E",
                "SHOW_IN_LIST": "Y",
                "EDIT_IN_LIST": "Y",
                "IS_SEARCHABLE": "N",
                "SETTINGS": {},
                "EDIT_FORM_LABEL": label,
                "LIST_COLUMN_LABEL": label,
            }
            if kind == "enumeration":
                row["LIST"] = [
                    {
                        "ID": str(i),
                        "SORT": str(i * 10),
                        "VALUE": v,
                        "DEF": "N",
                        "XML_ID": f"object_type_{i}",
                    }
                    for i, v in _object_types()
                ]
            rows.append(row)
        return rows, len(rows), None

    return handler


def _object_types() -> list[tuple[int, str]]:
    return list(enumerate(org.OBJECT_TYPES, start=1))


def crm_status_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    # crm.status.list takes order and filter only: a `select` is ignored, every field comes.
    params = {k: v for k, v in params.items() if k.lower() != "select"}
    rows, total, next_start = legacy_list("statuses", STATUS, {"SORT": "ASC"})(db, params)
    for row in rows:
        row["EXTRA"] = {
            "SEMANTICS": {"S": "success", "F": "failure"}.get(row["SEMANTICS"], "process"),
            "COLOR": row["COLOR"],
        }
    return rows, total, next_start


def top_level_filter(table: str, fields: dict[str, Field]) -> Handler:
    """user.get and department.get: filter keys in FILTER or at the top level, and `sort`
    and `order` as plain strings."""

    def handler(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
        filters = dict(param(params, "filter") or {})
        filters.update({k: v for k, v in params.items() if k.upper().lstrip("!<>=@%") in fields})
        page = list_page(
            db,
            table,
            fields,
            filters=filters,
            order={str(param(params, "sort") or "ID"): str(param(params, "order") or "ASC")},
            start=param(params, "start"),
        )
        return page.rows, page.total, page.next

    return handler


def voximplant_statistic_get(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    page = list_page(
        db,
        "calls",
        CALL,
        filters=param(params, "filter"),
        order={
            str(param(params, "sort") or "CALL_START_DATE"): str(param(params, "order") or "DESC")
        },
        start=param(params, "start"),
    )
    return page.rows, page.total, page.next


def crm_stagehistory_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    entity = str(param(params, "entityTypeId", ""))
    table, fields = {
        "1": ("lead_status_history", LEAD_STATUS_HISTORY),
        "2": ("deal_stage_history", DEAL_STAGE_HISTORY),
    }.get(entity, (None, None))
    if table is None:
        raise ApiError(400, "NOT_FOUND", "Entity type is not supported")
    page = list_page(
        db,
        table,
        fields,
        filters=param(params, "filter"),
        order=param(params, "order"),
        select=param(params, "select"),
        start=param(params, "start"),
    )
    return {"items": page.rows}, page.total, page.next


def crm_currency_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    page = list_page(db, "currencies", CURRENCY, order={"SORT": "ASC"}, start=-1)
    return page.rows, 0, None  # the portal reports total 0 for currencies


def crm_category_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    if str(param(params, "entityTypeId", "")) != "2":
        return {"categories": []}, 0, None
    categories = [
        {
            "id": cid,
            "name": name,
            "sort": (cid + 1) * 100,
            "entityTypeId": 2,
            "isDefault": "Y" if cid == 0 else "N",
            "originId": "",
            "originatorId": "",
        }
        for cid, name, _ in org.FUNNELS
    ]
    return {"categories": categories}, len(categories), None


def crm_dealcategory_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    rows = [
        {
            "ID": str(cid),
            "CREATED_DATE": CREATED,
            "NAME": name,
            "IS_LOCKED": "N",
            "SORT": str((cid + 1) * 100),
        }
        for cid, name, _ in org.FUNNELS
        if cid != 0
    ]
    return rows, len(rows), None


def crm_dealcategory_stage_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    wanted = str(param(params, "id", "0"))
    stages = next((s for cid, _, s in org.FUNNELS if str(cid) == wanted), None)
    if stages is None:
        raise ApiError(400, "", "Category not found")
    return (
        [
            {"NAME": name, "SORT": str(n * 10), "STATUS_ID": sid}
            for n, (sid, name, _) in enumerate(stages, start=1)
        ],
        None,
        None,
    )


def profile(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    return (
        {
            "ID": "1",
            "ADMIN": True,
            "NAME": "Алексей",
            "LAST_NAME": "Воронин",
            "PERSONAL_GENDER": "M",
            "TIME_ZONE": "Europe/Moscow",
            "TIME_ZONE_OFFSET": 10800,
        },
        None,
        None,
    )


def server_time(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    """The portal's own clock, which `advance` moves (not this machine's)."""
    return to_portal_iso(portal_now(db)), None, None


def scope_of(method: str) -> str | None:
    """The permission a method needs; None for methods every webhook may call."""
    prefixes = {
        "crm.": "crm",
        "user.": "user",
        "department.": "department",
        "voximplant.": "telephony",
        "telephony.": "telephony",
        "imopenlines.": "imopenlines",
    }
    return next((s for prefix, s in prefixes.items() if method.startswith(prefix)), None)


METHODS: dict[str, Handler] = {
    "crm.deal.list": legacy_list("deals", DEAL),
    "crm.deal.get": legacy_get("deals", DEAL),
    "crm.deal.fields": legacy_fields(DEAL),
    "crm.deal.userfield.list": userfield_list("CRM_DEAL"),
    "crm.lead.list": legacy_list("leads", LEAD),
    "crm.lead.get": legacy_get("leads", LEAD),
    "crm.lead.fields": legacy_fields(LEAD),
    "crm.lead.userfield.list": userfield_list("CRM_LEAD"),
    "crm.contact.list": legacy_list("contacts", CONTACT),
    "crm.contact.get": legacy_get("contacts", CONTACT),
    "crm.company.list": legacy_list("companies", COMPANY),
    "crm.company.get": legacy_get("companies", COMPANY),
    "crm.item.list": crm_item_list,
    "crm.category.list": crm_category_list,
    "crm.dealcategory.list": crm_dealcategory_list,
    "crm.dealcategory.stage.list": crm_dealcategory_stage_list,
    "crm.status.list": crm_status_list,
    "crm.stagehistory.list": crm_stagehistory_list,
    "crm.activity.list": legacy_list("activities", ACTIVITY, {"START_TIME": "ASC"}),
    "voximplant.statistic.get": voximplant_statistic_get,
    "crm.currency.list": crm_currency_list,
    "user.get": top_level_filter("users", USER),
    "department.get": top_level_filter("departments", DEPARTMENT),
    "profile": profile,
    "server.time": server_time,
}


def dispatch(db: sqlite3.Connection, method: str, params: dict[str, Any]) -> Reply:
    handler = METHODS.get(method.lower())
    if handler is None:
        raise method_not_found()
    return handler(db, params)
