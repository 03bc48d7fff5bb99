"""OAuth for a Bitrix24 application: an access token that lives an hour, renewed with a
refresh token that changes on every renewal.

The newest refresh token is kept in a file only its owner can read (WAREHOUSE_DIR/oauth/),
because the one in the environment stops working after its first use. Tokens travel in
request bodies only, never in URLs, logs or errors.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import requests

from pipelines import config

DEFAULT_TOKEN_SERVER = "https://oauth.bitrix.info/oauth/token/"


class OAuthError(Exception):
    """The authorization server refused to renew the tokens."""


@dataclass
class OAuthApp:
    endpoint: str  # the portal's REST endpoint, https://PORTAL/rest/
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    token_server: str = DEFAULT_TOKEN_SERVER
    store: Path | None = None  # where the newest refresh token is kept between runs
    access_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls) -> "OAuthApp | None":
        """BITRIX24_CLIENT_ENDPOINT, _CLIENT_ID, _CLIENT_SECRET and _REFRESH_TOKEN (the
        first one; later ones come from the store); BITRIX24_OAUTH_SERVER to override."""
        env = os.environ
        if not env.get("BITRIX24_CLIENT_ENDPOINT"):
            return None
        missing = [
            name
            for name in ("BITRIX24_CLIENT_ID", "BITRIX24_CLIENT_SECRET", "BITRIX24_REFRESH_TOKEN")
            if not env.get(name)
        ]
        if missing:
            raise OAuthError(f"BITRIX24_CLIENT_ENDPOINT is set but not {', '.join(missing)}")
        store = config.warehouse_dir() / "oauth" / f"{env['BITRIX24_CLIENT_ID']}.json"
        stored = json.loads(store.read_text()) if store.exists() else {}
        return cls(
            endpoint=env["BITRIX24_CLIENT_ENDPOINT"],
            client_id=env["BITRIX24_CLIENT_ID"],
            client_secret=env["BITRIX24_CLIENT_SECRET"],
            refresh_token=stored.get("refresh_token") or env["BITRIX24_REFRESH_TOKEN"],
            token_server=env.get("BITRIX24_OAUTH_SERVER") or DEFAULT_TOKEN_SERVER,
            store=store,
        )

    def renew(self, http: requests.Session, timeout: float = 30) -> str:
        """Trade the refresh token for a new pair; keep the new refresh token at once."""
        try:
            answer = http.get(
                self.token_server,
                params={
                    "grant_type": "refresh_token",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "refresh_token": self.refresh_token,
                },
                timeout=timeout,
            )
            body = answer.json()
        except (requests.RequestException, ValueError) as err:
            raise OAuthError(
                f"token server unreachable or not JSON ({type(err).__name__})"
            ) from None
        if "access_token" not in body:
            raise OAuthError(
                f"token renewal refused: {body.get('error', answer.status_code)}: "
                f"{body.get('error_description', '')}; install the app again for a new "
                "refresh token"
            )
        self.access_token, self.refresh_token = body["access_token"], body["refresh_token"]
        if self.store:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.store, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump({"refresh_token": self.refresh_token}, out)
        return self.access_token
