"""Working-day calendars of the demo company.

The pipeline simulation runs on a working-day clock: a time `t` is a float
whose integer part indexes `WorkCalendar.days` (the working days) and whose
fraction is the time within business hours. Mapping that clock to calendar
timestamps is strictly increasing, so events simulated in order stay in order,
and holidays (Chinese New Year, Golden Week) automatically stretch durations.
All timestamps are UTC within 01:00-10:00, i.e. 09:00-18:00 Asia/Shanghai, so
a UTC timestamp's date is also its business date in the company's time zone.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta

from salesops.demo.reference import CHINESE_NEW_YEAR

WORK_START_SEC = 3600  # 01:00 UTC = 09:00 Asia/Shanghai
WORK_SECONDS = 9 * 3600


def _cny(year: int) -> date:
    return CHINESE_NEW_YEAR.get(year, date(year, 2, 5))


def _non_working(kind: str, d: date) -> bool:
    if d.weekday() >= 5:
        return True
    if kind == "CN":
        cny = _cny(d.year)
        if cny - timedelta(days=1) <= d <= cny + timedelta(days=6):
            return True
        if (d.month == 10 and d.day <= 7) or (d.month == 5 and d.day <= 3) or (d.month == 1 and d.day == 1):
            return True
    else:
        if (d.month == 12 and d.day >= 24) or (d.month == 1 and d.day == 1):
            return True
    return False


def _activity(kind: str, d: date) -> float:
    """Relative business activity on a working day (quiet weeks around holidays)."""
    w = 1.0
    if kind == "CN":
        cny = _cny(d.year)
        delta = (d - cny).days
        if -12 <= delta <= -2:
            w *= 0.65  # people leave early for the Spring Festival
        elif 7 <= delta <= 16:
            w *= 0.55  # slow restart after the holiday
        if d.month == 2 and w == 1.0:
            w *= 0.85
    else:
        if d.month == 8:
            w *= 0.8
        if d.month == 12 and d.day >= 15:
            w *= 0.6
    return w


class WorkCalendar:
    """Working days of one calendar ("CN" or "INTL") between first and last."""

    def __init__(self, kind: str, first: date, last: date) -> None:
        self.kind = kind
        self.first_ordinal = first.toordinal()
        n = (last - first).days + 1
        self.days: list[int] = []  # ordinals of working days
        self.weight: list[float] = []  # per calendar day (offset from first): creation / activity weight
        self._next_index: list[int] = []  # per calendar day: index of the first working day >= that day
        for i in range(n):
            d = first + timedelta(days=i)
            self._next_index.append(len(self.days))
            if _non_working(kind, d):
                self.weight.append(0.02 if d.weekday() >= 5 else 0.01)
            else:
                self.days.append(d.toordinal())
                self.weight.append(_activity(kind, d))

    def index_on_or_after(self, ordinal: int) -> int:
        return self._next_index[ordinal - self.first_ordinal]

    def index_on_or_before(self, ordinal: int) -> int:
        i = self._next_index[ordinal - self.first_ordinal]
        return i if i < len(self.days) and self.days[i] == ordinal else i - 1

    def ordinal(self, t: float) -> int:
        return self.days[int(t)]

    def stamp(self, t: float) -> tuple[int, int]:
        """(day ordinal, second of day UTC) of working-day time t."""
        k = int(t)
        return self.days[k], WORK_START_SEC + int((t - k) * WORK_SECONDS)

    def quarter_end_window(self, t: float, n_days: int) -> tuple[int, int]:
        """Working-day index range [lo, hi] of the last n_days working days of t's calendar quarter."""
        d = date.fromordinal(self.days[int(t)])
        q_last_month = (d.month - 1) // 3 * 3 + 3
        q_end = (date(d.year + (q_last_month == 12), 1 if q_last_month == 12 else q_last_month + 1, 1)
                 - timedelta(days=1))
        hi = self.index_on_or_before(q_end.toordinal())
        return hi - n_days + 1, hi

    def index_of_first_after(self, ordinal: int) -> int:
        """Index of the first working day strictly after `ordinal`."""
        return bisect_left(self.days, ordinal + 1)
