"""The report's words, tables and charts, read as an official would: one figure per quantity, every
parameter everywhere, plain words first, Chinese and English. Arithmetic is done by hand in the comments.

The real kernel/papermill/WeasyPrint run is in tests/test_report_pipeline.py (slow)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from jzanalysis.errors import InputError
from jzanalysis.notes import Note
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse
from jzanalysis.report import Catalogue, Formatter, Report, han_outside_quotes, messages, notebook_params
from jzanalysis.report.notes import note_lines
from tests.helpers import figure_texts

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECTIONS = ("head", "verdict", "progress", "review", "forecast", "counties", "others", "appendix")


def _html(parts) -> str:
    return "".join(p for p in parts if isinstance(p, str))


def _text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&lt;", "<")


class Rendered:
    """Every section of a report as text, and its charts' texts, per section."""

    def __init__(self, params: ReportParams):
        self.analysis = analyse(params)
        self.report = Report(self.analysis)
        self.text: dict[str, str] = {}
        self.figures: dict[str, list] = {}
        html = []
        for section in SECTIONS:
            parts = self.report.parts(section)
            html.append(_html(parts))
            self.text[section] = _text(html[-1])
            self.figures[section] = [p for p in parts if not isinstance(p, str)]
        self.html = "".join(html)

    def chart_text(self, section: str) -> str:
        return " ".join(figure_texts(f) for f in self.figures[section])

    def close(self):
        for figures in self.figures.values():
            for f in figures:
                plt.close(f)


@pytest.fixture(scope="module")
def seed():
    r = Rendered(ReportParams.build())
    yield r
    r.close()


@pytest.fixture(scope="module")
def seed_en():
    r = Rendered(ReportParams.build(language="en"))
    yield r
    r.close()


# --- the catalogue --------------------------------------------------------------------------------


def test_zh_and_en_catalogues_have_the_same_keys_and_placeholders():
    zh, en = messages("zh"), messages("en")
    assert set(zh) == set(en)
    for key in zh:
        names = lambda m: set(re.findall(r"\{(\w+)", m))  # noqa: E731
        # English may leave a placeholder out only where its grammar names the thing otherwise
        assert names(en[key]) <= names(zh[key]) | {"month_name"}, key


def test_every_message_the_code_asks_for_exists():
    source = "".join(
        p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parents[1] / "src/jzanalysis").rglob("*.py")
    )
    asked = set(re.findall(r"""\.t(?:_html|_n)?\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""", source))
    assert asked, "no catalogue keys found in the code"
    assert asked <= set(messages("zh")), asked - set(messages("zh"))


# --- numbers: one rounding ------------------------------------------------------------------------


def test_formatter_rounds_each_kind_of_quantity_once():
    f = Formatter("zh")
    assert f.value(262.0, "个", whole=True) == "262个" and f.value(13.8, "个") == "13.8个"
    assert f.value(1383.07, "亿元") == "1,383亿元" and f.value(100.33, "亿元") == "100亿元"
    # 798 at 61.4% pins the plan to 798/0.6145 = 1,298.6 … 798/0.6135 = 1,300.7: about 1,300
    assert f.plan_value(798 / 0.614, (798 / 0.6145, 798 / 0.6135), "亿元", True) == "约1,300亿元"
    assert f.plan_value(243.0, (243.0, 243.0), "个", True) == "243个"
    assert f.share(23 / 174) == "13%" and f.share(11 / 174) == "6.3%"  # 13.2% → 13%; 6.32% → 6.3%
    assert f.probability(0.844) == "85%" and f.probability(0.476) == "略低于50%"
    en = Formatter("en")
    assert en.value(1383.07, "亿元") == "138.3 bn yuan" and en.stated(798, "亿元") == "79.8 bn yuan"
    assert en.period(7) == "Jan–Jul" and en.probability(0.995) == "over 99%"


# --- one truth per quantity -----------------------------------------------------------------------


def test_the_default_forecast_is_the_one_figure_shown_everywhere(seed):
    projects = seed.analysis.forecasts["projects_100m"]
    assert projects.forecast.method == "calibrated"
    assert round(projects.forecast.point) == 267
    assert [round(x) for x in projects.forecast.interval80] == [232, 312]
    # the verdict, the forecast text and the chart legend say the same 267, 232–312 and 80% (0.819 → 80%)
    assert "预计全年267个，80%的可能在232–312个之间" in seed.text["verdict"]
    assert "把握约80%" in seed.text["verdict"]
    assert "预计全年267个（中位数），80%的可能在232–312个之间" in seed.text["forecast"]
    assert "完成全年计划（243个）的把握约80%" in seed.text["forecast"]
    chart = seed.chart_text("forecast")
    assert "全年预测 267个" in chart and "80% 区间 232–312个" in chart and "全年计划 243个" in chart
    assert "全年预测 1,347亿元" in chart and "80% 区间 1,153–1,553亿元" in chart
    # the methods table gives the same default figures, rounded the same way
    assert re.search(r"★ 实证校准（默认） 267 232–312 206–366 80%", seed.text["appendix"])
    # other methods' points (straight line 174×12/7 = 298.3, by working days 298.8, gamma–Poisson 293) only there
    for other in ("298", "299", "293", "1,368", "1,370", "1,333"):
        for section in ("verdict", "progress", "forecast", "counties"):
            assert other not in seed.text[section], (other, section)
        assert other not in seed.chart_text("forecast"), other
    assert "298" in seed.text["appendix"] and "1,370" in seed.text["appendix"]


