"""The report catalogue's files (``report/catalog/zh.toml``, ``en.toml``) read as flat ``section.key → message``
tables, without the report layer (pandas, Jinja2): the one reader of those files, for the report's
:class:`~jzanalysis.report.catalog.Catalogue` and formatter, a forecast's method label in its JSON and the
batch index.

``zh`` and ``en`` are the package's languages; any other catalogue file (a path) reads the same way, so a
language is one file.

>>> load_messages("en")["format.full_year"]
'full year'
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "report" / "catalog"
LANGUAGES = ("zh", "en")


def catalogue_path(language: str | Path) -> Path:
    """The file of ``language``: ``catalog/<language>.toml`` for a package language, else the path given."""
    if str(language) in LANGUAGES:
        return CATALOG_DIR / f"{language}.toml"
    path = Path(language)
    if path.suffix != ".toml" or not path.is_file():
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)} or a catalogue file, got {language!r}")
    return path


@functools.cache
def load_messages(language: str | Path) -> dict[str, str]:
    """Every ``section.key`` → message of ``language`` (cached: do not change it; :func:`messages` gives a copy)."""
    with open(catalogue_path(language), "rb") as handle:
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


def messages(language: str | Path) -> dict[str, str]:
    """Every key → message of one language (a copy)."""
    return dict(load_messages(language))


def method_label(method_id: str, language: str = "zh") -> str:
    """A forecast method's label (``[method]`` of the catalogue); an unknown id as is.

    >>> method_label("straight_line_months")
    '直线外推（按月份）'
    """
    return load_messages(language).get(f"method.{method_id}", method_id)
