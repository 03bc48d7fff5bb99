"""`batch`: up to 50 commands in one HTTP request, as the rest module's methodsBatch runs them.

Each command is `"method?urlencoded query"`; its parameters may reference earlier results
(`$result[cmd][items][49][ID]`, also `$next`, `$total`, `$time`, `$error`). The reference path
is walked until the first missing key, and what was reached is used. Answers keep PHP's JSON
shape: a section keyed exactly 0..n-1 is a list, an empty one is `[]`.
"""

import re
import sqlite3
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from .envelope import time_block
from .errors import ApiError
from .params import param, php_decode

MAX_COMMANDS = 50
REFUSED = {"batch", "download", "upload"}
_REFERENCE = re.compile(r"\$(result|next|total|time|error)([^\s]*)", re.IGNORECASE)
_STEP = re.compile(r"\[([^\]]*)\]")

Dispatch = Callable[[sqlite3.Connection, str, dict[str, Any]], tuple[Any, Any, Any]]


def php_section(section: dict[str, Any]) -> list[Any] | dict[str, Any]:
    """json_encode of a PHP array: a list when keyed exactly 0..n-1 (so empty is `[]`)."""
    if list(section) == [str(i) for i in range(len(section))]:
        return list(section.values())
    return section


def _walk(collected: dict[str, dict[str, Any]], kind: str, path: str) -> Any:
    """Follow `[a][b][0]` into earlier answers; stop at the first missing key."""
    node: Any = collected[kind.lower()]
    for step in _STEP.findall(path):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            break
    return node


def substitute(value: Any, collected: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict):
        return {substitute(k, collected): substitute(v, collected) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, collected) for v in value]
    if not isinstance(value, str) or "$" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        reached = _walk(collected, whole.group(1), whole.group(2))
        return reached  # the whole value is the reference: even an array replaces it

    def splice(match: re.Match[str]) -> str:
        reached = _walk(collected, match.group(1), match.group(2))
        if isinstance(reached, (dict, list)) or reached is None:
            return match.group(0)  # non-scalars leave the token as it was
        return str(reached).lower() if isinstance(reached, bool) else str(reached)

    return _REFERENCE.sub(splice, value)


def _commands(cmd: Any) -> list[tuple[str, str]]:
    if isinstance(cmd, dict):
        return [(str(k), v) for k, v in cmd.items()]
    if isinstance(cmd, list):
        return [(str(i), v) for i, v in enumerate(cmd)]
    return []


def run_batch(db: sqlite3.Connection, params: dict[str, Any], dispatch: Dispatch) -> Any:
    halt = str(param(params, "halt", "0")).lower() in ("1", "true", "y")
    collected: dict[str, dict[str, Any]] = {
        "result": {},
        "error": {},
        "total": {},
        "next": {},
        "time": {},
    }
    for position, (key, command) in enumerate(_commands(param(params, "cmd"))):
        if not isinstance(command, str):
            continue  # the portal skips non-string commands
        started = time.time()
        try:
            if position >= MAX_COMMANDS:
                raise ApiError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
            method, _, query = command.partition("?")
            method = method.strip().lower().removesuffix(".json")
            if method in REFUSED:
                raise ApiError(
                    405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"
                )
            command_params = substitute(
                php_decode(parse_qsl(query, keep_blank_values=True)), collected
            )
            result, total, next_start = dispatch(db, method, command_params)
        except ApiError as err:
            collected["error"][key] = err.body()
            if halt:
                break
            continue
        collected["result"][key] = result
        if total is not None:
            collected["total"][key] = total
        if next_start is not None:
            collected["next"][key] = next_start
        collected["time"][key] = time_block(started)
    return {
        f"result{'' if kind == 'result' else '_' + kind}": php_section(section)
        for kind, section in collected.items()
    }
