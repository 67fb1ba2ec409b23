"""PNG pictures: a demo's loss curve, a member's stats card. Pure: no discord; matplotlib is
imported on first use. Call them in a thread (asyncio.to_thread): drawing takes tens of ms."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.i18n import _, ngettext, percent
from bot.rendering import shorten

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BLURPLE, GREEN, GREY, RED = "#5865F2", "#3BA55C", "#E3E5E8", "#ED4245"
CALENDAR_WEEKS = 12
LABEL_CHARS = 28  # a bar's label beside the bars
DPI = 100


def figure(width: float, height: float) -> Figure:
    """A figure of its own, not registered with pyplot: thread-safe, freed with the object."""
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in any thread
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI)


def png(fig: Figure, *, tight: bool = True) -> bytes:
    """The figure as PNG bytes; tight=False keeps a canvas laid out by hand at its exact size."""
    if tight:
        fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def loss_curve_png(losses: Sequence[float], title: str) -> bytes:
    """Render per-epoch losses."""

    fig = figure(6, 3.2)
    axes = fig.add_subplot()
    epochs = range(1, len(losses) + 1)
    axes.plot(epochs, losses, marker="o", color=BLURPLE)
    # TRANSLATORS: a chart's axis label: the training epochs (Keras's word).
    axes.set_xlabel(_("epoch"))
    # TRANSLATORS: a chart's axis label: the training loss (Keras's word).
    axes.set_ylabel(_("loss"))
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    if len(losses) > 1:
        axes.set_xticks(list(epochs) if len(losses) <= 20 else axes.get_xticks())
    return png(fig)


def calendar_days(today: date) -> list[date]:
    """The days a stats card's calendar shows: CALENDAR_WEEKS whole weeks (Monday first) to today's."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=CALENDAR_WEEKS - 1)
    return [first + timedelta(days=n) for n in range(CALENDAR_WEEKS * 7)]


def stats_card_png(
    title: str, lessons: Sequence[tuple[str, int, int]], answered_days: set[date], today: date
) -> bytes:
    """A member's card: right answers per lesson as bars (`lessons`: label, right, tried), and the
    last 12 weeks as a calendar with the days they answered filled in, like a contribution graph."""

    fig = figure(6.4, 4.2)
    bars, calendar = fig.subplots(2, 1, gridspec_kw={"height_ratios": [max(len(lessons), 1), 2.2]})
    labels = [shorten(label, LABEL_CHARS) for label, _right, _tried in lessons]
    shares = [right / tried if tried else 0.0 for _label, right, tried in lessons]
    positions = list(range(len(lessons)))
    bars.barh(positions, [1.0] * len(lessons), color=GREY)
    bars.barh(positions, shares, color=BLURPLE)
    bars.set_yticks(positions, labels, fontsize=8)
    bars.invert_yaxis()
    bars.set_xlim(0, 1)
    bars.set_xticks([0, 0.5, 1], [percent(0), percent(0.5), percent(1)], fontsize=8)
    for y, (share, (_label, right, tried)) in enumerate(zip(shares, lessons, strict=True)):
        bars.text(min(share, 0.82) + 0.01, y, f"{right}/{tried}", va="center", fontsize=8)
    bars.set_title(title, fontsize=10)
    for side in ("top", "right"):
        bars.spines[side].set_visible(False)

    days = calendar_days(today)
    for index, day in enumerate(days):
        week, weekday = divmod(index, 7)
        colour = GREEN if day in answered_days else (GREY if day <= today else "white")
        calendar.add_patch(_square(week, 6 - weekday, colour))
    calendar.set_xlim(-0.2, CALENDAR_WEEKS)
    calendar.set_ylim(-0.2, 7)
    calendar.set_aspect("equal")
    weekdays = [
        # TRANSLATORS: Monday abbreviated, beside a calendar's row (3 or so letters).
        _("Mon"),
        # TRANSLATORS: Wednesday abbreviated, beside a calendar's row (3 or so letters).
        _("Wed"),
        # TRANSLATORS: Friday abbreviated, beside a calendar's row (3 or so letters).
        _("Fri"),
    ]
    calendar.set_yticks([6.4, 4.4, 2.4], weekdays, fontsize=7)
    calendar.set_xticks([])
    days_title = ngettext(
        "Days answered, last {count} week", "Days answered, last {count} weeks", CALENDAR_WEEKS
    )
    calendar.set_title(days_title.format(count=CALENDAR_WEEKS), fontsize=9)
    for side in calendar.spines.values():
        side.set_visible(False)
    return png(fig)


def _square(x: float, y: float, colour: str) -> object:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 0.85, 0.85, color=colour)
