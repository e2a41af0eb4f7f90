"""A language is one catalogue file: a made-up one formats through the same code as zh and en."""

from __future__ import annotations

import json
import re

import pytest

from jzanalysis.catalog_files import CATALOG_DIR, load_messages
from jzanalysis.report import Catalogue, Formatter

# A made-up language: en.toml with the words of its [format] table (and one probability phrase) changed.
CHANGED = {
    "format": {
        "amount_divisor": "100",  # 亿元 shown in units of 100 亿元 (10 bn yuan): two more decimals
        "about": "roughly {text}",
        "full_year": "whole year",
        "year_end": "year's end",
        "month_names": "M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12",
        "months_from_january": "M1 to {month_name}",
        "year_period": "{period} of {year}",
        "unit_other": " (?)",
    },
    "format.unit": {'"亿元"': " × 10 bn yuan", '"个"': " items"},
    "meta": {"probability_over_99": "more than 99%"},
}


def made_up_catalogue(folder):
    """en.toml with the words of ``CHANGED`` replaced, written to ``folder``/xx.toml."""
    text = (CATALOG_DIR / "en.toml").read_text(encoding="utf-8")
    for table, words in CHANGED.items():
        head = f"\n[{table}]"
        start = text.index(head) + len(head)
        end = text.find("\n[", start)
        end = len(text) if end < 0 else end
        body = text[start:end]
        for key, value in words.items():
            body, n = re.subn(rf"(?m)^{re.escape(key)} = .*$", f"{key} = {json.dumps(value, ensure_ascii=False)}", body)
            assert n == 1, (table, key)
        text = text[:start] + body + text[end:]
    path = folder / "xx.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def xx(tmp_path_factory):
    return made_up_catalogue(tmp_path_factory.mktemp("catalogue"))


def test_a_made_up_catalogue_has_the_keys_of_the_package_languages(xx):
    assert set(load_messages(xx)) == set(load_messages("en")) == set(load_messages("zh"))


def test_a_made_up_catalogue_formats_through_the_same_code(xx):
    f = Formatter(xx)
    # 1,383.1亿元 ÷ 100 = 13.831, shown with 0 + 2 decimals (from 100 up a figure has none; ÷ 100 adds two)
    assert f.value(1383.1, "亿元") == "13.83 × 10 bn yuan"
    assert f.stated(798, "亿元") == "7.98 × 10 bn yuan"  # as written, the point moved two places
    assert f.value(262.0, "个", whole=True) == "262 items"
    assert f.unit("家") == " firms" and f.unit("吨") == " (?)"  # a listed unit, and one the table lacks
    # 798 at 61.4%: 1,298.6–1,300.7亿元 is 12.986–13.007 here; the coarsest round number inside is 13
    assert f.plan_value(798 / 0.614, (798 / 0.6145, 798 / 0.6135), "亿元", True) == "roughly 13 × 10 bn yuan"
    assert f.period(7) == "M1 to M7" and f.period(1) == "M1" and f.period(6, cumulative=False) == "M6"
    assert f.period(12) == "whole year" and f.period(12, cumulative=False) == "year's end"
    assert f.year_period(2015, f.period(7)) == "M1 to M7 of 2015" and f.month(11) == "M11"
    assert f.probability(0.995) == "more than 99%" and f.probability(0.844) == "85%"  # 0.844 → nearest 5%
    assert f.share(23 / 174) == "13%"  # what does not depend on the language is the same: 13.2% → 13%


def test_a_made_up_catalogue_words_sentences_as_the_catalogue_does(xx):
    c = Catalogue(xx)
    assert c.fmt.about("1,300") == "roughly 1,300"
    # the sentences are en.toml's, the numbers in them this catalogue's: 0.844 → 85%
    assert c.t("verdict.exceed", p=c.fmt.probability(0.844)) == "Expected to exceed the annual plan (about 85% likely)"


def test_an_unknown_language_is_named_with_the_allowed_ones():
    with pytest.raises(ValueError, match="language must be one of zh, en or a catalogue file, got 'fr'"):
        Formatter("fr")
