"""`crm.item.list`: the universal method over leads, deals, contacts and companies.

Same data as the legacy methods, but camelCase keys (`assignedById`, `createdTime`), native JSON
numbers, an `items` wrapper, and a 400 INVALID_ARG_VALUE for unknown filter or order fields.
"""

import sqlite3
from typing import Any

from .errors import ApiError
from .fields import COMPANY, CONTACT, DEAL, DEAL_ITEM_ONLY, LEAD, Field
from .listing import list_page
from .params import param

ENTITIES = {
    1: ("leads", LEAD),
    2: ("deals", DEAL | DEAL_ITEM_ONLY),
    3: ("contacts", CONTACT),
    4: ("companies", COMPANY),
}
# Where crm.item's name is not just the legacy name in camelCase.
RENAMED = {
    "CREATED_BY_ID": "createdBy",
    "MODIFY_BY_ID": "updatedBy",
    "MOVED_BY_ID": "movedBy",
    "DATE_CREATE": "createdTime",
    "DATE_MODIFY": "updatedTime",
    "MOVED_TIME": "movedTime",
}


def item_name(legacy: str, original_uf_names: bool) -> str:
    if legacy in RENAMED:
        return RENAMED[legacy]
    if legacy.startswith("UF_CRM_") and not original_uf_names:
        return "ufCrm_" + legacy.removeprefix("UF_CRM_")
    head, *rest = legacy.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


def _native(field: Field, wired: Any) -> Any:
    """The legacy wire value (strings for numbers) as crm.item sends it (JSON numbers)."""
    if wired is not None and field.kind in ("id", "int"):
        return int(wired)
    if wired is not None and field.kind == "money":
        return float(wired)
    return wired


def crm_item_list(db: sqlite3.Connection, params: dict[str, Any]) -> tuple[Any, Any, Any]:
    try:
        table, fields = ENTITIES[int(param(params, "entityTypeId", 0))]
    except (KeyError, ValueError):
        raise ApiError(400, "NOT_FOUND", "Smart process not found") from None
    original = str(param(params, "useOriginalUfNames", "N")).upper() == "Y"
    usable = {n: f for n, f in fields.items() if f.kind != "multi"}
    # Clients send `order[ID]` as well as `order[id]`: match names case-insensitively.
    legacy_of = {item_name(n, original).lower(): n for n in usable}
    legacy_of.update({n.lower(): n for n in usable})

    def to_legacy(key: str) -> str:
        operator = key[: len(key) - len(key.lstrip("!<>=@%"))]
        name = key[len(operator) :]
        if name.lower() not in legacy_of:
            raise ApiError(400, "INVALID_ARG_VALUE", f"Unknown field `{name}`")
        return operator + legacy_of[name.lower()]

    filters = {to_legacy(str(k)): v for k, v in (param(params, "filter") or {}).items()}
    order = {to_legacy(str(k)): v for k, v in (param(params, "order") or {}).items()}
    select = param(params, "select") or ["*"]
    select = list(select.values()) if isinstance(select, dict) else select
    names = (
        ["*", "UF_*"]
        if "*" in select
        else [legacy_of[s.lower()] for s in select if s.lower() in legacy_of]
    )
    page = list_page(
        db, table, usable, filters=filters, order=order, select=names, start=param(params, "start")
    )
    items = [
        {item_name(n, original): _native(usable[n], v) for n, v in row.items()} for row in page.rows
    ]
    return {"items": items}, page.total, page.next
