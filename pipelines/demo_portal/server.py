"""The HTTP side of the demo portal: webhook and OAuth URL forms, JSON in and out.

`DemoPortal` runs a real HTTP server on 127.0.0.1 in a background thread, so the CLI, tests,
Dagster and the loader's embedded default all talk to it over the network like to a portal.
Optional, as on a real portal: a rate limit, an operating-time limit, server cost, and faults.
"""

import json
import logging
import random
import sqlite3
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

from . import control, timeline
from .batch import run_batch
from .envelope import success
from .errors import ApiError, invalid_credentials, method_not_found, no_auth
from .faults import Faults
from .limits import PLANS, LeakyBucket, Meter, OperatingBudget
from .methods import SCOPES, dispatch, scope_of
from .oauth import ACCESS_TOKEN_SECONDS, TokenIssuer
from .params import param, request_params

log = logging.getLogger(__name__)
DEFAULT_USER_ID = 1
DEFAULT_SECRET = "demo0webhook0secret"
HTML_ERROR = (
    b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1><p>nginx</p></body></html>"
)


def _method_from_path(path: str) -> tuple[str | None, str | None, str]:
    """`/rest/1/s3cr3t/crm.deal.list.json` → ("1", "s3cr3t", "crm.deal.list"); OAuth has no ids."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] != "rest" or len(parts) not in (2, 4):
        raise method_not_found()
    method = parts[-1].lower().removesuffix(".json")
    if len(parts) == 4:
        return parts[1], parts[2], method
    return None, None, method


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        started = time.time()
        portal = self.server.portal
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_demo/"):
            self._control(url, body)
            return
        if url.path.rstrip("/") == "/oauth/token":  # the authorization server's part
            self._token_grant(url, body)
            return
        portal.count_request()
        if portal.faults and self._fault(portal.faults.draw(), url):
            return
        try:
            if portal.bucket:
                portal.bucket.admit()
            user_id, secret, method = _method_from_path(url.path)
            params = request_params(url.query, body, self.headers.get("Content-Type", ""))
            portal.authorize(user_id, secret, params)
            with closing(portal.connect()) as db:
                if method == "batch":
                    result, total, next_start = run_batch(db, params, portal.call), None, None
                    processing = None
                else:
                    (result, total, next_start), processing = portal.call_metered(
                        db, method, params
                    )
            self._send(
                200,
                success(
                    result, started, total, next_start, processing, portal.operating_report(method)
                ),
            )
        except ApiError as err:
            self._send(err.status, err.body())
        except ConnectionError:
            # the client gave up waiting (a timeout on a slow, costly call): nobody to answer
            log.info("client hung up before %s was answered", url.path.rsplit("/", 1)[-1])
            self.close_connection = True
        except Exception:
            log.exception("demo portal failed on %s", url.path.rsplit("/", 1)[-1])
            self._send(
                500, {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal error"}
            )

    def _fault(self, kind: str | None, url: SplitResult) -> bool:
        """Answer with an injected fault; True when the request is done with."""
        if kind == "slow":
            time.sleep(self.server.portal.faults.slow_seconds)
            return False
        if kind == "drop":
            self.close_connection = True  # no answer at all: the client sees a reset
            return True
        if kind == "5xx":
            if self.server.portal.faults.pick(["503", "500"]) == "503":
                self._send(
                    503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
                )
            else:
                self._send(
                    500, {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal error"}
                )
            return True
        if kind == "html":
            self._send_bytes(500, HTML_ERROR, "text/html; charset=utf-8")
            return True
        if kind == "move" and not self.headers.get("Host", "").startswith("localhost"):
            port = self.server.server_address[1]
            self.send_response(302)
            self.send_header(
                "Location", f"{self.server.portal.scheme}://localhost:{port}{self.path}"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        return False

    def _token_grant(self, url: SplitResult, body: bytes) -> None:
        portal = self.server.portal
        params = request_params(url.query, body, self.headers.get("Content-Type", ""))
        try:
            endpoint = f"{portal.base_url}/rest/"
            self._send(200, portal.tokens.grant(params, endpoint, portal.access_token_seconds))
        except ApiError as err:
            self._send(err.status, err.body())

    def _control(self, url: SplitResult, body: bytes) -> None:
        """The demo's own test interface (control.py), not part of the Bitrix24 API."""
        try:
            payload = json.loads(body) if body else {}
            query = dict(parse_qsl(url.query))
            self._send(
                200,
                control.handle(
                    self.server.portal,
                    self.command,
                    url.path,
                    query,
                    payload if isinstance(payload, dict) else {},
                ),
            )
        except ApiError as err:
            self._send(err.status, err.body())
        except ValueError as err:
            self._send(400, {"error": "INVALID_REQUEST", "error_description": str(err)})
        except Exception:
            log.exception("demo control route %s failed", url.path)
            self._send(500, {"error": "INTERNAL_SERVER_ERROR", "error_description": "see log"})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self._send_bytes(status, data, "application/json; charset=utf-8")

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # The default writes the request line, which holds the webhook secret.
        log.debug("%s %s", self.command, self.path.split("/rest/")[-1].split("/")[-1])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    portal: "DemoPortal"


