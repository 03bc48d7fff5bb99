"""`bitrix24-doctor` says, one line each, what keeps a portal from loading."""

import os
import subprocess
import sys

import pytest

from pipelines.bitrix24.doctor import check
from pipelines.demo_portal.server import DemoPortal


def test_a_ready_portal_has_no_problems(demo_portal):
    assert check(demo_portal.webhook_url) == []


def test_missing_scopes_are_named_with_the_fix(portal_file):
    with DemoPortal(portal_file, scopes=["crm", "user"]) as portal:
        problems = check(portal.webhook_url)
    assert [p.split("'")[1] for p in problems] == ["department", "telephony", "imopenlines"]
    assert all("Inbound webhook" in p for p in problems)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("{base}/rest/1/wrong-secret/", "INVALID_CREDENTIALS"),
        ("http://127.0.0.1:9/rest/1/x/", "portal unreachable"),
        ("acme.bitrix24.ru", "Not a Bitrix24 webhook URL"),
    ],
)
def test_the_command_exits_1_with_one_line_and_no_secret(demo_portal, url, says):
    env = {**os.environ, "BITRIX24_WEBHOOK_URL": url.format(base=demo_portal.base_url)}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.bitrix24.doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    [line] = result.stdout.strip().splitlines()
    assert line.startswith("PROBLEM cannot use the portal") and says in line
    assert "wrong-secret" not in line