def test_the_implied_plan_is_shown_only_as_precise_as_its_percent(seed):
    # 174 at 71.6% → 242.85–243.19: the whole number 243; 798 at 61.4% → 1,298.6–1,300.7: about 1,300
    row = re.search(r"实际到位资金 798亿元 (\S+) 61.4% 58.3% \+3.1 114亿元 100亿元", seed.text["progress"])
    assert row and row.group(1) == "约1,300亿元"
    assert "1,299.7" not in seed.html and "243.0" not in seed.html
    assert "计划在 1,298.6–1,300.7亿元 之间" in seed.text["appendix"]  # the bounds carry the unit


def test_progress_table_has_units_and_short_headers(seed):
    text = seed.text["progress"]
    # 174/7 = 24.9 a month so far; (243 − 174)/5 = 13.8 needed; 798/7 = 114; (1,299.7 − 798)/5 = 100.3 → 100
    assert "新引进亿元以上项目 174个 243个 71.6% 58.3% +13.3 24.9个 13.8个" in text
    assert "已实现月均" in text and "尚需月均" in text  # short enough to stay on one line


# --- every parameter reaches every table, chart and sentence ---------------------------------------


def test_a_plan_override_reaches_every_place():
    r = Rendered(ReportParams.build(plans={"projects_100m": 300}))
    try:
        # 174 of 300 = 58.0%; time 7/12 = 58.3%: 0.3 points behind; (300 − 174)/5 = 25.2 a month needed
        assert "为全年计划300个的58.0%" in r.text["verdict"] and "慢于时间进度0.3个百分点" in r.text["verdict"]
        assert "新引进亿元以上项目 174个 300个 58.0% 58.3% −0.3 24.9个 25.2个" in r.text["progress"]
        assert "完成全年计划（300个）的把握约" in r.text["forecast"]
        assert "全年计划按指定的300个计算（通报所述完成比例对应的计划为243个）" in r.text["forecast"]
        assert "全年计划 300个" in r.chart_text("forecast")
        plan_line = [ln for ln in r.figures["forecast"][0].axes[0].get_lines() if list(ln.get_ydata()) == [300, 300]]
        assert plan_line
        assert "全年计划：300个（用户指定）" in r.text["appendix"] and "新引进亿元以上项目 300个" in r.text["appendix"]
        assert "情景：新引进亿元以上项目计划按 300个" in r.text["head"]
        p = r.analysis.forecasts["projects_100m"].forecast.p_meet_plan
        # against 300 the forecast is 297 (80% 251–343) and P(meet plan) = 0.472, in the 45–55% band: the
        # verdict says it is a toss-up, and the forecast section gives the probability
        assert 0.45 <= p < 0.5 and "能否完成全年计划尚难判断（约五五开）" in r.text["verdict"]
        assert f"完成全年计划（300个）的把握约{Formatter('zh').probability(p)}" in r.text["forecast"]  # 45%
    finally:
        r.close()


def test_phi_and_sigma_each_reach_their_metric_only():
    base = Rendered(ReportParams.build())
    phi = Rendered(ReportParams.build(dispersion=0.5))
    sigma = Rendered(ReportParams.build(sigma=0.5))
    try:
        f = Formatter("zh")
        for r, changed, kept in ((phi, "projects_100m", "funds_in_place"), (sigma, "funds_in_place", "projects_100m")):
            assert (
                r.analysis.forecasts[changed].forecast.interval80
                != base.analysis.forecasts[changed].forecast.interval80
            )
            assert r.analysis.forecasts[kept].forecast.interval80 == base.analysis.forecasts[kept].forecast.interval80
            m = r.analysis.forecasts[changed]
            whole = changed == "projects_100m"
            interval = f.interval(m.forecast.interval80, m.unit, whole)
            assert f"80%的可能在{interval}之间" in r.text["verdict"] and f"80% 区间 {interval}" in r.chart_text(
                "forecast"
            )
            assert interval in r.text["forecast"]
        # φ = 0.5: 80% 223–326 against the calibrated 232–312 (docs/forecasting.md: c² = φ/12)
        assert "预计全年265个，80%的可能在223–326个之间" in phi.text["verdict"]
        assert "情景：项目数波动 φ = 0.5" in phi.text["head"] and "项目数波动 φ = 0.5" in phi.report.css(
            phi.report.title()
        )
        assert "情景：资金波动 σ = 0.5" in sigma.text["head"]
        assert "项目数的过度离散 φ 0.5" in phi.text["appendix"] and "资金数的波动 σ 0.5" in sigma.text["appendix"]
    finally:
        for r in (base, phi, sigma):
            r.close()


