"""The one place for paths and settings.

From a checkout (``make setup``: an editable install, ``src/jzanalysis`` beside ``pyproject.toml``) the data
and the reports are the checkout's ``data/`` and ``reports/``; installed from a wheel they are ``data/`` and
``reports/`` under the working directory. ``JZ_DATA_DIR`` and ``JZ_REPORTS_DIR`` move them anywhere;
``JZ_CORRECTIONS`` names the analyst's corrections file (default ``data/corrections.yaml``). The
notebooks are the checkout's ``notebooks/``; a wheel carries them as package data (``jzanalysis/notebooks``),
so a report runs wherever the package is installed.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout() -> Path | None:
    """The source checkout this package runs from, or None when it is installed (site-packages)."""
    root = PACKAGE_DIR.parent.parent
    return root if PACKAGE_DIR.parent.name == "src" and (root / "pyproject.toml").is_file() else None


#: The checkout (None when installed from a wheel)
CHECKOUT = _checkout()
#: What relative defaults hang from: the checkout, or the working directory of an installed package
REPO_ROOT = CHECKOUT or Path.cwd()
DATA_DIR = Path(os.environ.get("JZ_DATA_DIR", REPO_ROOT / "data")).resolve()
RAW_DIR = DATA_DIR / "raw"
MANIFEST_PATH = RAW_DIR / "manifest.json"
NOTEBOOKS_DIR = CHECKOUT / "notebooks" if CHECKOUT else PACKAGE_DIR / "notebooks"
REPORTS_DIR = Path(os.environ.get("JZ_REPORTS_DIR", REPO_ROOT / "reports")).resolve()

SEED_BULLETIN = RAW_DIR / "000_f5510f0c233d12e8.txt"

#: The analyst's corrections (accept, reject or correct a fact; see :mod:`jzanalysis.corrections`), applied on
#: every run when the file exists; ``JZ_CORRECTIONS`` or ``--corrections FILE`` names another.
CORRECTIONS_PATH = Path(os.environ.get("JZ_CORRECTIONS", DATA_DIR / "corrections.yaml")).resolve()

# A fact whose confidence (0..1, given by the extractor) is below this is marked "to confirm" wherever it is
# shown, until the analyst accepts or corrects it in the corrections file.
CONFIRM_BELOW = 0.6

# Seconds one bulletin may take to clean and extract. A real bulletin takes well under one; every pattern
# is linear, so only megabytes of text built to be hard come near (1 MB adversarial files: 1-6 s on two
# busy cores). The budget turns anything worse into a clear error instead of a hung batch.
EXTRACT_SECONDS = float(os.environ.get("JZ_EXTRACT_SECONDS", "60"))


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


#: Written into a wheel by ``hatch_build.py``: the commit the wheel was built from
BUILD_RECORD = PACKAGE_DIR / "_build.json"


@functools.cache
def git_commit() -> str:
    """The code's version as the reports' provenance names it: the checkout's short commit, with ``+dirty``
    when its work tree has changes; installed from a wheel, the commit the wheel was built from; else
    (no git, a wheel built outside a checkout) the package version."""
    commit = checkout_commit()
    if commit is None and CHECKOUT is None:
        try:
            commit = json.loads(BUILD_RECORD.read_text(encoding="utf-8"))["commit"]
        except (OSError, ValueError, KeyError, TypeError):
            commit = None
    if commit:
        return commit
    from . import __version__

    return __version__


def checkout_commit() -> str | None:
    """Short commit of the checkout, ``+dirty`` when tracked files changed; None when installed (the git
    repository around site-packages, if any, is not this code's), outside git (an unpacked source archive:
    a repository around it is not this code's either) or when git cannot tell."""
    if CHECKOUT is None or not (CHECKOUT / ".git").exists():
        return None

    def git(*args: str) -> str:
        run = subprocess.run(["git", "-C", str(CHECKOUT), *args], capture_output=True, text=True, check=True, timeout=5)
        return run.stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")