class DemoPortal:
    """A running demo portal over one generated company file.

    rate_limit: "off", "standard" (2 req/s, burst 50) or "enterprise" (5/250).
    cost_scale: how much of the modelled server cost to really spend (0 in tests, 1 real).
    operating_limit: processing seconds per method per 10 minutes before 429 (None: off);
        tests shorten the ten one-minute buckets with operating_bucket_seconds.
    faults: a Faults spec string (see faults.py) or None.
    scopes: what the webhook was given (default all: crm, user, department, telephony,
        imopenlines); a method outside them answers 401 insufficient_scope.
    """

    def __init__(
        self,
        db_path: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        user_id: int = DEFAULT_USER_ID,
        secret: str = DEFAULT_SECRET,
        tls: bool = False,
        rate_limit: str = "off",
        cost_scale: float = 0.0,
        operating_limit: float | None = None,
        operating_bucket_seconds: int = 60,
        report_operating: bool = False,
        faults: str | None = None,
        seed: int = 0,
        scopes: list[str] | None = None,
    ):
        self.db_path, self.user_id, self.secret = Path(db_path), str(user_id), secret
        if rate_limit not in ("off", *PLANS):
            raise ValueError(f"rate_limit must be off, {' or '.join(PLANS)}; got {rate_limit!r}")
        self.bucket = LeakyBucket(PLANS[rate_limit]) if rate_limit != "off" else None
        self.cost_scale = cost_scale
        self.operating = (
            OperatingBudget(operating_limit, bucket_seconds=operating_bucket_seconds)
            if operating_limit
            else None
        )
        self.report_operating = report_operating
        self.scopes = set(SCOPES if scopes is None else scopes)
        unknown = self.scopes - set(SCOPES)
        if unknown:
            raise ValueError(f"unknown scopes {sorted(unknown)}; known: {', '.join(SCOPES)}")
        self.tokens = TokenIssuer()
        self.access_token_seconds: float = ACCESS_TOKEN_SECONDS  # tests shorten it
        self.faults = Faults.parse(faults, seed)
        self._edit_rng = random.Random(seed)
        self._server = _Server((host, port), _Handler)
        self._server.portal = self
        self.certificate: Path | None = None
        if tls:  # for clients that only speak https (b24pysdk hard-codes it)
            self.certificate = tls_certificate(self.db_path.parent, host)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.certificate, self.certificate.with_suffix(".key"))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.requests_served = 0  # every HTTP request, as a portal's rate limiter counts them
        self.processing_charged = 0.0  # modelled server seconds spent, after cost_scale
        self.rows_served = 0  # list rows answered, batch commands included

    def count_request(self) -> None:
        with self._lock:
            self.requests_served += 1

    @property
    def scheme(self) -> str:
        return "https" if self.certificate else "http"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def domain(self) -> str:
        """`host:port`, what SDKs that build the URL themselves take as the portal domain."""
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/rest/{self.user_id}/{self.secret}/"

    def authorize(self, user_id: str | None, secret: str | None, params: dict[str, Any]) -> None:
        if user_id is None:  # OAuth form: the access token travels as `auth`
            token = param(params, "auth")
            if not token:
                raise no_auth()
            if token != self.secret:  # the webhook secret also works as `auth`
                self.tokens.check(token)
        elif user_id != self.user_id or secret != self.secret:
            raise invalid_credentials()

    def issue_token(self, expires_in: float = ACCESS_TOKEN_SECONDS) -> str:
        """An OAuth access token for `/rest/<method>?auth=...` (lives 1 h on a real portal)."""
        return self.tokens.issue(expires_in)["access_token"]

    def call_metered(
        self, db: sqlite3.Connection, method: str, params: dict[str, Any]
    ) -> tuple[tuple[Any, Any, Any], float]:
        """One method call as the portal runs it: budget check, work, cost spent and booked."""
        needed = scope_of(method)
        if needed and needed not in self.scopes:
            raise ApiError(
                401,
                "insufficient_scope",
                "The request requires higher privileges than provided by the webhook token",
            )
        if method == "scope":  # the portal answers with what this webhook was given
            return (sorted(self.scopes), None, None), 0.0
        if self.operating:
            self.operating.check(method)
        if self.faults.happens("edits") and method.endswith(".list"):
            with self.writing() as writer:
                timeline.random_edit(writer, self._edit_rng)
        with Meter() as meter:
            reply = dispatch(db, method, params)
        spent = meter.seconds * self.cost_scale
        if spent:
            time.sleep(spent)
        listed = reply[0].get("items") if isinstance(reply[0], dict) else reply[0]
        with self._lock:
            self.processing_charged += spent
            self.rows_served += len(listed) if isinstance(listed, list) else 0
        if self.operating:
            self.operating.spend(method, spent)
        return reply, spent

    def call(self, db: sqlite3.Connection, method: str, params: dict[str, Any]) -> Any:
        """A batch command: each is metered and budgeted like a call of its own."""
        return self.call_metered(db, method, params)[0]

    def operating_report(self, method: str) -> tuple[float, int] | None:
        if not (self.report_operating and self.operating):
            return None
        return self.operating.used(method), self.operating.reset_at(method)

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time (the clock, injected edits); readers go on, thanks to WAL."""
        with self._write_lock, closing(sqlite3.connect(self.db_path, timeout=30)) as db:
            yield db
            db.commit()

    def start(self) -> "DemoPortal":
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name="demo-portal"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join()

    def __enter__(self) -> "DemoPortal":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tls_certificate(folder: Path, host: str) -> Path:
    """A self-signed certificate for `host`, made once with Debian's openssl and reused.

    Point clients at it with REQUESTS_CA_BUNDLE (requests) or `ssl.create_default_context`.
    """
    cert, key = folder / f"tls-{host}-v2.pem", folder / f"tls-{host}-v2.key"
    if not (cert.exists() and key.exists()):
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "3650",
                "-subj",
                f"/CN={host}",
                "-addext",
                f"subjectAltName=IP:{host},DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )
    return cert
