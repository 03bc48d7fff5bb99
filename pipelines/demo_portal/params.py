"""Reads request parameters the way a portal does (rest_util.php getRequestData).

Query string first, then the body on top: PHP bracket syntax for forms (`filter[>ID]=5`,
`select[]=ID`), or a JSON object when the body is `application/json` (invalid JSON → {}).
"""

import json
import re
from typing import Any
from urllib.parse import parse_qsl

_BRACKETS = re.compile(r"\[([^\]]*)\]")


def php_decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """PHP bracket keys to nested values.

    `[("filter[>ID]", "5"), ("select[]", "ID")]` → `{"filter": {">ID": "5"}, "select": ["ID"]}`.
    """
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        path = [head, *_BRACKETS.findall("[" + rest)] if rest else [head]
        node = root
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if part == "":  # `[]` appends, like PHP
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return _lists_from_php_arrays(root)


def _lists_from_php_arrays(node: Any) -> Any:
    """PHP arrays keyed 0..n-1 are lists; json_encode makes the same call."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists_from_php_arrays(v) for k, v in node.items()}
    if node and list(node) == [str(i) for i in range(len(node))]:
        return list(node.values())
    return node


def request_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params = php_decode(parse_qsl(query, keep_blank_values=True))
    if body:
        if content_type.startswith("application/json"):
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = {}
            body_params = decoded if isinstance(decoded, dict) else {}
        else:
            body_params = php_decode(
                parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            )
        params.update(body_params)
    return params


def param(params: dict[str, Any], name: str, default: Any = None) -> Any:
    """Legacy CRM methods accept top-level keys in any case (`filter`, `FILTER`)."""
    for key, value in params.items():
        if key.lower() == name.lower():
            return value
    return default
