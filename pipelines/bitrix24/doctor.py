"""`bitrix24-doctor`: is the configured portal ready to load? One line per problem, and how
to fix it; exit 0 when everything is in place.

    BITRIX24_WEBHOOK_URL=https://acme.bitrix24.ru/rest/1/xxxx/ bitrix24-doctor
"""

import sys

from pipelines import config

from .client import Bitrix24Client, Bitrix24Error

# scope → what the extractor reads with it
REQUIRED_SCOPES = {
    "crm": "deals, leads, contacts, companies, activities, stage history, statuses",
    "user": "users (managers, dismissed ones included)",
    "department": "departments",
    "telephony": "call statistics",
    "imopenlines": "open-line conversations",
}
WHERE_TO_FIX = "Developer resources → Other → Inbound webhook → permissions"


def check(webhook_url: str) -> list[str]:
    """Problems found, each a line saying what is wrong and what to do."""
    try:
        client = Bitrix24Client(webhook_url, max_attempts=2)
        granted = set(client.call("scope")["result"])
        client.call("server.time")
    except Bitrix24Error as err:
        return [f"cannot use the portal: {err}"]
    return [
        f"missing scope '{scope}' (needed for {needed}): add it in {WHERE_TO_FIX}"
        for scope, needed in REQUIRED_SCOPES.items()
        if scope not in granted
    ]


def main() -> int:
    url = config.webhook_url()
    if not url:
        print(
            "BITRIX24_WEBHOOK_URL is not set: loads use the bundled demo portal. Set it to "
            "your portal's inbound webhook to check a real portal."
        )
        return 0
    problems = check(url)
    for problem in problems:
        print(f"PROBLEM {problem}")
    if not problems:
        print(
            f"OK {config.redact(url)}: reachable, credentials accepted, scopes "
            f"{', '.join(REQUIRED_SCOPES)} granted"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
