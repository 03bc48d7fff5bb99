"""A small Bitrix24 REST client: one call, and the two ways to read a whole list.

Errors name the method and the cause in one line and never carry the webhook secret.
Transport retries (5xx, 503 QUERY_LIMIT_EXCEEDED, dropped connections) come from dlt's
requests helper, which backs off exponentially.
"""

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from dlt.sources.helpers.requests import Client as RetryingHttp
from dlt.sources.helpers.requests.retry import DEFAULT_RETRY_STATUS
from requests import RequestException, Response
from requests.adapters import HTTPAdapter

from pipelines.config import redact

from .oauth import OAuthApp, OAuthError
from .pacing import Pacer

PAGE_SIZE = 50
OPERATING_RETRIES = 4
MAX_OPERATING_WAIT = 600  # the limit's window is 10 minutes
BATCH_SIZE = 50  # commands per batch, the portal's maximum


class Bitrix24Error(Exception):
    """A portal refused a call, or answered with something that is not the REST envelope."""


class Bitrix24Client:
    def __init__(
        self,
        webhook_url: str,
        timeout: float = 60,
        max_attempts: int = 6,
        plan: str | None = "standard",
        oauth: OAuthApp | None = None,
    ):
        """`webhook_url` is an inbound webhook, or with `oauth` the app's REST endpoint
        (https://PORTAL/rest/). `plan` paces requests to the portal's rate limit (None: no
        pacing)."""
        if not webhook_url.startswith(("http://", "https://")) or "/rest/" not in webhook_url:
            raise Bitrix24Error(
                f"Not a Bitrix24 webhook URL: {redact(webhook_url)!r} "
                "(expected https://PORTAL/rest/USER_ID/SECRET/)"
            )
        self.base = webhook_url.rstrip("/") + "/"
        self.oauth = oauth
        self.requests_made = 0
        # Per list read (`tally`), for the extraction audit: calls made, and the retries
        # beneath them that the caller never saw.
        self.requests: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()
        self._portal_time: str | None = None
        self.pacer = Pacer(plan) if plan else None
        self.operating_waited = 0.0  # seconds spent blocked by the operating-time limit
        # 429 is not retried blindly: OPERATION_TIME_LIMIT says when it lifts (see call).
        self._http = RetryingHttp(
            request_timeout=timeout,
            request_max_attempts=max_attempts,
            raise_for_status=False,
            status_codes=[code for code in DEFAULT_RETRY_STATUS if code != 429],
        ).session
        self._attempts = _CountingAdapter()
        self._http.mount("http://", self._attempts)
        self._http.mount("https://", self._attempts)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        about: str | None = None,
        tally: str | None = None,
    ) -> dict[str, Any]:
        """POST one method with a JSON body and return the whole envelope.

        Errors name `about` (default: the method), e.g. the list a `batch` was reading;
        requests and retries are counted under `tally` (default: `about`).
        """
        about = about or method
        tally = tally or about
        for _ in range(OPERATING_RETRIES):
            if self.pacer:
                self.pacer.wait()
            self.requests_made += 1
            self.requests[tally] += 1
            body = self._authorized(params)
            attempts_before = self._attempts.count
            try:
                response = self._http.post(self.base + method, json=body)
            except RequestException as err:
                raise Bitrix24Error(
                    f"{about}: portal unreachable at {redact(self.base)} ({type(err).__name__})"
                ) from None
            finally:
                self.retries[tally] += max(self._attempts.count - attempts_before - 1, 0)
            if self.oauth and _error_code(response) == "expired_token":
                self._renew(about)  # an access token lives an hour; then ask again
                continue
            reset_at = _operating_reset_at(response)
            if reset_at is None:
                return _envelope(about, response)
            self._wait_operating({"time": {"operating_reset_at": reset_at}})
        return _envelope(about, response)

    def _wait_operating(self, error: dict[str, Any]) -> None:
        """The method spent its processing budget: wait for the oldest minute to expire, at
        `operating_reset_at` when the portal names it (some installs do not: a minute)."""
        reset_at = (error.get("time") or {}).get("operating_reset_at") or time.time() + 60
        pause = min(max(float(reset_at) - time.time(), 0) + 1, MAX_OPERATING_WAIT)
        time.sleep(pause)
        self.operating_waited += pause

    def _authorized(self, params: dict[str, Any] | None) -> dict[str, Any]:
        if not self.oauth:
            return params or {}
        if not self.oauth.access_token:
            self._renew("OAuth")
        return {**(params or {}), "auth": self.oauth.access_token}

    def _renew(self, about: str) -> None:
        try:
            self.oauth.renew(self._http)
        except OAuthError as err:
            raise Bitrix24Error(f"{about}: {err}") from None

    def scan(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        id_field: str = "ID",
        wrapper: str | None = None,
        start_after: int = 0,
        sort_strings: bool = False,
        tally: str | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Every row of a list after `start_after`, 2,500 rows per HTTP request.

        One `batch` carries 50 keyset pages (`order ID ASC`, `>ID`, `start=-1`); page k takes
        its `>ID` from page k-1's 50th row through a `$result[...]` reference. Offset pages
        skip and repeat rows while the portal changes under them and make it count `total`
        every time; keyset pages do neither. `wrapper` names the key the rows sit under
        (`items` for crm.stagehistory.list); `sort_strings` is for methods that take
        `SORT`/`ORDER` strings and `FILTER` (voximplant.statistic.get).
        """
        params = dict(params or {})
        base_filter = dict(params.pop("filter", {}))
        last_id, waits = start_after, 0
        while True:
            commands = {}
            for k in range(BATCH_SIZE):
                after = str(last_id) if k == 0 else _last_id_of(f"p{k - 1}", wrapper, id_field)
                keyset = {**base_filter, f">{id_field}": after}
                if sort_strings:
                    query = {**params, "SORT": id_field, "ORDER": "ASC", "FILTER": keyset}
                else:
                    query = {**params, "order": {id_field: "ASC"}, "filter": keyset}
                query["start"] = -1
                commands[f"p{k}"] = f"{method}?{php_query(query)}"
            batch = {"halt": 1, "cmd": commands}
            body = self.call("batch", batch, about=method, tally=tally)["result"]
            # PHP sends an empty section as [] instead of {}
            results, errors = _as_map(body.get("result")), _as_map(body.get("result_error"))
            for k in range(BATCH_SIZE):
                key = f"p{k}"
                page = results.get(key)
                if page is None:
                    error = errors.get(key) or {}
                    if error.get("error") == "OPERATION_TIME_LIMIT" and waits < OPERATING_RETRIES:
                        # The list's processing budget ran out mid-batch: the pages before
                        # this one are read; wait for the oldest minute to expire, then go
                        # on after the last row received.
                        waits += 1
                        self.retries[tally or method] += 1
                        self._wait_operating(error)
                        break
                    raise Bitrix24Error(
                        f"{method}: {error.get('error') or 'batch failed'}: "
                        f"{error.get('error_description', '')}".rstrip(": ")
                    )
                rows = page[wrapper] if wrapper else page
                if rows:
                    yield rows
                if len(rows) < PAGE_SIZE:
                    return  # a short page ends the list; later commands in the batch are void
                last_id = int(rows[-1][id_field])
                waits = 0

    def portal_time(self) -> str:
        """The portal's own clock (`server.time`), asked once per client: the moment this
        run's incremental windows start from."""
        if self._portal_time is None:
            self._portal_time = self.call("server.time")["result"]
        return self._portal_time

    def pages(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        wrapper: str | None = None,
        tally: str | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Every row of a small list by `start`/`next` (for methods with no ID order)."""
        start: int | None = 0
        while start is not None:
            body = self.call(method, {**(params or {}), "start": start}, tally=tally)
            rows = body["result"][wrapper] if wrapper else body["result"]
            if rows:
                yield rows
            start = body.get("next")

    def totals(
        self, lists: dict[str, tuple[str, dict[str, Any]]], tally: str | None = None
    ) -> dict[str, int]:
        """How many rows each named list has, as the portal counts them (`total`), in one
        batch. Counting costs the portal time in proportion to the rows, so ask rarely."""
        commands = {
            name: f"{method}?{php_query({**params, 'start': 0})}"
            for name, (method, params) in lists.items()
        }
        body = self.call("batch", {"halt": 0, "cmd": commands}, about="totals", tally=tally)
        counted, errors = _as_map(body["result"].get("result_total")), body["result"]
        missing = sorted(set(lists) - set(counted))
        if missing:
            causes = _as_map(errors.get("result_error"))
            raise Bitrix24Error(
                "totals: no count for "
                + ", ".join(
                    f"{n} ({(causes.get(n) or {}).get('error', 'no total')})" for n in missing
                )
            )
        return {name: int(counted[name]) for name in lists}


class _CountingAdapter(HTTPAdapter):
    """Counts every HTTP attempt, retried ones and dropped connections included."""

    count = 0

    def send(self, *args: Any, **kwargs: Any) -> Response:
        self.count += 1
        return super().send(*args, **kwargs)


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


def php_query(params: dict[str, Any], prefix: str = "") -> str:
    """PHP bracket encoding, as a batch command's query string: `filter%5B%3EID%5D=5`."""
    parts = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            parts.append(php_query(value, name))
        elif isinstance(value, list):
            parts.append(php_query({str(i): v for i, v in enumerate(value)}, name))
        else:
            parts.append(f"{quote(name, safe='')}={quote(str(value), safe='$[]')}")
    return "&".join(p for p in parts if p)


def _last_id_of(command: str, wrapper: str | None, id_field: str) -> str:
    path = f"[{command}]" + (f"[{wrapper}]" if wrapper else "") + f"[{PAGE_SIZE - 1}][{id_field}]"
    return f"$result{path}"


def _error_code(response: Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _operating_reset_at(response: Response) -> float | None:
    """When a 429 OPERATION_TIME_LIMIT lifts (unix time), or None for any other answer."""
    if response.status_code != 429:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if body.get("error") != "OPERATION_TIME_LIMIT":
        return None
    return float((body.get("time") or {}).get("operating_reset_at") or time.time() + 60)


def _as_map(section: Any) -> dict[str, Any]:
    return section if isinstance(section, dict) else {}
