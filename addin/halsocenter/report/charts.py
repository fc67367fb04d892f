"""Charts for the Word report, drawn with matplotlib from a ``Summary``: PNG bytes with the
picture's title and alternative text.

The report embeds pictures rather than native Word charts so the document looks the same in Word,
LibreOffice and as PDF. Every chart is drawn from the same Summary as the tables beside it, so a
bar and the number in the table can never disagree, and its alternative text (``chart_text``)
is written from the very values that are drawn. A chart without data is left out (None).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["hatch.linewidth"] = 1.2  # the white lines of a patterned bar

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from halsocenter.core import contract as C  # noqa: E402
from halsocenter.core import palette as P  # noqa: E402
from halsocenter.core.chart_text import describe  # noqa: E402
from halsocenter.core.summary import Summary  # noqa: E402
from halsocenter.core.swedish import MONTHS, PHRASES, join, lower_first, number  # noqa: E402

SERIES = tuple(P.css(c) for c in P.SERIES)
"""The palette's series colours (``core.palette``), each at least 3:1 against the page."""
ACCENT = SERIES[0]
"""A chart of one series."""
TEXT = P.css(P.CHART_TEXT)
AXIS = P.css(P.AXIS)
GRID = P.css(P.GRID)
WIDTH_IN = 6.3  # the report's text width (16 cm)
DPI = 200
LABEL_WIDTH = 26


@dataclass(frozen=True)
class Picture:
    """A drawn chart: the PNG, a short title and the alternative text a screen reader reads."""

    png: bytes
    title: str
    description: str


def _fmt(value: float) -> str:
    """A bar's label: the figure as the tables show it (``swedish.number``)."""
    return number(value, "dagar" if not float(value).is_integer() else "antal")


def style_axes(ax, horizontal: bool = False) -> None:
    """One look for every chart: only the category axis line, light value grid lines."""
    base, value_axis = ("left", ax.xaxis) if horizontal else ("bottom", ax.yaxis)
    for side in ("top", "right", "left", "bottom"):
        if side != base:
            ax.spines[side].set_visible(False)
    ax.spines[base].set_color(AXIS)
    ax.tick_params(colors=TEXT, labelsize=8, length=0)
    value_axis.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def to_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white",
                metadata={"Software": None})  # fmt: skip
    plt.close(fig)
    return buf.getvalue()


def label_bars(ax, bars, values, *, horizontal=False, fmt=_fmt) -> None:
    for bar, value in zip(bars, values, strict=True):
        if not value:
            continue
        if horizontal:
            ax.annotate(fmt(value), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5,
                        color=TEXT)  # fmt: skip
        else:
            ax.annotate(fmt(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7.5,
                        color=TEXT)  # fmt: skip


def _year(summary: Summary) -> str:
    return f" {summary.year}" if summary.year else ""


def _subject(key: str) -> str:
    return lower_first(C.FIGURE_BY_KEY[key].label)


def monthly(summary: Summary) -> Picture | None:
    """Referrals and contacts per month of the year."""
    by_month = summary.breakdown("remisser", C.DIM_MONTH)
    if not by_month or not any(by_month.values()):
        return None
    values = []
    for m in range(1, 13):
        values.append(by_month.get(f"{summary.year}-{m:02d}") or 0)
    if not any(values):
        return None
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.4))
    bars = ax.bar(C.MONTH_NAMES, values, color=ACCENT, width=0.65)
    label_bars(ax, bars, values)
    style_axes(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylim(0, max(values) * 1.18)
    ax.set_ylabel("Antal", fontsize=8, color=TEXT)
    subject = f"{_subject('remisser')} per månad{_year(summary)}"
    return Picture(to_png(fig), subject[:1].upper() + subject[1:],
                   describe("col", subject, MONTHS, [("", values)], prep="i"))  # fmt: skip


def horizontal_bars(items: dict[str, float], subject: str, *, color=ACCENT,
                xlabel="Antal") -> Picture | None:  # fmt: skip
    """``items`` (category -> value, zeros left out) as labelled horizontal bars, top bar
    first; also the county report's breakdowns (``region.county_charts``)."""
    items = {k: v for k, v in items.items() if v}
    if not items:
        return None
    names = list(items)[::-1]
    values = [items[k] for k in names]
    labels = [textwrap.fill(k, LABEL_WIDTH) for k in names]  # long focus areas on two lines
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.5 + 0.2 * lines + 0.12 * len(labels)))
    bars = ax.barh(labels, values, color=color, height=0.6)
    label_bars(ax, bars, values, horizontal=True)
    style_axes(ax, horizontal=True)
    ax.set_xlim(0, max(values) * 1.15)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))
    ax.set_xlabel(xlabel, fontsize=8, color=TEXT)
    shown = list(items)  # read out in the order of the figures, top bar first
    return Picture(to_png(fig), subject[:1].upper() + subject[1:],
                   describe("bar", subject, shown, [("", [items[k] for k in shown])]))


