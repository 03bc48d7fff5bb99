"""A small Bitrix24 REST client: one call, and the two ways to read a whole list.

Errors name the method and the cause in one line and never carry the webhook secret.
Transport retries (5xx, 503 QUERY_LIMIT_EXCEEDED, dropped connections) come from dlt's
requests helper, which backs off exponentially.
"""

from collections.abc import Iterator
from typing import Any

from dlt.sources.helpers.requests import Client as RetryingHttp
from requests import RequestException, Response

from pipelines.config import redact

PAGE_SIZE = 50


class Bitrix24Error(Exception):
    """A portal refused a call, or answered with something that is not the REST envelope."""


class Bitrix24Client:
    def __init__(self, webhook_url: str, timeout: float = 60, max_attempts: int = 6):
        if not webhook_url.startswith(("http://", "https://")) or "/rest/" not in webhook_url:
            raise Bitrix24Error(
                f"Not a Bitrix24 webhook URL: {redact(webhook_url)!r} "
                "(expected https://PORTAL/rest/USER_ID/SECRET/)"
            )
        self.base = webhook_url.rstrip("/") + "/"
        self.requests_made = 0
        self._http = RetryingHttp(
            request_timeout=timeout, request_max_attempts=max_attempts, raise_for_status=False
        ).session

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST one method with a JSON body and return the whole envelope."""
        self.requests_made += 1
        try:
            response = self._http.post(self.base + method, json=params or {})
        except RequestException as err:
            raise Bitrix24Error(
                f"{method}: portal unreachable at {redact(self.base)} ({type(err).__name__})"
            ) from None
        return _envelope(method, response)

    def scan(
        self, method: str, params: dict[str, Any] | None = None, id_field: str = "ID"
    ) -> Iterator[list[dict[str, Any]]]:
        """Every row of a list, by keyset pages: `order ID ASC`, `>ID`, `start=-1`.

        Offset pages skip and repeat rows while the portal changes under them, and make the
        portal count `total` on every call; a keyset page does neither.
        """
        params = dict(params or {})
        base_filter = dict(params.pop("filter", {}))
        last_id = 0
        while True:
            page = self.call(
                method,
                {
                    **params,
                    "order": {id_field: "ASC"},
                    "filter": {**base_filter, f">{id_field}": last_id},
                    "start": -1,
                },
            )["result"]
            if page:
                yield page
            if len(page) < PAGE_SIZE:
                return
            last_id = int(page[-1][id_field])

    def pages(
        self, method: str, params: dict[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Every row of a small list by `start`/`next` (for methods with no ID order)."""
        start: int | None = 0
        while start is not None:
            body = self.call(method, {**(params or {}), "start": start})
            if body["result"]:
                yield body["result"]
            start = body.get("next")


def _envelope(method: str, response: Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "unknown content")
        raise Bitrix24Error(
            f"{method}: HTTP {response.status_code}, not JSON ({kind}); "
            "is the webhook URL a Bitrix24 portal?"
        ) from None
    if not isinstance(body, dict):
        raise Bitrix24Error(f"{method}: unexpected answer {type(body).__name__}, not an object")
    if "error" in body:
        code = body.get("error") or f"HTTP {response.status_code}"
        raise Bitrix24Error(f"{method}: {code}: {body.get('error_description', '')}".rstrip(": "))
    if "result" not in body:
        raise Bitrix24Error(f"{method}: answer has no 'result'")
    return body
