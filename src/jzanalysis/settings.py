"""The one place for paths and settings.

Paths are resolved from the repository root when jzanalysis runs from a checkout, and can be moved
with environment variables (``JZ_DATA_DIR``, ``JZ_REPORTS_DIR``) for batch runs elsewhere.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("JZ_DATA_DIR", REPO_ROOT / "data")).resolve()
RAW_DIR = DATA_DIR / "raw"
MANIFEST_PATH = RAW_DIR / "manifest.json"
PLANS_PATH = DATA_DIR / "plans.csv"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get("JZ_REPORTS_DIR", REPO_ROOT / "reports")).resolve()

SEED_BULLETIN = RAW_DIR / "000_f5510f0c233d12e8.txt"


# One CJK font serves matplotlib, the HTML/CSS and WeasyPrint. WenQuanYi Micro Hei (TrueType, 5 MB)
# comes first: WeasyPrint subsets it in about a third of the time it needs for the CFF-based Noto Sans
# CJK collection (3 s against 10 s per report, benchmarks/pipeline_timings.py). Noto is the fallback,
# named as "Noto Sans CJK SC" because the first face of its .ttc collection is the JP one.
_CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", "Noto Sans CJK SC"),
)


@functools.cache
def _cjk_font() -> tuple[Path, str]:
    from .errors import InputError

    env = os.environ.get("JZ_CJK_FONT")
    if env:
        if not Path(env).is_file():
            raise InputError(f"JZ_CJK_FONT={env} is not a font file")
        return Path(env), os.environ.get("JZ_CJK_FONT_FAMILY", Path(env).stem)
    for path, family in _CJK_FONTS:
        if Path(path).is_file():
            return Path(path), family
    raise InputError("no CJK font found; install one with: apt-get install -y fonts-wqy-microhei")


def cjk_font_path() -> Path:
    """Path of the CJK font file used everywhere; one-line InputError if none is installed."""
    return _cjk_font()[0]


def cjk_font_family() -> str:
    """Family name of :func:`cjk_font_path`, as matplotlib and CSS know it."""
    return _cjk_font()[1]


@functools.cache
def git_commit() -> str:
    """Short commit of the checkout, with ``+dirty`` when the work tree has changes; ``unknown`` outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")
