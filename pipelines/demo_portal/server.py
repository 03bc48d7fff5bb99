"""The HTTP side of the demo portal: webhook and OAuth URL forms, JSON in and out.

`DemoPortal` runs a real HTTP server on 127.0.0.1 in a background thread, so the CLI, tests,
Dagster and the loader's embedded default all talk to it over the network like to a portal.
"""

import json
import logging
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

from . import control
from .envelope import success
from .errors import ApiError, invalid_credentials, method_not_found, no_auth
from .methods import dispatch
from .params import param, request_params

log = logging.getLogger(__name__)
DEFAULT_USER_ID = 1
DEFAULT_SECRET = "demo0webhook0secret"


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
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_demo/"):
            self._control(url, body)
            return
        self.server.portal.count_request()
        try:
            user_id, secret, method = _method_from_path(url.path)
            params = request_params(url.query, body, self.headers.get("Content-Type", ""))
            self.server.portal.authorize(user_id, secret, params)
            with closing(self.server.portal.connect()) as db:
                result, total, next_start = dispatch(db, method, params)
            self._send(200, success(result, started, total, next_start))
        except ApiError as err:
            self._send(err.status, err.body())
        except Exception:
            log.exception("demo portal failed on %s", url.path.rsplit("/", 1)[-1])
            self._send(
                500, {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal error"}
            )

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
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
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
    """A running demo portal over one generated company file."""

    def __init__(
        self,
        db_path: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        user_id: int = DEFAULT_USER_ID,
        secret: str = DEFAULT_SECRET,
        tls: bool = False,
    ):
        self.db_path, self.user_id, self.secret = Path(db_path), str(user_id), secret
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

    def count_request(self) -> None:
        with self._lock:
            self.requests_served += 1

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{'https' if self.certificate else 'http'}://{host}:{port}"

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
            if token != self.secret:
                raise ApiError(401, "invalid_token", "The access token provided is invalid.")
        elif user_id != self.user_id or secret != self.secret:
            raise invalid_credentials()

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
    cert, key = folder / f"tls-{host}.pem", folder / f"tls-{host}.key"
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
                f"subjectAltName=IP:{host}",
            ],
            check=True,
            capture_output=True,
        )
    return cert
