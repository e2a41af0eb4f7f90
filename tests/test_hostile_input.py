"""Hostile input: texts built to make extraction slow, and a time budget that holds inside one sentence."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from jzanalysis.regions import get_region
from jzanalysis.sources import read_text
from jzanalysis.sources.extract import ExtractionBudgetExceeded, extract
from jzanalysis.sources.extract.clauses import HAS_NUMBER_RE
from jzanalysis.sources.extract.dates import _YEAR_AS_PERIOD_RE
from jzanalysis.sources.extract.lexicon import _BAND_RE, _FLOOR_RE, load_lexicon, read_phrase
from jzanalysis.sources.extract.numerals import _FLOOR_AFTER_RE
from jzanalysis.sources.extract.tables import _SEPARATOR

JINGZHOU = get_region("荆州市")
HEAD = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目"


def _cpu_seconds(function, *args, **kwargs):
    """What ``function`` returns and the CPU seconds it took (this process only: a busy machine does not count)."""
    started = time.process_time()
    result = function(*args, **kwargs)
    return result, time.process_time() - started


# --- every pattern reads a run of the characters it repeats once -----------------------------------------


@pytest.mark.parametrize(
    "pattern, head, run",
    [
        (_FLOOR_RE, "", " "),  # a phrase of spaces before a figure (100,000 of them once took 65 s)
        (_FLOOR_RE, "", "\u3000"),
        (_FLOOR_RE, "", "1"),  # a run of digits with no 亿元以上 after it
        (_FLOOR_RE, "", "万"),  # a run of numerals
        (_BAND_RE, "", "1"),
        (_BAND_RE, "1", " "),  # "1" and spaces: two \s* around an optional unit shared the run
        (HAS_NUMBER_RE, "", "一"),
        (_YEAR_AS_PERIOD_RE, "", "\n"),
        (_SEPARATOR, "", " "),
        (_FLOOR_AFTER_RE, "", " "),  # read at the end of "1亿元": the spaces after an amount
    ],
)
def test_a_long_run_is_scanned_in_linear_time(pattern, head, run):
    # 10,000 then 40,000 characters: linear work takes 4 × as long, a pattern that rescans the run from each of
    # its characters 16 × (_FLOOR_RE on 40,000 spaces: about 10 s before, a few ms now)
    if pattern is _SEPARATOR:
        scan = pattern.split
    elif pattern is _FLOOR_AFTER_RE:
        scan = pattern.match  # as numerals.quantities uses it: at one place
    else:
        scan = lambda text: list(pattern.finditer(text))  # noqa: E731
    scan(head + run * 1000)  # warm
    times = [_cpu_seconds(scan, head + run * size)[1] for size in (10_000, 40_000)]
    assert times[1] < 8 * times[0] + 0.05, times


def test_the_linear_floor_pattern_reads_the_floors_it_read_before():
    lexicon = load_lexicon()
    # 十亿元以上 = 10 × 1e8; 5000万元及以上 = 5000 × 1e4; "1.5 亿元以上" with a space = 1.5e8; 亿元以上 alone = 1e8
    assert read_phrase("全市新引进十亿元以上项目", lexicon).floor == 1e9
    assert read_phrase("新签约5000万元及以上项目", lexicon).floor == 5e7
    assert read_phrase("新签约1.5 亿元以上项目", lexicon).floor == 1.5e8
    assert read_phrase("新签约" + " " * 50 + "亿元以上项目", lexicon).floor == 1e8
    assert read_phrase("新签约5-10亿元项目", lexicon).band


# --- whole texts: one endless sentence -------------------------------------------------------------------


def _assert_linear(text_of_size, small: int) -> None:
    """read_text on ``small`` characters and on 4 × ``small``: linear work about 4 × the time, quadratic 16 ×."""
    read_text(text_of_size(1000), "warm.txt", region=JINGZHOU)
    times = [_cpu_seconds(read_text, text_of_size(size), "b.txt", region=JINGZHOU)[1] for size in (small, 4 * small)]
    assert times[1] < 8 * times[0] + 0.5, times


def _spaces(size: int) -> str:
    """A figure's words, ``size`` bytes of spaces, its number."""
    return HEAD + " " * size + "174个。"


