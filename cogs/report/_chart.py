"""The PNG chart of /report questions: facility per question, doubtful ones marked. Drawn with
bot/plots.py's figure, like the loss curve: call it in a thread."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import _
from bot.plots import BLURPLE, DPI, LABEL_CHARS, RED, figure, png
from bot.quality import TOO_EASY_ABOVE, TOO_HARD_BELOW
from bot.rendering import shorten

CHART_FILE = "facility.png"
MAX_BARS = 40  # the list's first 40 (doubtful ones come first); past that the bars are unreadable
WIDTH_IN = 7.0
ROW_IN, MARGIN_IN = 0.28, 1.1
DOUBTFUL_COLOUR, FINE_COLOUR = RED, BLURPLE


def chart_size(bars: int) -> tuple[int, int]:
    """The PNG's (width, height) in pixels for this many bars."""
    shown = max(1, min(bars, MAX_BARS))
    return round(WIDTH_IN * DPI), round((MARGIN_IN + ROW_IN * shown) * DPI)


def facility_chart_png(rows: Sequence[tuple[str, float, bool]], title: str) -> bytes:
    """(question id, facility, doubtful) per bar, top to bottom."""
    rows = list(rows)[:MAX_BARS]
    width, height = chart_size(len(rows))
    chart = figure(width / DPI, height / DPI)
    from matplotlib.patches import Patch  # matplotlib is loaded by figure()

    axes = chart.add_subplot()
    labels = [shorten(qid, LABEL_CHARS) for qid, _share, _doubtful in rows]
    positions = range(len(rows))
    axes.barh(
        list(positions),
        [share * 100 for _qid, share, _doubtful in rows],
        color=[DOUBTFUL_COLOUR if doubtful else FINE_COLOUR for _qid, _share, doubtful in rows],
    )
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()  # the list's order, top to bottom
    axes.set_xlim(0, 100)
    # TRANSLATORS: a chart's axis label: the share of members right on the first try, in percent.
    axes.set_xlabel(_("right on the first try (%)"))
    for limit in (TOO_HARD_BELOW, TOO_EASY_ABOVE):
        axes.axvline(limit * 100, color="grey", linestyle="--", linewidth=0.8)
    axes.set_title(title, fontsize=10)
    axes.legend(
        handles=[
            # TRANSLATORS: a chart's legend: the colour of questions worth a look.
            Patch(color=DOUBTFUL_COLOUR, label=_("doubtful")),
            # TRANSLATORS: a chart's legend: the colour of questions that work as they should.
            Patch(color=FINE_COLOUR, label=_("fine")),
        ],
        loc="lower right",
        fontsize=8,
    )
    # A fixed canvas (no bbox_inches="tight"), so the size is what chart_size says.
    chart.subplots_adjust(left=0.3, right=0.97, top=1 - 0.45 / (height / DPI), bottom=0.65 / (height / DPI))
    return png(chart, tight=False)
