"""REST methods the demo portal answers, keyed by lower-cased name.

Portals route method names case-insensitively, so the server lower-cases before lookup.
"""

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .clock import PORTAL_TZ
from .errors import ApiError
from .fields import CURRENCY, DEAL, STATUS, USER
from .listing import list_page
from .params import param

# A handler returns (result, total or None, next or None).
Reply = tuple[Any, int | None, int | None]
Handler = Callable[[sqlite3.Connection, dict[str, Any]], Reply]
SCOPES = ["crm", "user", "department", "telephony", "imopenlines"]


def crm_deal_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    page = list_page(
        db,
        "deals",
        DEAL,
        filters=param(params, "filter"),
        order=param(params, "order"),
        select=param(params, "select"),
        start=param(params, "start"),
    )
    return page.rows, page.total, page.next


def crm_deal_get(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    deal_id = param(params, "id")
    page = list_page(db, "deals", DEAL, filters={"ID": deal_id or 0}, start=-1)
    if not page.rows:
        raise ApiError(400, "", "Not found")  # the portal really sends an empty code here
    return page.rows[0], None, None


def crm_deal_fields(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    types = {
        "id": "integer",
        "int": "integer",
        "money": "double",
        "string": "string",
        "flag": "char",
        "datetime": "datetime",
        "date": "date",
    }
    return (
        {
            f.name: {
                "type": types.get(f.kind, "string"),
                "isRequired": False,
                "isReadOnly": f.name
                in (
                    "ID",
                    "DATE_CREATE",
                    "DATE_MODIFY",
                    "MOVED_BY_ID",
                    "MOVED_TIME",
                    "STAGE_SEMANTIC_ID",
                ),
                "isImmutable": f.name == "CATEGORY_ID",
                "isMultiple": False,
                "isDynamic": f.name.startswith("UF_"),
                "title": f.title,
            }
            for f in DEAL.values()
        },
        None,
        None,
    )


def crm_status_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    page = list_page(
        db,
        "statuses",
        STATUS,
        filters=param(params, "filter"),
        order=param(params, "order") or {"SORT": "ASC"},
        start=param(params, "start"),
    )
    for row in page.rows:
        semantics = row["SEMANTICS"]
        row["EXTRA"] = {
            "SEMANTICS": {"S": "success", "F": "failure"}.get(semantics, "process"),
            "COLOR": row["COLOR"],
        }
    return page.rows, page.total, page.next


def user_get(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    # user.get takes filter fields in FILTER or at the top level, and sort/order as strings.
    filters = dict(param(params, "filter") or {})
    filters.update({k: v for k, v in params.items() if k.upper().lstrip("!<>=@%") in USER})
    sort = str(param(params, "sort") or "ID")
    page = list_page(
        db,
        "users",
        USER,
        filters=filters,
        order={sort: str(param(params, "order") or "ASC")},
        start=param(params, "start"),
    )
    return page.rows, page.total, page.next


def crm_currency_list(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    page = list_page(db, "currencies", CURRENCY, order={"SORT": "ASC"}, start=-1)
    return page.rows, 0, None  # the portal reports total 0 for currencies


def server_time(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    return datetime.now(PORTAL_TZ).isoformat(timespec="seconds"), None, None


def scope(db: sqlite3.Connection, params: dict[str, Any]) -> Reply:
    return SCOPES, None, None


METHODS: dict[str, Handler] = {
    "crm.deal.list": crm_deal_list,
    "crm.deal.get": crm_deal_get,
    "crm.deal.fields": crm_deal_fields,
    "crm.status.list": crm_status_list,
    "crm.currency.list": crm_currency_list,
    "user.get": user_get,
    "server.time": server_time,
    "scope": scope,
}
