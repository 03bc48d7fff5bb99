"""The list engine behind every `*.list`/`*.get` method: filter, order, select, 50-row pages.

Semantics follow the portal (shared/design/bitrix24-rest-api.md §2-3): `total` always (0 with
`start=-1`, which skips the count), `next` only while rows remain, filter prefixes
`>= <= != !@ > < = ! @ %`, `select` masks `*` and `UF_*`.
"""

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .clock import PORTAL_TZ, parse_filter_moment, to_portal_iso
from .errors import ApiError
from .fields import Field
from .limits import charge, list_cost

PAGE_SIZE = 50
# Longest prefixes first, so `>=` is not read as `>`.
OPERATORS = (">=", "<=", "!=", "!@", ">", "<", "=", "!", "@", "%")
_SQL = {">=": ">=", "<=": "<=", "!=": "!=", ">": ">", "<": "<", "=": "=", "!": "!="}


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    next: int | None


def _split_operator(key: str) -> tuple[str, str]:
    for op in OPERATORS:
        if key.startswith(op):
            return op, key[len(op) :]
    return "=", key


def _filter_value(field: Field, value: Any) -> Any:
    if value is None:
        return None
    text = str(value)
    try:
        if field.kind in ("id", "int"):
            return int(text)
        if field.kind in ("money", "money4"):
            return float(text)
        if field.kind == "datetime":
            return parse_filter_moment(text)
    except ValueError as err:
        raise ApiError(400, "INVALID_ARG_VALUE", f"Invalid value for field {field.name}") from err
    if field.kind == "flag":
        return 1 if text.upper() == "Y" else 0
    if field.kind == "bool":
        return 1 if text.lower() in ("1", "y", "true") else 0
    if field.kind == "date":
        return text[:10]
    return text


def _where(fields: dict[str, Field], filters: Any) -> tuple[str, list[Any]]:
    if not isinstance(filters, dict):
        return "", []
    clauses, args = [], []
    for key, value in filters.items():
        op, name = _split_operator(str(key))
        field = fields.get(name.upper())
        if field is None:
            continue  # legacy methods ignore unknown filter keys
        column = f'"{field.name}"'
        if op in ("@", "!@"):
            values = (
                value.values()
                if isinstance(value, dict)
                else (value if isinstance(value, list) else [value])
            )
            converted = [_filter_value(field, v) for v in values]
            if not converted:
                clauses.append("0" if op == "@" else "1")
                continue
            clauses.append(
                f"{column} {'not ' if op == '!@' else ''}in ({', '.join('?' * len(converted))})"
            )
            args.extend(converted)
        elif op == "%":
            clauses.append(f"{column} like ?")
            args.append(f"%{value}%")
        elif (value is None or value == "" or value is False) and op in ("=", "!"):
            clauses.append(f"{column} is {'not ' if op == '!' else ''}null")
        else:
            clauses.append(f"{column} {_SQL[op]} ?")
            args.append(_filter_value(field, value))
    return (" where " + " and ".join(clauses)) if clauses else "", args


def _order_by(fields: dict[str, Field], order: Any) -> str:
    terms = []
    if isinstance(order, dict):
        for name, direction in order.items():
            field = fields.get(str(name).upper())
            if field:
                desc = str(direction).upper() == "DESC"
                terms.append(f'"{field.name}" {"desc" if desc else "asc"}')
    if "ID" in fields and not any(t.startswith('"ID"') for t in terms):
        terms.append('"ID" asc')  # a stable tie-breaker, as the portal's primary key gives
    return " order by " + ", ".join(terms) if terms else ""


def selected_fields(fields: dict[str, Field], select: Any) -> list[Field]:
    names = (
        list(select.values())
        if isinstance(select, dict)
        else (select if isinstance(select, list) else [])
    )
    names = [str(n).upper() for n in names] or ["*", "UF_*"]
    chosen = {}
    if "ID" in fields:
        chosen["ID"] = fields["ID"]  # the id always comes back
    for name in names:
        if name == "*":  # multi-value fields (PHONE, EMAIL) only come when named
            chosen.update(
                {n: f for n, f in fields.items() if not n.startswith("UF_") and f.kind != "multi"}
            )
        elif name == "UF_*":
            chosen.update({n: f for n, f in fields.items() if n.startswith("UF_")})
        elif name in fields:
            chosen[name] = fields[name]
    return [f for n, f in fields.items() if n in chosen]


def wire_value(field: Field, value: Any) -> Any:
    """Legacy methods send strings for numbers, ids and flags, `null` for empties."""
    if value is None:
        return [] if field.kind == "ints" else None
    match field.kind:
        case "id" | "int":
            return str(int(value))
        case "money":
            return f"{float(value):.2f}"
        case "money4":
            return f"{float(value):.4f}"
        case "flag":
            return "Y" if value else "N"
        case "bool":
            return bool(value)
        case "datetime":
            return to_portal_iso(int(value))
        case "date":
            midnight = datetime.combine(date.fromisoformat(value), datetime.min.time())
            return midnight.replace(tzinfo=PORTAL_TZ).isoformat()
        case "ints":
            return [int(v) for v in str(value).split(",") if v]
        case "num":
            return int(value)
        case "multi":
            return json.loads(value)
    return value


def list_page(
    db: sqlite3.Connection,
    table: str,
    fields: dict[str, Field],
    *,
    filters: Any = None,
    order: Any = None,
    select: Any = None,
    start: Any = 0,
) -> Page:
    try:
        offset = int(start or 0)
    except (TypeError, ValueError):
        offset = 0
    where, args = _where(fields, filters)
    columns = selected_fields(fields, select)
    sql = (
        f"select {', '.join(f'{chr(34)}{f.name}{chr(34)}' for f in columns)} from {table}"
        f"{where}{_order_by(fields, order)} limit {PAGE_SIZE} offset {max(offset, 0)}"
    )
    rows = [
        {f.name: wire_value(f, v) for f, v in zip(columns, row, strict=True)}
        for row in db.execute(sql, args)
    ]
    if offset == -1:  # the portal skips the count: total 0 and no next
        charge(list_cost(len(rows), 0, None))
        return Page(rows, 0, None)
    total = db.execute(f"select count(*) from {table}{where}", args).fetchone()[0]
    charge(list_cost(len(rows), offset, total))
    more = offset + PAGE_SIZE < total
    return Page(rows, total, offset + PAGE_SIZE if more else None)