def _county_list(size: int) -> str:
    """A list of one county's name, ``size`` bytes of UTF-8 (公安县、: 4 characters of 3 bytes), 各23个."""
    return HEAD + "公安县、" * (size // 12) + "各23个。"


def test_a_phrase_of_spaces_is_read_in_linear_time():
    # 12,500 then 50,000 spaces between a figure's words and its number: before, 1 s then 16 s
    _assert_linear(_spaces, 12_500)


def test_a_long_list_of_one_county_is_read_in_linear_time():
    # "公安县、公安县、…各23个" of 50 kB then 200 kB: every name was compared with every mention (0.4 s, then
    # 6 s), now each with the few that can overlap it
    _assert_linear(_county_list, 50_000)


@pytest.mark.parametrize("text_of_size", [_spaces, _county_list], ids=["spaces", "county list"])
def test_a_megabyte_of_a_hostile_pattern_is_read_in_under_five_seconds(text_of_size):
    # 1,000,000 spaces, or 83,333 names of 12 bytes (over 100 s before)
    _, seconds = _cpu_seconds(read_text, text_of_size(1_000_000), "b.txt", region=JINGZHOU)
    assert seconds < 5


# --- the budget holds inside one sentence -----------------------------------------------------------------


def test_the_time_budget_stops_a_single_long_sentence():
    # one short sentence (21 characters: "1-7月" 4 + "全市新引进亿元以上项目" 11 + "174个" 4 + "。" 1 + "\n" 1),
    # then one sentence of 250,000 figures "1个、" (several seconds of work); 21 + "其中" 2 + 3 × 250,000 + "。" 1
    # = 750,024 characters. Before, the budget was checked between sentences only: the second sentence started
    # in time and ran to its end.
    text = "1-7月全市新引进亿元以上项目174个。\n其中" + "1个、" * 250_000 + "。"
    extract("1-7月全市新引进亿元以上项目174个。", region=JINGZHOU, published=dt.date(2015, 9, 2))  # warm
    started = time.monotonic()
    with pytest.raises(ExtractionBudgetExceeded, match=r"^stopped at character 21 of 750,024$"):
        extract(text, region=JINGZHOU, published=dt.date(2015, 9, 2), deadline=started + 1.0)
    assert time.monotonic() - started < 1.0 + 1.5  # stopped soon after the deadline, not at the sentence's end
    # the deadline is forgotten once it has stopped an extraction: the next text is read in full
    assert len(extract("1-7月全市新引进亿元以上项目174个。", region=JINGZHOU, published=dt.date(2015, 9, 2)).facts) == 1


# --- names in the PDF header's CSS and in file names ------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        '荆州市2015年1-7月 "情景" 报告',
        "公安县\n} @import url(file:///etc/passwd); x {",  # a line break ended the string before
        "a\\'b</style><script>",
        "\r\f\x00\u2028",
    ],
)
def test_a_title_is_one_string_in_the_page_header_css(title):
    import tinycss2

    from jzanalysis.report.sections.base import _css_string

    header = f"@page {{ @top-center {{ content: {_css_string(title)}; }} }}"
    (rule,) = tinycss2.parse_stylesheet(header, skip_comments=True, skip_whitespace=True)
    (inner,) = [t for t in rule.content if t.type == "{} block"]
    content = [t for t in tinycss2.parse_declaration_list(inner.content, skip_whitespace=True) if t.type != "error"]
    (declaration,) = content  # content: "…" and nothing else; no @import, no second rule
    (string,) = [t for t in declaration.value if t.type != "whitespace"]
    # CSS reads U+0000 as U+FFFD; every other character comes back as written
    assert (string.type, string.value) == ("string", title.replace("\x00", "\ufffd"))


def test_a_run_name_is_one_part_of_a_path():
    from jzanalysis.params import ReportParams
    from jzanalysis.runner import run_name

    params = ReportParams.build(year=2015, as_of_month=7)
    for stem in ("county_2015_m07_公安/县", "county_2015_m07_../../x", "county_2015_m07_a\nb", "..", "a\\b:c"):
        name = run_name(stem, "county.ipynb", params)
        assert "/" not in name and "\\" not in name and "\n" not in name and not name.startswith(".")
        assert len(Path(name).parts) == 1 and Path(name).name == name
    assert run_name("county_2015_m07_公安县", "county.ipynb", params).startswith("county_2015_m07_公安县-")
