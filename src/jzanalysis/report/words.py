"""The catalogue files: one TOML file per language, read into flat ``section.key`` → message tables.

``catalog/zh.toml`` and ``catalog/en.toml`` are the package's languages; any other catalogue file (a
path) reads the same way, so a language is one file. :mod:`.format` takes the ``[format]`` table (how
numbers, units and periods are written), :mod:`.catalog` every sentence and label.

>>> load_messages("en")["format.full_year"]
'full year'
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
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
    """Every key → message of ``language`` (cached: do not change it; :func:`messages` gives a copy)."""
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