def by_referrer(summary: Summary) -> Picture | None:
    """Referrals and contacts by who referred them."""
    header = C.REMISSER.column("remittent").header
    return horizontal_bars(summary.breakdown("remisser", header),
                       f"{_subject('remisser')} per remittent{_year(summary)}")  # fmt: skip


def activities_by_focus(summary: Summary) -> Picture | None:
    """Participant sessions per focus area (every type of activity in the area counts)."""
    header = C.AKTIVITETER.column("fokusomrade").header
    return horizontal_bars(summary.breakdown("deltagartillfallen", header),
                       f"deltagartillfällen per fokusområde{_year(summary)}, alla typer av "
                       "aktiviteter", xlabel="Deltagartillfällen")  # fmt: skip


def grouped_bars(ax, groups: list[str], series: list[tuple[str, list[float]]]) -> None:
    """Bars side by side per group, one series after the other, each in the palette's colour
    and -- from the second on -- its pattern of white lines, so no series is told by colour
    alone; every bar carries its value, and the legend lists the series in the order the bars
    stand (left to right), above the chart."""
    n = len(series)
    width = 0.8 / n
    for i, (name, values) in enumerate(series):
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(groups))]
        bars = ax.bar(xs, values, width=width * 0.92, color=SERIES[i % len(SERIES)],
                      hatch=P.MPL_HATCHES[i % len(P.MPL_HATCHES)], edgecolor="white",
                      linewidth=0, label=name)  # fmt: skip
        label_bars(ax, bars, values)
    ax.set_xticks(range(len(groups)), groups)
    ax.legend(fontsize=8, frameon=False, ncol=n, loc="upper left", bbox_to_anchor=(0, 1.15))


def history(summary: Summary) -> Picture | None:
    """Referrals, FaR and first talks per year since the start (two years or more)."""
    years = [(y, v) for y, v in summary.history if v]
    if len(years) < 2:
        return None
    keys = [k for k in C.HISTORY_KEYS if any(v.get(k) is not None for _, v in years)]
    if not keys:
        return None
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.6))
    grouped_bars(ax, [str(y) for y, _ in years],
                 [(C.FIGURE_BY_KEY[k].label, [v.get(k) or 0 for _, v in years]) for k in keys])
    style_axes(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    top = max((v.get(k) or 0) for _, v in years for k in keys)
    ax.set_ylim(0, max(top, 1) * 1.2)
    subject = f"{join([_subject(k) for k in keys])} per år"
    return Picture(to_png(fig), subject[:1].upper() + subject[1:], describe(
        "col", subject, [str(y) for y, _ in years],
        [(C.FIGURE_BY_KEY[k].label, [v.get(k) for _, v in years]) for k in keys]))


def activity_level(summary: Summary) -> Picture | None:
    """Share sufficiently active at the start and at follow-up, for those measured twice."""
    start = summary.value("andel_tillrackligt_aktiva_start")
    follow = summary.value("andel_tillrackligt_aktiva_uppfoljning")
    measured = summary.value("matta_start_och_uppfoljning")
    if start is None or follow is None or not measured:
        return None
    labels = ["Vid start", "Vid uppföljning"]
    values = [start * 100, follow * 100]
    fig, ax = plt.subplots(figsize=(WIDTH_IN * 0.6, 2.2))
    bars = ax.bar(labels, values, color=ACCENT, width=0.5)  # two times of one measure
    for bar, value in zip(bars, (start, follow), strict=True):  # zero is a result: label it
        ax.annotate(number(value, "andel"), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7.5,
                    color=TEXT)  # fmt: skip
    style_axes(ax)
    ax.set_ylim(0, 118)
    ax.set_yticks(range(0, 101, 25))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v)} %"))
    people = PHRASES["matta_start_och_uppfoljning"](measured)
    ax.set_title(f"Mätta vid start och uppföljning: {people}", fontsize=8, color=TEXT,
                 pad=10)  # fmt: skip
    subject = (f"andel tillräckligt fysiskt aktiva vid start och vid uppföljning{_year(summary)}, "
               f"bland {people} som mätts båda gångerna")
    return Picture(to_png(fig), f"Andel tillräckligt fysiskt aktiva{_year(summary)}",
                   describe("col", subject, [labels[0], lower_first(labels[1])],
                            [("", [start, follow])], unit="andel"))  # fmt: skip


CHARTS = {
    "historik": history,
    "manad": monthly,
    "remittent": by_referrer,
    "aktivitetsniva": activity_level,
    "aktiviteter": activities_by_focus,
}
"""Template name -> chart function; the report template refers to these names."""


def all_charts(summary: Summary) -> dict[str, Picture | None]:
    """Every chart of the report by its template name (None where there is no data)."""
    return {name: draw(summary) for name, draw in CHARTS.items()}
