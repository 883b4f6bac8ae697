"""The Activité bar chart, as geometry for an SVG: pure, tested without a database.

Per day, two bars side by side: the participants so far and the results received so far
(cumulated, as Pix's line chart). Days without activity between the first and the last one
are drawn too, so the time axis is even; only a few of them are labelled."""

import datetime
import math
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 240
LEFT = 40  # room for the axis values
BOTTOM = 24  # room for the dates
TOP = 8
# Beyond this many labelled days the dates would overlap.
MAX_DATE_LABELS = 8


@dataclass(frozen=True, slots=True)
class Bar:
    day: datetime.date
    total: int
    shared: int
    x: float
    shared_x: float
    width: float
    total_y: float
    total_height: float
    shared_y: float
    shared_height: float
    labelled: bool


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    value_x: int
    baseline: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    first_day: datetime.date
    last_day: datetime.date
    total: int
    shared: int


def tick_step(top: int) -> int:
    """1, 2, 5, 10, 20, 50… the smallest giving at most five steps up to `top`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if math.ceil(top / (step * factor)) <= 5:
                return step * factor
        step *= 10


def every_day(days: list[dict]) -> list[dict]:
    """The cumulated rows of `activity_by_day`, with the quiet days in between filled in."""
    if not days:
        return []
    known = {row["day"]: row for row in days}
    filled, previous = [], {"total": 0, "shared": 0}
    day, last = days[0]["day"], days[-1]["day"]
    while day <= last:
        previous = known.get(day, {"day": day, "total": previous["total"], "shared": previous["shared"]})
        filled.append(previous)
        day += datetime.timedelta(days=1)
    return filled


def bar_chart(days: list[dict], *, width: int = WIDTH, height: int = HEIGHT) -> Chart | None:
    rows = every_day(days)
    if not rows:
        return None
    highest = max(row["total"] for row in rows) or 1
    step = tick_step(highest)
    top = math.ceil(highest / step) * step
    baseline = height - BOTTOM
    scale = (baseline - TOP) / top
    slot = (width - LEFT) / len(rows)
    bar_width = slot * 0.4
    label_every = math.ceil(len(rows) / MAX_DATE_LABELS)
    bars = []
    for index, row in enumerate(rows):
        x = LEFT + index * slot + slot * 0.1
        total_height, shared_height = row["total"] * scale, row["shared"] * scale
        bars.append(Bar(
            day=row["day"], total=row["total"], shared=row["shared"], x=round(x, 2),
            shared_x=round(x + bar_width, 2), width=round(bar_width, 2),
            total_y=round(baseline - total_height, 2), total_height=round(total_height, 2),
            shared_y=round(baseline - shared_height, 2), shared_height=round(shared_height, 2),
            labelled=index % label_every == 0,
        ))
    ticks = tuple(Tick(value=value, y=round(baseline - value * scale, 2)) for value in range(0, top + 1, step))
    return Chart(
        width=width, height=height, left=LEFT, value_x=LEFT - 6, baseline=baseline, bars=tuple(bars), ticks=ticks,
        first_day=rows[0]["day"], last_day=rows[-1]["day"], total=rows[-1]["total"], shared=rows[-1]["shared"],
    )
