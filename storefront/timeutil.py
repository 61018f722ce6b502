"""Clock helpers: every stored timestamp is timezone-aware UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHOP_TIMEZONE = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    """The current moment in UTC (evaluated per call, never at import)."""
    return datetime.now(UTC)


def shop_today() -> date:
    """Today's date in Palembang (WIB), the day agreements and best-before are counted in."""
    return datetime.now(SHOP_TIMEZONE).date()


def in_shop_time(moment: datetime) -> datetime:
    """``moment`` on Palembang's clock; a naive value (as SQLite returns) is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHOP_TIMEZONE)
