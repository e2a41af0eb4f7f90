"""The message catalogue: every sentence and label of the reports, one TOML file per language.

``catalog/zh.toml`` and ``catalog/en.toml`` have the same keys (tests/test_report.py checks); a message is a
Python format string whose placeholders are filled with text the formatter has written (its own
``[format]`` table is in the same file). Adding a language is one file (a :class:`Catalogue` of a path
reads it); adding a sentence is one key in each file and the template that uses it.

>>> c = Catalogue("en")
>>> c.t("verdict.exceed", p="95%")
'Expected to exceed the annual plan (about 95% likely)'
>>> Catalogue("zh").metric("projects_100m")
'新引进亿元以上项目'
"""

from __future__ import annotations

from pathlib import Path

from ..catalog_files import load_messages, messages, method_label
from ..metrics import METRICS
from ..regions import find_region, pinyin_name
from .format import Formatter

__all__ = ["Catalogue", "messages", "method_label"]  # the last two read in catalog_files, named here too


class Catalogue:
    """Messages of one language, with the region whose names it shows (English names from its profile)."""

    def __init__(self, language: str | Path = "zh", region=None):
        self.language = language
        self.messages = load_messages(language)
        self.region = region
        self.fmt = Formatter(language)

    @property
    def en(self) -> bool:
        return self.language == "en"

    def t(self, key: str, **values) -> str:
        """The message ``key`` with its placeholders filled (a KeyError names a missing key)."""
        try:
            message = self.messages[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in catalog/{self.language}.toml") from None
        return message.format(**values) if values else message

    def has(self, key: str) -> bool:
        return key in self.messages

    def metric(self, metric_id: str) -> str:
        """A metric's label in this language, from the metric catalogue (``metrics.toml``); an unknown id as is."""
        spec = METRICS.get(metric_id)
        if spec is None:
            return metric_id
        return spec.label_en if self.en else spec.label

    def method(self, method_id: str) -> str:
        return method_label(method_id, self.language)

    def place(self, name: str | None) -> str:
        """A city or county name: as written in Chinese; its English name (profile, else pinyin) in English."""
        if not name:
            return ""
        if not self.en:
            return name
        if self.region is not None:
            return self.region.en_name(name)
        region = find_region(name)
        return region.en_name(name) if region is not None else pinyin_name(name)

    def join(self, items) -> str:
        return self.t("meta.list_sep").join(items)
