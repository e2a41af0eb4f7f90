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

CITY = "荆州市"

# One CJK font serves matplotlib, the HTML/CSS and WeasyPrint. Noto Sans CJK SC is named explicitly
# because the first face of the .ttc collection is the JP one.
CJK_FONT_FAMILY = "Noto Sans CJK SC"
_CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@functools.cache
def cjk_font_path() -> Path:
    """Path of the CJK font file used everywhere; raises if none is installed."""
    from .errors import InputError

    env = os.environ.get("JZ_CJK_FONT")
    candidates = ([env] if env else []) + list(_CJK_FONT_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise InputError(
        "no CJK font found (looked for Noto Sans CJK SC); install it with: apt-get install -y fonts-noto-cjk"
    )


def cjk_font_family() -> str:
    """Family name that matches :func:`cjk_font_path`."""
    path = cjk_font_path()
    return "WenQuanYi Micro Hei" if "wqy" in path.name else CJK_FONT_FAMILY


@functools.cache
def git_commit() -> str:
    """Short commit of the checkout, with ``+dirty`` when the work tree has changes; ``unknown`` outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, check=True, timeout=5,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")
