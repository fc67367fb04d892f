"""Charts for the county report, drawn with matplotlib in the municipal report's look
(``report.charts``): PNG bytes with a title and an alternative text written from the very values
that are drawn (``core.chart_text``).

The county report is published, so its charts keep WCAG 2.1's contrast for graphics (3:1 against
the white page: the palette's series colours, ``core.palette``) and never tell anything by
colour alone: every bar and point carries its value, and the lines of the trend chart differ in
marker and dash as well as colour and are named in the legend; the values of the first line are
written on it, and every value is in the table beside the chart and in the alternative text.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from halsocenter.core import palette as P  # noqa: E402
from halsocenter.core.chart_text import describe  # noqa: E402
from halsocenter.core.swedish import join, lower_first, number  # noqa: E402
from halsocenter.report.charts import (  # noqa: E402
    SERIES,
    TEXT,
    WIDTH_IN,
    Picture,
    horizontal_bars,
    style_axes,
    to_png,
)

PALETTE = SERIES
"""The palette's series colours, as the municipal report draws them."""
MARKERS = P.MPL_MARKERS
DASHES = P.MPL_DASHES
contrast = P.contrast


def trend(years: list[int], series: list[tuple[str, list[float | None]]],
          municipalities: list[int]) -> Picture | None:  # fmt: skip
    """The county's figures per year as lines (straight: nothing is invented between the
    years), each year's label naming how many municipalities are behind it."""
    if len(years) < 2 or not any(v for _, values in series for v in values if v):
        return None
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.9))
    xs = list(range(len(years)))
    top = 0.0
    for i, (name, values) in enumerate(series):
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if not points:
            continue
        ax.plot([x for x, _ in points], [v for _, v in points], color=PALETTE[i % 3],
                marker=MARKERS[i % 3], linestyle=DASHES[i % 3], linewidth=1.8, markersize=6,
                label=name)  # fmt: skip
        if i == 0:  # values on the first line only: labels of close lines overwrite each other
            for x, v in points:
                ax.annotate(number(v), (x, v), xytext=(0, 6), textcoords="offset points",
                            ha="center", fontsize=7.5, color=TEXT)  # fmt: skip
        top = max(top, *(v for _, v in points))
    labels = [f"{y}\n{n} {'kommun' if n == 1 else 'kommuner'}"
              for y, n in zip(years, municipalities, strict=True)]  # fmt: skip
    ax.set_xticks(xs, labels)
    style_axes(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylim(0, max(top, 1) * 1.22)
    ax.set_xlim(-0.4, len(years) - 0.6)
    ax.legend(fontsize=8, frameon=False, ncol=len(series), loc="upper left",
              bbox_to_anchor=(0, 1.18))  # fmt: skip
    span = f"{years[0]}–{years[-1]}"
    subject = f"länets {join([lower_first(n) for n, _ in series])} per år {span}"
    text = describe("line", subject, [str(y) for y in years], series, prep="år")
    if municipalities[0] != municipalities[-1]:
        text += (f" Antalet kommuner med värde gick från {municipalities[0]} till "
                 f"{municipalities[-1]}, så en del av förändringen beror på hur många kommuner "
                 "som rapporterade.")  # fmt: skip
    else:
        text += f" Varje år bygger på {municipalities[0]} kommuner."
    return Picture(to_png(fig), f"Länet per år {span}", text)


def breakdown(title: str, categories: list[str], values: list[float | None]) -> Picture | None:
    """One of the county's breakdowns as horizontal bars with their values."""
    items = {c: v for c, v in zip(categories, values, strict=True)
             if isinstance(v, (int, float))}  # fmt: skip
    return horizontal_bars(items, lower_first(title), color=PALETTE[0])

