"""An OAuth app loads like a webhook does: the access token is renewed as it expires, and the
refresh token, which changes on every renewal, is kept for the next run."""

import stat
import subprocess
import sys

import duckdb
import pytest
import requests

from pipelines import config
from pipelines.bitrix24.load import run


@pytest.fixture
def installed_app(start_portal, tmp_path, monkeypatch):
    """A demo portal with the app installed; its tokens in the environment, as a user sets them."""
    portal = start_portal()
    portal.access_token_seconds = 3  # expire during the load, again and again
    tokens = requests.post(
        f"{portal.base_url}/_demo/oauth/token", json={"expires_in": 3}, timeout=10
    ).json()
    monkeypatch.delenv("BITRIX24_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("BITRIX24_PORTAL_ID", config.DEMO_PORTAL_ID)
    monkeypatch.setenv("BITRIX24_CLIENT_ENDPOINT", f"{portal.base_url}/rest/")
    monkeypatch.setenv("BITRIX24_OAUTH_SERVER", f"{portal.base_url}/oauth/token/")
    monkeypatch.setenv("BITRIX24_CLIENT_ID", tokens["client_id"])
    monkeypatch.setenv("BITRIX24_CLIENT_SECRET", tokens["client_secret"])
    monkeypatch.setenv("BITRIX24_REFRESH_TOKEN", tokens["refresh_token"])
    return portal, tokens


def renew(portal, tokens: dict, refresh_token: str) -> requests.Response:
    return requests.get(
        f"{portal.base_url}/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": tokens["client_id"],
            "client_secret": tokens["client_secret"],
            "refresh_token": refresh_token,
        },
        timeout=10,
    )


def test_a_load_renews_expiring_tokens_and_keeps_the_newest_refresh_token(installed_app):
    portal, tokens = installed_app
    run(progress=None)
    run(progress=None)  # the environment's refresh token is spent: this one uses the kept one

    with duckdb.connect(str(config.warehouse_path()), read_only=True) as db:
        deals = db.execute("select count(*) from raw.deals").fetchone()[0]
        everything = str(db.execute("select * from raw.deals").fetchall())
    portal_deals = requests.post(
        f"{portal.webhook_url}crm.deal.list", json={"start": 0}, timeout=30
    ).json()["total"]
    assert deals == portal_deals

    store = next((config.warehouse_dir() / "oauth").glob("*.json"))
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    kept = store.read_text()
    assert tokens["refresh_token"] not in kept
    assert renew(portal, tokens, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert tokens["client_secret"] not in everything


def test_a_refused_renewal_fails_in_one_line_naming_the_fix(installed_app, monkeypatch):
    monkeypatch.setenv("BITRIX24_CLIENT_SECRET", "wrong0secret")
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.bitrix24.cli"], capture_output=True, text=True
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert "invalid_client" in last and "install the app again" in last
    assert "wrong0secret" not in done.stderr + done.stdout
