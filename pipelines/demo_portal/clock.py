"""The portal's clock and timezone: a real portal talks in its own offset (Moscow, +03:00)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PORTAL_TZ = ZoneInfo("Europe/Moscow")
TODAY = datetime(2025, 4, 17, 12, 0, tzinfo=PORTAL_TZ)


def to_epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def to_portal_iso(epoch: int) -> str:
    """`2025-03-25T10:17:03+03:00`, the form `date('c')` gives on the portal."""
    return datetime.fromtimestamp(epoch, PORTAL_TZ).isoformat()


def parse_filter_moment(value: str) -> int:
    """A date or date-time from a filter; without an offset it is portal-local, as in Bitrix."""
    text = value.strip().replace(" ", "T", 1)
    moment = (
        datetime.fromisoformat(text)
        if "T" in text
        else datetime.combine(date.fromisoformat(text), datetime.min.time())
    )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PORTAL_TZ)
    return to_epoch(moment)