def test_zero_dispersion_is_said_in_words():
    r = Rendered(ReportParams.build(dispersion=0, sigma=0))
    try:
        assert "没有超出纯随机（泊松）的起伏（φ = 0）" in r.text["verdict"]
        assert "没有起伏（σ = 0）" in r.text["verdict"]
    finally:
        r.close()


def test_a_region_without_a_stated_plan_luan():
    # the real bulletin of ../shared/corpus/real (copied): it states no share of any plan
    r = Rendered(ReportParams.build(source=str(FIXTURES / "luan_style_2024_m06.txt")))
    try:
        assert r.report.title() == "六安市2024年1-6月招商引资进度与全年预测"
        assert "新引进亿元以上项目：通报未给出全年计划，无法判断能否完成" in r.text["verdict"]
        # the headline is what the bulletin holds: it has no funds figure, so funds are not mentioned on page 1
        assert "实际到位资金" not in r.text["verdict"]
        assert "no funds_in_place" not in r.html and "has no" not in r.html
        # 8 counties listed, adding up to the city's 174: 霍山县 34 of 174 = 19.5% → 20%
        assert "霍山县 34 20%" in r.text["counties"] and "所列县市区合计174个，全市174个" in r.text["counties"]
        assert "叶集区3个，为全市平均21.8个的0.14倍" in r.text["counties"]  # 174/8 = 21.75; 3/21.75 = 0.14
    finally:
        r.close()


# --- the verdict first, the machinery in the appendix ---------------------------------------------


def test_verdict_comes_first_and_the_machinery_is_in_the_appendix(seed):
    report = seed.report
    assert report.parts("verdict")[0].index("<h2>") >= 0
    body = " ".join(seed.text[s] for s in ("verdict", "progress", "forecast", "counties"))
    for machinery in (
        "φ",
        "a0",
        "calibrated",
        "straight_line",
        "gamma_poisson",
        "calibration_pairs",
        "sha256",
        "欧洲杯",
        "metrics=(",
        "import ",
        "dispersion",
    ):
        assert machinery not in body, machinery
    assert "欧洲杯" not in seed.text["appendix"] and "metrics=(" not in seed.text["appendix"]
    assert "注入的垃圾标题2处" in seed.text["appendix"]  # counted, the text itself only in the data audit
    assert "calibration_pairs+calibration_pairs_new@" in seed.text["appendix"]  # the calibration's id


@pytest.mark.parametrize(
    "p, words",
    [
        (0.95, "预计超额完成全年计划（把握约95%）"),
        (0.5, "能否完成全年计划尚难判断（约五五开）"),
        (0.75, "预计可以完成全年计划（把握约75%）"),
        (0.2, "完成全年计划有困难（完成的把握约20%）"),
    ],
)
def test_verdict_words(seed, p, words):
    from jzanalysis.report.model import verdict_key

    c = Catalogue("zh")
    key = verdict_key(p)
    assert c.t(f"verdict.{key}", p=c.fmt.probability(p)) == words


# --- counties --------------------------------------------------------------------------------------


def test_counties_ties_basis_and_shares(seed):
    text = seed.text["counties"]
    # 公安县 and 监利县 both 23: tied first; 23/174 = 13.2% of the city → 13%; 174/9 = 19.3 each
    assert "公安县 23 13% 14.6–34.5 19.3 1.19 在随机波动内 并列1（1–8）" in text
    assert "监利县 23 13%" in text and "并列1" in text and "3（1–8）" in text
    assert "按全市平均" in text and "期望" not in text
    assert "“按全市平均”= 全市合计 174个 ÷ 9 个县市区 = 19.3个，不是各县市区的任务" in text
    # equal expectations: the dot-and-interval chart only, no funnel plot
    assert len(seed.figures["counties"]) == 1


def test_a_bulletin_listing_some_counties_gets_shares_of_the_city_and_names_the_missing():
    a = analyse(ReportParams.build(source=str(FIXTURES / "partial_counties.txt")))
    r = Report(a)
    text = _text(_html(r.parts("counties")))
    # 23 of the city's 174 = 13.2% → 13% (not 23 of the listed 57 = 40%)
    assert "公安县 23 13%" in text and "江陵县 11 6.3%" in text and "40%" not in text
    assert "所列县市区合计57个，全市174个；其余117个未分到县市区" in text
    missing = re.search(r"通报未列出：(\S+)（", text).group(1).split("、")
    assert {"石首市", "洪湖市", "松滋市", "沙市区", "荆州区", "荆州开发区"} <= set(missing)
    assert "公安县" not in missing


