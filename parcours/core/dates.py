"""Month arithmetic, in one place: the month of a day, its last day, the next one, the same
day some months later, the months of a period. Plain dates, no time zone."""

import datetime
from collections.abc import Iterator

DAY = datetime.timedelta(days=1)


def month_of(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + 4 * DAY).replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    return next_month(day) - DAY


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (earlier when negative), or the month's last day when
    it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The first day of each month from ``first``'s to ``last``'s, in order."""
    month = month_of(first)
    while month <= last:
        yield month
        month = next_month(month)
