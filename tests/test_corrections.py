"""The analyst's corrections file: read and checked (one line naming the file, the entry and what is allowed),
applied where bulletins are loaded (accept, reject, correct; an entry that finds no fact or several is a
warning), shown by `extract`, the data audit and the report's provenance.

The seed's figures used here, read off the bulletin by hand: 全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%
(funds_in_place); 公安县、监利县各23个 (projects_100m of two counties, one quote).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from jzanalysis import settings
from jzanalysis.corrections import Corrections, apply_corrections, load_corrections, parse_corrections
from jzanalysis.dataset import load_bulletins
from jzanalysis.errors import InputError
from jzanalysis.schema import FACT_COLUMNS, REVIEW_COLUMNS, facts_frame
from tests.helpers import SEED_PROJECTS, assert_one_line, run_main

SEED = settings.SEED_BULLETIN
SEED_NAME = SEED.name
FUNDS_QUOTE = "全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%"


def write(tmp_path: Path, entries: list[dict] | None, name: str = "corrections.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"corrections": entries}, allow_unicode=True), encoding="utf-8")
    return path


def entry(quote: str, action: str = "accept", source: str = SEED_NAME, **more) -> dict:
    return {"source": source, "quote": quote, "action": action, **more}


@pytest.fixture
def facts():
    """Three hand-made facts of one file: the city's funds (confidence 0.4: to confirm), and two counties'
    counts stated in one quote."""
    county = {**SEED_PROJECTS, "source": "a.txt", "quote": "公安县、监利县各23个", "value": 23, "plan_pct": None}
    return facts_frame(
        [
            {
                **SEED_PROJECTS,
                "source": "a.txt",
                "metric": "funds_in_place",
                "value": 798,
                "unit": "亿元",
                "plan_pct": 61.4,
                "yoy_pct": 31.3,
                "quote": FUNDS_QUOTE,
                "confidence": 0.4,
            },
            {**county, "region": "公安县"},
            {**county, "region": "监利县"},
        ]
    )


def fixes(*entries: dict) -> Corrections:
    return parse_corrections({"corrections": list(entries)}, "c.yaml")


# --- confidence and to_confirm ----------------------------------------------------------------------------


def test_confidence_defaults_to_one_and_below_the_threshold_is_to_confirm():
    rows = [dict(SEED_PROJECTS), {**SEED_PROJECTS, "confidence": 0.59}, {**SEED_PROJECTS, "confidence": 0.6}]
    table = facts_frame(rows)
    assert settings.CONFIRM_BELOW == 0.6
    # no confidence → 1.0 (sure); 0.59 < 0.6 → to confirm; 0.6 is not below 0.6
    assert table.confidence.tolist() == [1.0, 0.59, 0.6]
    assert table.to_confirm.tolist() == [False, True, False]
    assert table.correction.tolist() == ["", "", ""]


def test_the_seed_has_nothing_to_confirm_while_the_extractor_gives_no_confidence():
    dataset = load_bulletins([SEED], corrections=None)
    assert (dataset.facts.confidence == 1.0).all() and not dataset.facts.to_confirm.any()


# --- reading and checking ----------------------------------------------------------------------------------


def test_the_shipped_file_has_no_active_entry_and_its_commented_example_applies_to_the_seed(tmp_path):
    shipped = settings.REPO_ROOT / "data" / "corrections.yaml"
    assert load_corrections(shipped).entries == []
    # the example, uncommented, is a valid file that finds one fact each
    lines = shipped.read_text(encoding="utf-8").splitlines()
    start = lines.index("# corrections:")
    example = "\n".join(line[2:] for line in lines[start:] if line.startswith("# "))
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    dataset = load_bulletins([SEED], corrections=path)
    fix = dataset.corrections
    assert fix.warnings == [] and (fix.count("correct"), fix.count("accept"), fix.count("reject")) == (1, 1, 0)
    funds = dataset.facts[(dataset.facts.metric == "funds_in_place") & (dataset.facts.region == "荆州市")].iloc[0]
    # the example sets the values the bulletin states: 798 and 61.4 stay, and the change is named
    assert (funds.value, funds.plan_pct) == (798, 61.4)
    assert funds.correction == "corrected: value 798 → 798, plan_pct 61.4 → 61.4"
    jianli = dataset.facts[(dataset.facts.region == "监利县") & (dataset.facts.quote == "公安县、监利县各23个")]
    assert jianli.correction.tolist() == ["accepted"]


@pytest.mark.parametrize(
    "document, fragment",
    [
        (
            [{"source": "a.txt", "quote": "x", "action": "fix"}],
            "c.yaml entry 1: action 'fix' is not allowed; allowed: accept, reject, correct",
        ),
        ([{"source": "a.txt", "action": "accept"}], "c.yaml entry 1: quote is missing"),
        ([{"source": "a.txt", "quote": "", "action": "accept"}], "c.yaml entry 1: quote must be a non-empty text"),
        (
            [{"source": "a.txt", "quotes": "x", "quote": "x", "action": "accept"}],
            "entry 1: unknown key 'quotes'; allowed: source, quote, metric, region, action, set, note",
        ),
        (
            [{"source": "a.txt", "quote": "x", "action": "correct"}],
            "entry 1: action correct needs `set:` with any of value, metric",
        ),
        ([{"source": "a.txt", "quote": "x", "action": "correct", "set": {}}], "entry 1: action correct needs `set:`"),
        (
            [{"source": "a.txt", "quote": "x", "action": "accept", "set": {"value": 1}}],
            "entry 1: `set:` goes with action correct only, not with accept",
        ),
        (
            [{"source": "a.txt", "quote": "x", "action": "correct", "set": {"unit": "个"}}],
            "entry 1: set.unit is not a fact field a correction can set; allowed: value, metric, region, year, months, plan_pct, yoy_pct",
        ),
        (
            [{"source": "a.txt", "quote": "x", "action": "correct", "set": {"value": "abc"}}],
            "entry 1: set.value must be a number, got 'abc'",
        ),
        (
            [{"source": "a.txt", "quote": "x", "action": "correct", "set": {"months": 13}}],
            "entry 1: set.months must be a whole number 1..12",
        ),
        (
            [{"source": "a.txt", "quote": "x", "action": "correct", "set": {"value": None}}],
            "entry 1: set.value cannot be empty",
        ),
        (
            [{"source": "a.txt", "quote": "x", "metric": "nope", "action": "accept"}],
            "entry 1: unknown metric 'nope'; allowed: projects_100m",
        ),
        (
            [{"source": "a.txt", "quote": "x", "action": "accept"}, "reject it"],
            "c.yaml entry 2: an entry is a mapping with source, quote",
        ),
        ({"corrections": "all"}, "c.yaml: `corrections:` must be a list of entries"),
        ([["a.txt"]], "entry 1: an entry is a mapping"),
        ("just text", "c.yaml: expected one key `corrections:` holding a list of entries"),
    ],
)
def test_a_malformed_entry_is_one_line_naming_the_file_the_entry_and_what_is_allowed(document, fragment):
    if isinstance(document, list):
        document = {"corrections": document}
    with pytest.raises(InputError) as caught:
        parse_corrections(document, "c.yaml")
    message = str(caught.value)
    assert "\n" not in message and fragment in message, message


def test_an_empty_file_or_an_empty_list_has_no_entries(tmp_path):
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_corrections(tmp_path / "empty.yaml").entries == []
    assert load_corrections(write(tmp_path, None)).entries == []


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("corrections: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not a readable YAML corrections file"):
        load_corrections(path)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("corrections:\n  - {source: a.txt, quote: [\n", "bad.yaml is not a readable YAML corrections file"),
        (
            "corrections:\n  - source: a.txt\n    quote: x\n    action: fix\n",
            "bad.yaml entry 1: action 'fix' is not allowed",
        ),
    ],
)
def test_a_bad_corrections_file_on_the_command_line_is_exit_2_and_one_line(tmp_path, capsys, text, fragment):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    status, out, err = run_main(["extract", SEED, "--corrections", bad], capsys)
    assert status == 2 and out == ""
    assert_one_line(err, fragment)


def test_a_missing_corrections_file_is_exit_2_and_one_line(tmp_path, capsys):
    status, _, err = run_main(["extract", SEED, "--corrections", tmp_path / "none.yaml"], capsys)
    assert status == 2
    assert_one_line(err, "no such corrections file")


# --- applying -----------------------------------------------------------------------------------------------


def test_accept_clears_to_confirm_and_is_named(facts):
    assert facts.to_confirm.tolist() == [True, False, False]  # confidence 0.4 < 0.6
    out, outcome = apply_corrections(facts, fixes(entry("实际到位资金798亿元", source="a.txt")), ["a.txt"])
    assert out.to_confirm.tolist() == [False, False, False]
    assert out.correction.tolist() == ["accepted", "", ""]
    assert out.value.tolist() == [798, 23, 23]  # nothing else changes
    assert outcome.count("accept") == 1 and outcome.warnings == []


def test_reject_drops_the_fact_from_the_analysis_and_keeps_it_for_the_audit(facts):
    out, outcome = apply_corrections(
        facts, fixes(entry("各23个", "reject", source="a.txt", region="监利县")), ["a.txt"]
    )
    assert out.region.tolist() == ["荆州市", "公安县"]
    assert outcome.rejected.region.tolist() == ["监利县"] and outcome.rejected.correction.tolist() == ["rejected"]
    assert outcome.count("reject") == 1


def test_correct_sets_the_fields_named_and_says_what_changed(facts):
    change = {"value": 789, "plan_pct": None, "year": 2016}
    out, outcome = apply_corrections(facts, fixes(entry("798亿元", "correct", source="a.txt", set=change)), ["a.txt"])
    funds = out.iloc[0]
    assert (funds.value, funds.year, funds.unit) == (789, 2016, "亿元")
    assert pd.isna(funds.plan_pct) and funds.yoy_pct == 31.3  # plan_pct: null removes it; yoy_pct untouched
    assert funds.quote == FUNDS_QUOTE  # the bulletin's words stay
    assert funds.correction == "corrected: value 798 → 789, year 2015 → 2016, plan_pct 61.4 → none"
    assert not funds.to_confirm and outcome.count("correct") == 1


def test_a_corrected_metric_brings_its_unit(facts):
    out, _ = apply_corrections(
        facts,
        fixes(entry("各23个", "correct", source="a.txt", region="公安县", set={"metric": "projects_1b"})),
        ["a.txt"],
    )
    assert out.iloc[1][["metric", "unit"]].tolist() == ["projects_1b", "个"]


def test_a_correction_outside_the_facts_ranges_is_an_error_naming_the_entry(facts):
    bad = fixes(entry("x", source="a.txt"), entry("798亿元", "correct", source="a.txt", set={"value": -5}))
    with pytest.raises(InputError, match=r"c.yaml entry 2: funds_in_place value must be"):
        apply_corrections(facts, bad, ["a.txt"])


def test_a_quote_that_finds_no_fact_is_a_warning_and_changes_nothing(facts):
    out, outcome = apply_corrections(facts, fixes(entry("到位资金897亿元", source="a.txt")), ["a.txt"])
    pd.testing.assert_frame_equal(out, facts)
    assert outcome.warnings == [
        "c.yaml entry 1 (a.txt: 「到位资金897亿元」) finds no fact: nothing changed; copy a piece of the quote "
        "`jzanalysis extract` prints"
    ]
    assert outcome.count("accept") == 0


def test_a_quote_that_finds_several_facts_is_a_warning_until_the_region_picks_one(facts):
    out, outcome = apply_corrections(facts, fixes(entry("各23个", "reject", source="a.txt")), ["a.txt"])
    pd.testing.assert_frame_equal(out, facts)
    assert outcome.warnings == [
        "c.yaml entry 1 (a.txt: 「各23个」) finds 2 facts (公安县 projects_100m、监利县 projects_100m): nothing "
        "changed; give a longer quote, the metric or the region to pick one"
    ]
    # the metric does not tell the two apart (both projects_100m); the region does
    _, outcome = apply_corrections(
        facts, fixes(entry("各23个", "reject", source="a.txt", metric="projects_100m")), ["a.txt"]
    )
    assert "finds 2 facts" in outcome.warnings[0]
    out, outcome = apply_corrections(
        facts, fixes(entry("各23个", "reject", source="a.txt", region="公安县")), ["a.txt"]
    )
    assert outcome.warnings == [] and len(out) == 2


def test_an_entry_about_a_file_not_read_is_listed_not_warned(facts):
    out, outcome = apply_corrections(facts, fixes(entry("798亿元", "reject", source="b.txt")), ["a.txt"])
    pd.testing.assert_frame_equal(out, facts)
    assert outcome.warnings == [] and [a.number for a in outcome.other_files] == [1]


def test_two_entries_on_one_fact_apply_in_order_with_a_warning(facts):
    two = fixes(entry("798亿元", source="a.txt"), entry("798亿元", "correct", source="a.txt", set={"value": 789}))
    out, outcome = apply_corrections(facts, two, ["a.txt"])
    assert out.iloc[0].correction == "accepted; corrected: value 798 → 789" and out.iloc[0].value == 789
    assert outcome.warnings == [
        "c.yaml entry 2 (a.txt: 「798亿元」) finds the same fact as entry 1: both applied, in file order"
    ]
    assert (outcome.count("accept"), outcome.count("correct")) == (1, 1)


# --- where it shows ------------------------------------------------------------------------------------------


def test_extract_writes_the_review_columns_and_names_each_correction(tmp_path, capsys):
    path = write(tmp_path, [entry("实际到位资金798亿元", "correct", set={"value": 789}, note="原件为789亿元")])
    status, out, err = run_main(["extract", SEED, "--corrections", path], capsys)
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == FACT_COLUMNS + REVIEW_COLUMNS
    funds = next(r for r in rows if r["metric"] == "funds_in_place" and r["region"] == "荆州市")
    assert (funds["value"], funds["correction"], funds["to_confirm"]) == (
        "789.0",
        "corrected: value 798 → 789",
        "False",
    )
    assert (
        f"# by the analyst (corrections.yaml entry 1): corrected: value 798 → 789; {SEED_NAME} 荆州市 funds_in_place"
        in err
    )


def test_extract_marks_a_fact_to_confirm(tmp_path, capsys, monkeypatch):
    # the extractor gives no confidence yet: the threshold raised above 1 makes every fact one to confirm
    monkeypatch.setattr(settings, "CONFIRM_BELOW", 1.5)
    status, out, err = run_main(["extract", SEED, "--corrections", write(tmp_path, [])], capsys)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["to_confirm"] for r in rows} == {"True"}
    assert f"# 待核实/to confirm (confidence 1.00 < 1.5): {SEED_NAME} 荆州市 funds_in_place = 798" in err


def test_the_audit_section_shows_entries_warnings_and_figures_to_confirm(tmp_path, monkeypatch):
    from jzanalysis.report import Catalogue, han_outside_quotes
    from jzanalysis.report.analyst_review import review_html

    path = write(
        tmp_path,
        [
            entry("实际到位资金798亿元", "correct", set={"value": 789}, note="原件为789亿元"),
            entry("各23个", "reject"),
            entry("x", source="other.txt"),
        ],
    )
    monkeypatch.setattr(settings, "CONFIRM_BELOW", 1.5)
    dataset = load_bulletins([SEED], corrections=path)
    html = review_html(dataset, Catalogue("zh", dataset.region))
    assert "更正文件 corrections.yaml" in html and "sha256 " + dataset.corrections.sha256 in html
    assert "corrected: value 798 → 789" in html and "原件为789亿元" in html and "798亿元 → 789亿元" in html
    assert "finds 2 facts" in html  # the entry that changed nothing, with why
    assert "条目 3 针对本次未读取的文件" in html
    assert html.count("待核实") == 1 + len(dataset.facts)  # the heading and one mark per figure
    english = review_html(dataset, Catalogue("en", dataset.region))
    assert "to confirm" in english and han_outside_quotes(english) == []


def test_the_provenance_names_the_corrections_file_its_sha256_and_counts(tmp_path):
    from jzanalysis.params import ReportParams
    from jzanalysis.pipeline import analyse
    from jzanalysis.report import Report

    path = write(
        tmp_path,
        [entry("实际到位资金798亿元", "correct", set={"value": 789}), entry("各23个", "reject", region="监利县")],
    )
    params = ReportParams.build(region="荆州市", corrections=str(path))
    lines = Report(analyse(params)).provenance_lines()
    sha = load_corrections(path).sha256
    assert f"分析人员更正：依据 corrections.yaml（sha256 {sha}），更正 1 个数字、确认 0 个、剔除 1 个。" in lines
    # an empty corrections file changes nothing and is not named
    empty = ReportParams.build(region="荆州市", corrections=str(write(tmp_path, [], "empty.yaml")))
    assert not any("分析人员更正" in line for line in Report(analyse(empty)).provenance_lines())


def test_a_batch_run_is_redone_when_the_corrections_file_changes(tmp_path):
    from jzanalysis.batch.cache import input_files
    from jzanalysis.params import ReportParams

    path = write(tmp_path, [])
    assert path.resolve() in [p.resolve() for p in input_files(ReportParams.build(corrections=str(path)))]


@pytest.mark.slow
def test_a_correction_changes_the_report_and_is_named_in_it(tmp_path):
    from jzanalysis.params import ReportParams
    from jzanalysis.runner import run_report

    # funds in place 798亿元 → 789亿元 (a figure the report states in its progress table)
    path = write(tmp_path, [entry("实际到位资金798亿元", "correct", set={"value": 789}, note="原件为789亿元")])
    params = ReportParams.build(year=2015, as_of_month=7, region="荆州市", corrections=str(path))
    html = run_report(params, tmp_path / "out", formats=("html",)).files["html"].read_text(encoding="utf-8")
    sha = load_corrections(path).sha256
    text = re.sub(r"<[^>]+>", "", html)
    assert "789亿元" in text
    assert f"分析人员更正：依据 corrections.yaml（sha256 {sha}），更正 1 个数字、确认 0 个、剔除 0 个。" in text


def test_without_a_file_given_the_default_applies_when_it_exists(tmp_path, monkeypatch):
    default = write(tmp_path, [entry("各23个", "reject", region="公安县")])
    monkeypatch.setattr(settings, "CORRECTIONS_PATH", default)
    dataset = load_bulletins([SEED])
    assert dataset.corrections.count("reject") == 1
    assert "公安县、监利县各23个" not in set(dataset.facts[dataset.facts.region == "公安县"].quote)
    monkeypatch.setattr(settings, "CORRECTIONS_PATH", tmp_path / "absent.yaml")
    assert load_bulletins([SEED]).corrections is None  # no default file: the facts as extracted


def test_a_grid_names_its_corrections_file_relative_to_itself(tmp_path):
    from jzanalysis.batch.grid import read_grid

    write(tmp_path, [], "fixes.yaml")
    grid = tmp_path / "grid.yaml"
    grid.write_text("defaults:\n  corrections: fixes.yaml\nruns:\n  - report.ipynb\n", encoding="utf-8")
    assert read_grid(grid).defaults["corrections"] == str((tmp_path / "fixes.yaml").resolve())