def test_funnel_plot_only_when_expectations_differ():
    params = ReportParams.build(county_plans=str(FIXTURES / "plans_uneven.csv"))
    r = Report(analyse(params))
    figures = r.county_figures()
    assert len(figures) == 2
    assert "计划进度" in figure_texts(figures[1])
    for f in figures:
        plt.close(f)


def test_legends_do_not_cover_the_axes_or_their_labels(seed, seed_en):
    for rendered in (seed, seed_en):
        for fig in rendered.figures["counties"] + rendered.figures["forecast"]:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            ax = fig.axes[0]
            legend = fig.legends[0].get_window_extent(renderer)
            for other in (ax.get_window_extent(renderer), ax.xaxis.label.get_window_extent(renderer)):
                assert not legend.overlaps(other)


# --- the series: real points, the assumption dashed ------------------------------------------------


def test_several_bulletins_of_one_year_are_drawn_as_real_points():
    a = analyse(ReportParams.build(source=str(FIXTURES / "series")))
    r = Report(a)
    m = r.metrics[0]
    assert m.path == {3: 63.0, 6: 141.0, 7: 174.0}
    fig = r.progress_figure(m)
    ax = fig.axes[0]
    points = next(ln for ln in ax.get_lines() if ln.get_label() == "通报数字")
    assert list(points.get_xdata()) == [3, 6, 7] and list(points.get_ydata()) == [63, 141, 174]
    assumed = next(ln for ln in ax.get_lines() if ln.get_label().startswith("假设"))
    assert assumed.get_linestyle() == "--"
    assert list(assumed.get_xdata()) == [7, 12] and assumed.get_ydata()[0] == 174
    assert assumed.get_ydata()[1] == m.forecast.point
    joined = next(ln for ln in ax.get_lines() if ln.get_label().startswith("两期之间"))
    assert joined.get_linestyle() == ":"
    plt.close(fig)
    text = _text(_html(r.parts("forecast")))
    assert "同年各期通报时的预测：1-3月通报时" in text and "1-6月通报时" in text


# --- English ---------------------------------------------------------------------------------------


def test_english_report_has_no_han_outside_quoted_source(seed_en):
    assert han_outside_quotes(seed_en.html) == []
    han = re.compile(r"[\u3400-\u9fff]")
    for section, figures in seed_en.figures.items():
        for fig in figures:
            assert not han.search(figure_texts(fig)), section
    text = " ".join(seed_en.text.values())
    assert "Gong'an 23 13%" in text and "=1 (1–8)" in text
    assert "Jingzhou Development Zone" in text
    # funds: 1,347 against a plan of about 1,300, P(meet plan) 0.633 → 65% (35–65%): too close to call
    assert "Funds in place: Too close to call whether the annual plan will be met (about 65% likely)" in text
    # 1,347亿元 = 134.7 bn yuan: the same figure in the report's English units
    assert "Full year expected at 134.7 bn yuan" in text


def test_english_audit_and_counties_page_have_no_han_outside_quotes():
    a = analyse(ReportParams.build(language="en", source=str(FIXTURES / "partial_counties.txt")))
    r = Report(a)
    for section in ("counties_page", "appendix_data", "audit"):
        assert han_outside_quotes(_html(r.parts(section))) == [], section
    html = r.onepager_html("公安县") + r.onepager_facts_html("公安县")
    assert han_outside_quotes(html) == [] and "Gong'an" in html


# --- notes from the catalogue, not the extractor's English ------------------------------------------


def test_extraction_notes_are_worded_from_the_catalogue():
    from jzanalysis.regions import get_region

    warnings_ = [Note("city.no_profile", {"city": "南通市"}), Note("file.no_figures")]
    zh, technical = note_lines(warnings_, Catalogue("zh", get_region("南通市")))
    assert zh == ["南通市还没有地区档案：县市区名单只来自全国行政区划表（没有开发区、别名与英文名）。"]
    assert technical == ["no figures found in this file"]
    en, _ = note_lines(warnings_, Catalogue("en", get_region("南通市")))
    assert en[0].startswith("Nantong has no region profile yet")


# --- the data audit: figures not mapped -------------------------------------------------------------

CORPUS = Path(__file__).resolve().parent / "corpus"


def _audit(path: Path, language: str) -> str:
    from jzanalysis.dataset import load_bulletins
    from jzanalysis.report import audit_html

    dataset = load_bulletins([path])
    return audit_html(dataset, Catalogue(language, dataset.region), dataset.region)


