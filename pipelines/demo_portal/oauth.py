"""OAuth as a Bitrix24 application sees it (bitrix24-rest-api.md, "OAuth and dates").

Access tokens live an hour and travel as `auth`; the authorization server
(oauth.bitrix.info, here `/oauth/token/` on the demo portal itself) trades a refresh token
for a new pair, and the old refresh token stops working: refresh tokens rotate.
"""

import secrets
import threading
import time
from typing import Any

from .errors import ApiError

# The demo portal's one installed application.
CLIENT_ID = "local.demo0app.000001"
CLIENT_SECRET = "demo0app0client0secret"
ACCESS_TOKEN_SECONDS = 3600


class TokenIssuer:
    def __init__(self) -> None:
        self.access: dict[str, float] = {}  # token → expiry (unix time)
        self.refresh: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, expires_in: float = ACCESS_TOKEN_SECONDS) -> dict[str, Any]:
        """A new access/refresh pair, as the app receives it at installation."""
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        with self._lock:
            self.access[access] = time.time() + expires_in
            self.refresh.add(refresh)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": expires_in,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }

    def check(self, token: str) -> None:
        expires_at = self.access.get(token)
        if expires_at is None:
            raise ApiError(401, "invalid_token", "The access token provided is invalid.")
        if expires_at <= time.time():
            raise ApiError(401, "expired_token", "The access token provided has expired.")

    def grant(self, params: dict[str, Any], endpoint: str, expires_in: float) -> dict[str, Any]:
        """`/oauth/token/?grant_type=refresh_token&client_id&client_secret&refresh_token`."""
        if params.get("grant_type") != "refresh_token":
            raise ApiError(400, "unsupported_grant_type", "Only refresh_token is supported")
        if params.get("client_id") != CLIENT_ID or params.get("client_secret") != CLIENT_SECRET:
            raise ApiError(401, "invalid_client", "Invalid client credentials")
        with self._lock:
            if params.get("refresh_token") not in self.refresh:
                raise ApiError(400, "invalid_grant", "Invalid refresh token")
            self.refresh.discard(params["refresh_token"])
        pair = self.issue(expires_in)
        del pair["client_id"], pair["client_secret"]
        return {**pair, "client_endpoint": endpoint, "server_endpoint": endpoint}
