"""Charts for reports and notebooks, all with Chinese labels.

:func:`apply_theme` registers the one CJK font file (see :mod:`jzanalysis.settings`) with matplotlib
and sets the seaborn theme *with* that font; ``seaborn.set_theme()`` on its own resets
``font.sans-serif`` and brings back the missing-glyph boxes. Every plotting function calls it.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline") else None

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from ..settings import cjk_font_family, cjk_font_path  # noqa: E402

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


def new_figure(width: float = 7.5, height: float = 4.2):
    """A themed (figure, axes) pair sized for an A4 report column (inches)."""
    apply_theme()
    return plt.subplots(figsize=(width, height))