def test_the_audit_lists_each_figure_not_mapped_with_its_sentence_and_why():
    # "全市实际到位资金798亿元,总投资1500亿元": 总投资 names no metric (extract --explain: "not mapped:
    # 1500亿元 — no metric for this phrase; phrase “总投资”; quote “总投资1500亿元”)
    path = CORPUS / "41_month_and_quarter_figures.txt"
    zh = _audit(path, "zh")
    table = zh[zh.index('<table class="unmapped">') :]
    assert "读到但未归入任何指标的数字" in zh and "未归入指标的原因" in table
    # the quote, with the head of its sentence: what the 总投资 is of
    assert '<q class="source" lang="zh">全市实际到位资金798亿元,总投资1500亿元</q>' in table
    assert "1,500亿元" in table
    assert '措辞<q class="source" lang="zh">总投资</q>不对应任何指标' in table
    # the summary counts them: one figure not mapped in this file
    summary = _text(zh[: zh.index("</table>")])
    assert "未归入指标" in summary and summary.rstrip().endswith("1")
    en = _audit(path, "en")
    assert ",总投资1500亿元</q>" in en and "150 bn yuan" in en
    assert "its wording" in en and "matches no metric" in en and "Why not mapped" in en
    assert han_outside_quotes(en) == []


def test_the_seeds_figures_not_mapped_are_in_the_audit_and_counted_in_the_appendix(seed):
    # extract --explain of the seed: 15天 (月均驻点天数) and 30条 (农业 only: a part of the total)
    zh = _audit(Path(seed.analysis.dataset.inputs[0]["path"]), "zh")
    table = _text(zh[zh.index('<table class="unmapped">') :])
    assert "今年以来市发改委、市工商局、市国税局等单位月均驻点天数超过15天" in table and "15天" in table
    assert "市农业局、市财政局、市人社局搜集有效项目信息近30条" in table and "30条" in table
    assert "只是总数的一部分（ 农业 ），不是合计" in table
    # the report itself shows no such sentence, only the count, in appendix C
    assert "另有 2 个数字读到但未归入任何指标" in seed.text["appendix"]
    assert "月均驻点天数" not in seed.text["appendix"]


def test_the_audit_shows_the_seeds_subject_period_and_year_with_their_evidence(seed_path):
    # The seed names 荆州市 and its counties; its first period of its own year is "1-7月"; it writes no year
    # but 今年, so the year is the publication date's (2015-09-02) at 0.90 (extract --explain prints the same)
    zh = _audit(seed_path, "zh")
    table = zh[zh.index('<table class="decisions">') :]
    table = _text(table[: table.index("</table>")])
    assert "整篇通报的判断（主体、时期、年份）及其依据" in zh
    assert "主体（城市、区县或开发区） 荆州市 0.97 the text names 荆州市" in table
    assert "统计时期 1-7月 1.00 the text's first period of its own year: “1-7月”" in table
    assert "年份 2015 0.90 今年: the publication date 2015-09-02" in table
    en = _audit(seed_path, "en")
    table = _text(en[en.index('<table class="decisions">') :])
    assert "Subject (city, district or zone) Jingzhou 0.97" in table
    assert "Period Jan–Jul 1.00" in table and "Year 2015 0.90" in table
    assert han_outside_quotes(en) == []  # the evidence is the extractor's own words, shown as program text


def test_the_audit_shows_a_districts_bulletin_under_its_district_and_city(tmp_path):
    # a bulletin of 沙市区 alone (全区…): its subject is the district of 荆州市, not the city
    path = tmp_path / "shashi.txt"
    path.write_text("荆州市沙市区2021年1-6月招商引资情况\n1-6月,全区新签约亿元以上项目18个。\n", encoding="utf-8")
    zh = _audit(path, "zh")
    table = zh[zh.index('<table class="decisions">') :]
    assert '<td class="text">沙市区 (荆州市)</td>' in table[: table.index("</table>")]


