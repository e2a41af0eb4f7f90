"""The report catalogue's files (``report/catalog/zh.toml``, ``en.toml``) read as flat ``key → message``
tables, without the report layer (pandas, Jinja2): the one reader of those files, for the report's
:class:`~jzanalysis.report.catalog.Catalogue`, a forecast's method label in its JSON and the batch index."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "report" / "catalog"
LANGUAGES = ("zh", "en")


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """Every ``section.key`` → message of one language (cached: do not change it; see :func:`messages`)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    with open(CATALOG_DIR / f"{language}.toml", "rb") as handle:
        data = tomllib.load(handle)
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[f"{prefix}{key}"] = value

    walk("", data)
    return flat


def messages(language: str) -> dict[str, str]:
    """Every key → message of one language (a copy)."""
    return dict(catalogue(language))


def method_label(method_id: str, language: str = "zh") -> str:
    """A forecast method's label (``[method]`` of the catalogue); an unknown id as is.

    >>> method_label("straight_line_months")
    '直线外推（按月份）'
    """
    return catalogue(language).get(f"method.{method_id}", method_id)
