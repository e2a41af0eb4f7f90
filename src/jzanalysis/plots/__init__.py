"""Charts for reports and notebooks, labelled from the report's catalogue (Chinese or English).

Importing this package applies the project's theme (:func:`apply_theme`): the one CJK font file (see
:mod:`jzanalysis.settings`) is registered with matplotlib and the seaborn theme is set *with* it, so an
analyst's own seaborn or matplotlib chart after ``import jzanalysis.plots`` shows Chinese without the
missing-glyph boxes. (``seaborn.set_theme()`` on its own resets ``font.sans-serif`` and brings them back:
call :func:`apply_theme` again after it.)

- :func:`jzanalysis.plots.progress.progress_chart`: the year's real figures, the plan, the time line and
  the full-year forecast with its bands
- :func:`jzanalysis.plots.county.county_interval_chart` and :func:`~jzanalysis.plots.county.funnel_plot`
"""

from __future__ import annotations

import functools

import matplotlib

if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager

from ..settings import cjk_font_family, cjk_font_path

PALETTE = {
    "actual": "#1f4e79",
    "plan": "#c00000",
    "time": "#7f7f7f",
    "band": "#2e75b6",
    "accent": "#ed7d31",
}


@functools.cache
def _register_font() -> str:
    font_manager.fontManager.addfont(str(cjk_font_path()))
    return cjk_font_family()


def apply_theme() -> str:
    """Register the CJK font and set the seaborn/matplotlib theme; returns the font family name."""
    family = _register_font()
    sns.set_theme(
        style="whitegrid",
        rc={
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
        },
    )
    return family


def new_figure(width: float = 7.5, height: float = 3.6):
    """A themed (figure, axes) pair sized for an A4 report column (inches), with a constrained layout
    (a legend placed "outside" gets its own room instead of covering the axes or their labels)."""
    apply_theme()
    return plt.subplots(figsize=(width, height), layout="constrained")


apply_theme()