def test_every_reason_the_extractor_gives_is_worded_from_the_catalogue():
    from types import SimpleNamespace

    from jzanalysis.regions import get_region
    from jzanalysis.report.notes import unmapped_rows
    from jzanalysis.sources.extract import Unmapped

    text = "来自沪苏浙项目45个；到位资金712.5亿元"
    reasons = {
        Note("unmapped.no_metric"): ("措辞", "its wording"),
        Note("unmapped.part_of_total", {"source": "来自沪苏浙"}): ("只是总数的一部分", "only a part of the total"),
        Note("unmapped.other_breakdown"): ("而非县市区", "not by county"),
        Note("unmapped.wider_figure"): ("口径更宽", "a wider figure"),
        Note("unmapped.difference"): ("增减数", "a change against"),
        Note("unmapped.implausible", {"number": "1500000000", "unit": "亿元"}): ("合理范围", "plausible"),
        Note("unmapped.county_group"): ("几个县市区的合计", "a group of counties"),
        Note("unmapped.city_level"): ("市本级", "own level"),
        Note("unmapped.several_counties"): ("多个县市区", "more than one county"),
        Note("unmapped.not_placed", {"source": "新区"}): ("不在本市", "region profile"),
        Note("unmapped.last_year"): ("上年", "last year"),
        Note("unmapped.unpaired_list"): ("分别", "cannot be paired"),
    }
    items = [Unmapped(45, "个", "来自沪苏浙项目", reason, 0, 10) for reason in reasons]
    items.append(Unmapped(712.5, "", "到位资金", Note("unmapped.wider_figure"), 11, 22))
    extraction = SimpleNamespace(text=text, unmapped=items)
    zh_rows = unmapped_rows(extraction, Catalogue("zh"))
    en_rows = unmapped_rows(extraction, Catalogue("en"))
    for (zh_word, en_word), zh_row, en_row in zip(reasons.values(), zh_rows, en_rows):
        assert zh_word in zh_row[2]["text"] and "<code>" not in zh_row[2]["text"]
        assert en_word in en_row[2]["text"] and not han_outside_quotes(str(en_row[2]["text"]))
    assert zh_rows[0][0]["text"] == "来自沪苏浙项目45个" and zh_rows[0][1] == "45个"
    # a figure a later step set aside carries no unit: it is read from its sentence
    assert zh_rows[-1][0]["text"] == "到位资金712.5亿元" and zh_rows[-1][1] == "712.5亿元"
    assert en_rows[-1][1] == "71.25 bn yuan"
    # an item of a list is read with the list's heading, and said to be one
    luan = "1-6月份全市5亿元以上新签约项目23个,分别为:霍山县9个、霍邱县4个。"
    at = luan.index("霍山县")
    item = Unmapped(9, "个", "分别为:霍山县", Note("unmapped.no_metric"), at, at + 5)
    (row,) = unmapped_rows(SimpleNamespace(text=luan, unmapped=[item]), Catalogue("zh", get_region("六安市")))
    assert row[0]["text"] == "1-6月份全市5亿元以上新签约项目23个,…霍山县9个" and row[1] == "9个"
    assert row[2]["text"] == "是列举中的一项，列举开头的措辞不对应任何指标"
    # a reason the catalogue has no words for is shown as the program wrote it
    odd = SimpleNamespace(text=text, unmapped=[Unmapped(45, "个", "", Note("unmapped.beside_stated"), 0, 10)])
    assert (
        unmapped_rows(odd, Catalogue("zh"))[0][2]["text"] == "<code>a total investment beside the stated amount</code>"
    )


# --- notebooks' parameters --------------------------------------------------------------------------


def test_a_misspelt_notebook_parameter_names_the_allowed_ones():
    namespace = {"source": None, "year": 2015, "as_of_month": 7, "dispersoin": 0.1, "language": "zh"}
    with pytest.raises(InputError, match=r"unknown notebook parameter 'dispersoin'; allowed: source, year, .*sigma"):
        notebook_params(namespace)


def test_notebook_parameters_default_to_the_seed_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    params = notebook_params({"source": None, "language": "en", "In": [], "_": None})
    assert params.source.endswith("data/raw/000_f5510f0c233d12e8.txt") and params.language == "en"


# --- the theme --------------------------------------------------------------------------------------


def test_theme_is_applied_on_import_so_an_analysts_own_chart_shows_chinese():
    import matplotlib
    import seaborn as sns

    import jzanalysis.plots  # noqa: F401
    from jzanalysis import settings

    assert matplotlib.rcParams["font.sans-serif"][0] == settings.cjk_font_family()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = sns.barplot(x=["公安县", "江陵县"], y=[23, 11])
        ax.set_title("新引进亿元以上项目")
        ax.figure.canvas.draw()
    plt.close(ax.figure)
    assert [w for w in caught if "Glyph" in str(w.message)] == []


# --- what the bulletin holds, and what page 1 rests on ----------------------------------------------


def test_page_one_says_the_pace_assumed_against_the_pace_so_far_and_the_calibration(seed):
    text = seed.text["verdict"]
    # 174 in 7 months = 24.857 → 24.9 a month; the forecast's median 267 leaves (267 − 174) / 5 = 18.6 a month:
    # a slowdown, said in words; the count class of the calibration holds 3 real pairs (of 20, from 7 cities)
    assert "1-7月月均24.9个；预测假设剩余 5 个月月均18.6个，慢于已实现的进度" in text
    assert "区间只由 3 组同类真实的“1至当月 → 全年”数据校准（校准数据共 20 组，来自 7 个城市）" in text
    # the publisher and the date the page gives, not the file's hashed name
    assert "数据来源：荆州市招商促进中心，2015-09-02发布。" in seed.text["head"]
    assert "000_f5510f0c233d12e8" not in seed.text["head"]


