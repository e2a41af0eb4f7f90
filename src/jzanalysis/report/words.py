"""The catalogue files, as the report layer reads them: one TOML file per language (see
:mod:`jzanalysis.catalog_files`, their one reader). :mod:`.format` takes the ``[format]`` table (how numbers,
units and periods are written), :mod:`.catalog` every sentence and label."""

from __future__ import annotations

from ..catalog_files import CATALOG_DIR, LANGUAGES, catalogue_path, load_messages, messages

__all__ = ["CATALOG_DIR", "LANGUAGES", "catalogue_path", "load_messages", "messages"]