def test_headline_boxes_then_one_table_for_the_rest(seed):
    # metrics with a plan (新引进亿元以上项目, 实际到位资金) and the first three by priority get a box; the rest
    # of the seed's running totals share one table on page 1, each with its forecast
    boxes = re.findall(r'<div class="verdict verdict-(\w+)">', seed.html)
    assert len(boxes) == 3
    assert "其余 " in seed.text["verdict"] and "“四大家”领导外出 26次" in seed.text["verdict"]


def _bulletin(tmp_path: Path, text: str, name: str = "b.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_city_figure_only_bulletin_gets_one_line_for_counties_and_a_rate_in_other_figures(tmp_path):
    source = _bulletin(
        tmp_path,
        "发布时间:2015-09-02\n2015年1-7月，荆州市新引进亿元以上项目174个，完成全年计划的71.6%；"
        "实际到位资金798亿元。亿元以上工业项目开工率为78.1%。\n",
    )
    r = Rendered(ReportParams.build(source=source))
    try:
        # no county figure: one line, the bulletin's reason, no bare heading nor table (the 'none' literal bug)
        assert r.text["counties"].strip() == "县市区比较 无县市区比较：通报没有按县市区分列数字。"
        # the rate is not forecast; it is listed with its date
        assert "亿元以上工业项目开工率 荆州市 2015年截至7月 78.1%" in r.text["others"]
        assert "年份：" not in r.text["verdict"]  # 2015年 is written in the text: no clue to declare
    finally:
        r.close()


def test_a_year_taken_from_the_publication_date_is_said_on_page_one(tmp_path):
    # 今年 with a publication date: the extractor dates the figure 2019, from the page's date only
    source = _bulletin(tmp_path, "发布时间:2019-05-06\n今年1-4月，荆州市新引进亿元以上项目50个，完成全年计划的40%。\n")
    r = Rendered(ReportParams.build(source=source))
    try:
        assert r.analysis.params.year == 2019 and r.analysis.year_basis == "publication"
        assert "年份：通报正文没有写年份，按页面的发布日期 2019-05-06 定为 2019 年" in r.text["verdict"]
    finally:
        r.close()


def test_a_year_from_the_publication_date_beside_another_written_year_says_so(tmp_path):
    # last year's review is written with its year (2018年), this year's months are not: 1-4月 is dated 2019 from
    # the page's date, and page 1 must not claim the text writes no year at all; a later year (the page's 今天是…
    # chrome, a plan's year) is no other period
    source = _bulletin(
        tmp_path,
        "发布时间:2019-05-06\n2018年，荆州市新引进亿元以上项目250个。今年1-4月，荆州市新引进亿元以上项目50个。2025年建成千亿产业集群。\n",
    )
    r = Rendered(ReportParams.build(source=source))
    try:
        assert r.analysis.params.year == 2019 and r.analysis.years_written == (2018, 2025)
        assert (
            "年份：这些数字的年份正文没有写明（正文写的 2018 年是别的时期），按页面的发布日期 2019-05-06 定为 2019 年"
            in (r.text["verdict"])
        )
        assert "正文没有写年份" not in r.text["verdict"]
    finally:
        r.close()


def test_a_year_end_bulletin_is_reviewed_not_refused(tmp_path):
    source = _bulletin(
        tmp_path, "2015年全年，荆州市新引进亿元以上项目260个，完成全年计划的107%，增长12%。\n", "year_end.txt"
    )
    r = Rendered(ReportParams.build(source=source))
    try:
        assert r.report.title() == "荆州市2015年招商引资全年回顾"
        assert "新引进亿元以上项目：全年完成260个，为全年计划的107%，完成计划，比上年增长12%。" in r.text["verdict"]
        assert "新引进亿元以上项目 260个 107% 12%" in r.text["review"]
        assert r.text["forecast"] == "" and r.text["progress"] == ""  # nothing to forecast, no empty section
        # the bulletin is given alone: no earlier forecast to set against the outcome, so no such subsection
        assert "同年各期通报的预测与全年结果" not in r.text["review"] and "<h3>" not in r.report.review_html()
        # nothing was forecast: Appendix B says so in one line, without the forecast's methods, metrics, φ and σ
        appendix = r.text["appendix"]
        assert "预测 不作预测：通报已覆盖全年" in appendix and "B. 参数" not in appendix and "A. 参数" in appendix
        for absent in ("要求预测", "全部适用的方法", "默认方法见", "按真实数据校准"):
            assert absent not in appendix, absent
        en = Report(r.analysis, "en").review_html()
        assert "Only the year-end bulletin" not in en and "<h3>" not in en and "<h2>" in en
    finally:
        r.close()


def test_the_parameters_point_at_the_appendix_part_that_lists_the_methods(seed):
    # the seed is forecast: Appendix A lists the methods (★ the default), B the parameters pointing at it
    appendix = seed.text["appendix"]
    assert "A. 预测方法" in appendix and "B. 参数" in appendix
    assert "预测方法 全部适用的方法，默认方法见附录 A 的表" in appendix
    assert "要求预测的指标" in appendix


def test_the_year_in_review_sets_an_earlier_bulletins_forecast_against_the_outcome(tmp_path):
    # 1-7月 (174, 71.6% of plan) and the year-end bulletin (260) given together: the subsection is there, with
    # the 1-7月 forecast's row (its 80% interval 232–312 holds 260, see the hindcast test below)
    early = _bulletin(tmp_path, "2015年1-7月，荆州市新引进亿元以上项目174个，完成全年计划的71.6%。\n", "m07.txt")
    _bulletin(tmp_path, "2015年全年，荆州市新引进亿元以上项目260个，完成全年计划的107%。\n", "m12.txt")
    analysis = analyse(ReportParams.build(source=str(Path(early).parent)))
    html = Report(analysis).review_html()
    assert "<h3>同年各期通报的预测与全年结果</h3>" in html and "1-7月" in _text(html)


def test_english_counts_one_bulletin_and_one_figure_in_the_singular(tmp_path):
    # one bulletin with one figure (260 projects): "the bulletin's own text", "1 figure extracted"
    source = _bulletin(tmp_path, "2015年全年，荆州市新引进亿元以上项目260个。\n", "one.txt")
    analysis = analyse(ReportParams.build(source=source))
    assert len(analysis.dataset.extractions) == 1 and len(analysis.dataset.facts) == 1
    report = Report(analysis, "en")
    assert "Generated from the bulletin's own text" in _text(report.head_html())
    appendix = _text(report.appendix_html())
    assert "1 figure extracted." in appendix and "figures extracted" not in appendix


def test_earlier_bulletins_forecasts_are_set_against_the_year_end_outcome():
    from jzanalysis.pipeline import hindcasts
    from jzanalysis.schema import facts_frame

    facts = facts_frame(
        [
            dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6),
            dict(year=2015, months=12, region="荆州市", metric="projects_100m", value=260, unit="个"),
        ]
    )
    params = ReportParams.build(year=2015, as_of_month=12, region="荆州市")
    (h,) = hindcasts(facts, params, "projects_100m")
    # the 1-7月 forecast of the seed (median 267, 80% 232–312) against the outcome 260: inside, 2.7% high
    assert (h.as_of, h.ytd, h.outcome) == (7, 174, 260)
    assert round(h.point) == 267 and (round(h.interval80[0]), round(h.interval80[1])) == (232, 312) and h.inside80
    assert round(h.error_pct, 1) == round((h.point - 260) / 260 * 100, 1)


def test_facts_table_marks_rows_to_confirm_and_their_correction():
    from jzanalysis.report.sections import facts_table
    from jzanalysis.schema import facts_frame

    facts = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个")])
    facts["to_confirm"] = [True]
    facts["correction"] = ["corrected: value 175 → 174, yoy_pct – → 12"]  # as jzanalysis.corrections writes it
    table = facts_table(facts, Catalogue("zh"))
    value = table["rows"][0][table["columns"].index(next(c for c in table["columns"] if c["label"] == "数值"))]
    assert value["text"] == "174个" and value["note"] == "待核实 分析人员更正：数值 175 → 174、增长 – → 12"
    facts["correction"] = ["accepted"]
    facts["to_confirm"] = [False]
    english = facts_table(facts, Catalogue("en"))
    assert any(isinstance(cell, dict) and cell.get("note") == "confirmed by the analyst" for cell in english["rows"][0])
    # without those columns the cell is the plain value
    plain = facts_table(facts.drop(columns=["to_confirm", "correction"]), Catalogue("zh"))
    assert "174个" in plain["rows"][0]


def test_every_section_is_in_the_registry_in_order():
    from jzanalysis.report.sections import ORDER, REGISTRY

    assert ORDER == ("head", "verdict", "progress", "review", "forecast", "counties", "others", "appendix")
    assert set(ORDER) <= set(REGISTRY) and {"counties_page", "appendix_data", "audit"} <= set(REGISTRY)


def test_a_text_without_year_or_date_asks_for_year_then_says_it_was_given(tmp_path):
    source = _bulletin(tmp_path, "1-4月，荆州市新引进亿元以上项目50个。\n")
    with pytest.raises(InputError, match=r"the text states no year .*; pass --year YYYY$"):
        analyse(ReportParams.build(source=source))
    r = Rendered(ReportParams.build(source=source, year=2016))
    try:
        assert (r.analysis.params.year, r.analysis.params.as_of_month) == (2016, 4)
        assert "年份：通报正文没有写年份，按指定的 2016 年计算。" in r.text["verdict"]
    finally:
        r.close()
