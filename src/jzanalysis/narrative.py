"""The report's words, tables and figures, rendered from an :class:`~jzanalysis.pipeline.Analysis`.

Notebooks call these one per section; each returns an HTML fragment (or figures), so what the report
says is library code with tests, not notebook code. All numbers carry their provenance: the bulletin
sentence they came from, the method and its parameters.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import platform

import pandas as pd

from . import __version__, settings
from .calendar import time_progress
from .metrics import METRICS
from .pipeline import Analysis


def _e(text) -> str:
    return html.escape(str(text))


def fmt(value: float | None, digits: int = 1) -> str:
    """Number for the report: thousands separators, ``digits`` decimals, an en dash for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def fmt_interval(interval, digits: int = 1) -> str:
    """``[lo, hi]`` as ``lo–hi``."""
    return f"{fmt(interval[0], digits)}–{fmt(interval[1], digits)}"


def _digits_for(unit: str) -> int:
    return 0 if unit == "个" else 1


def _table(frame: pd.DataFrame, text_columns: tuple[str, ...] = ()) -> str:
    """An HTML table; columns in ``text_columns`` are left-aligned."""
    head = "".join(f'<th class="{"text" if c in text_columns else ""}">{_e(c)}</th>' for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="{"text" if c in text_columns else ""}">{_e(v)}</td>' for c, v in zip(frame.columns, record)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def show(fig, width: int = 680) -> None:
    """Display a matplotlib figure as a PNG in the notebook (and so in the report), then close it.

    Closing matters: the inline backend would otherwise show the same figure a second time.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=160, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png", width=width))


# --- title and headline ----------------------------------------------------------------------------

def title(a: Analysis) -> str:
    """Report title, e.g. ``荆州市2015年1-7月招商引资进度与全年预测``."""
    p = a.params
    return f"{p.region}{p.year}年1-{p.as_of_month}月招商引资进度与全年预测"


def title_html(a: Analysis) -> str:
    """Title block: title, the bulletin(s) and publication date."""
    sources = "、".join(r.source for r in a.dataset.extractions)
    published = "、".join(d.isoformat() for d in a.publication_dates) or "未注明"
    return (
        f"<h1>{_e(title(a))}</h1>"
        f"<p>数据来源：{_e(sources)}（发布日期 {_e(published)}）。本报告由 jzanalysis {_e(__version__)} "
        f"依据通报原文自动生成，所有数字均注明出处与计算方法。</p>"
    )


def _forecast_for(a: Analysis, metric: str) -> dict | None:
    return a.forecasts.get(metric)


def headline_html(a: Analysis) -> str:
    """Headline: task progress against time progress for each metric, and the default forecast."""
    p = a.params
    months = time_progress(p.year, p.as_of_month, "months") * 100
    items = []
    for row in a.derived.itertuples():
        unit = row.unit
        digits = _digits_for(unit)
        gap = row.plan_pct - months
        ahead = "快于" if gap >= 0 else "慢于"
        text = (
            f"<b>{_e(row.label)}</b>：1-{p.as_of_month}月 {fmt_value(row.value)}{_e(unit)}，"
            f"完成全年计划的 {fmt(row.plan_pct)}%，时间进度 {fmt(months)}%（按月份）/ "
            f"{fmt(row.time_progress_workdays)}%（按工作日），{ahead}时间进度 {fmt(abs(gap))} 个百分点。"
        )
        forecast = _forecast_for(a, row.metric)
        if forecast:
            default = forecast["forecast"]
            text += (
                f" 按默认方法（{_e(default.get('label_zh', default['method']))}）预测全年约 {fmt(default['point'], digits)}{_e(unit)}"
                f"（中位数，80% 区间 {fmt_interval(default['interval80'], digits)}{_e(unit)}）；{_e(p_meet_plan_text(default, unit).split('（')[0])}。"
            )
        items.append(f"<li>{text}</li>")
    if not items:
        items.append("<li>通报未给出完成全年计划的百分比，无法比较任务进度与时间进度。</li>")
    return f'<div class="headline"><ul>{"".join(items)}</ul></div>'


def p_meet_plan_text(method: dict, unit: str = "") -> str:
    """P(meet plan) in words an official reads (see :func:`p_meet_plan_sentence`)."""
    if method.get("p_meet_plan") is None:
        return ""
    return p_meet_plan_sentence(method)


def _fmt_value(v: float, unit: str | None) -> str:
    if unit == "个" or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def fmt_probability(p: float) -> str:
    """A probability in words: 10%–90% to the nearest 5%, else to 1%; never "100%" or "0%".

    Rounding never crosses 50%: a probability under one half is never shown as 50% or more (it reads
    "略低于 50%"), so the words agree with the point forecast (the median) against the plan.
    """
    if p > 0.99:
        return "超过 99%"
    if p < 0.01:
        return "不到 1%"
    if 0.1 <= p <= 0.9:
        # the model is not good to the last percent: report to the nearest 5%
        rounded = int(round(p * 20)) * 5
    else:
        rounded = int(round(p * 100))
    if p < 0.5 <= rounded / 100:
        return "略低于 50%"
    return f"约为 {rounded}%"


def p_meet_plan_sentence(method_dict: dict) -> str:
    """P(meet plan) of one method object in words an official reads.

    When the method used what published plans say about where years end (``parameters.plan_prior``),
    the sentence says so. The probability is ≥ 50% exactly when the point forecast (the median) meets
    the plan, and its rounding never crosses 50%.

    >>> p_meet_plan_sentence({"p_meet_plan": 0.903, "interval80": [255.6, 349.8], "unit": "个"})
    '按当前进度完成全年计划的概率约为 90%（80% 区间 256–350 个）'
    """
    p = method_dict.get("p_meet_plan")
    unit = method_dict.get("unit") or ""
    lo, hi = method_dict["interval80"]
    interval = f"（80% 区间 {_fmt_value(lo, unit)}–{_fmt_value(hi, unit)} {unit}）".replace(" ）", "）")
    if p is None:
        return f"未给出全年计划，无法估计完成计划的概率{interval}"
    basis = "综合当前进度与以往计划的完成情况，" if (method_dict.get("parameters") or {}).get("plan_prior") else "按当前进度"
    return f"{basis}完成全年计划的概率{fmt_probability(p)}{interval}"


# --- progress --------------------------------------------------------------------------------------

def progress_table_html(a: Analysis) -> str:
    """Derived progress table with the arithmetic of each derived figure."""
    if a.derived.empty:
        return "<p>通报未给出完成计划的百分比，无法推算全年计划。</p>"
    p = a.params
    rows = []
    for r in a.derived.itertuples():
        d = _digits_for(r.unit)
        rows.append(
            {
                "指标": r.label,
                f"1-{p.as_of_month}月": f"{fmt_value(r.value)}{r.unit}",
                "完成计划": f"{fmt(r.plan_pct)}%",
                "推算全年计划": f"{fmt_value(r.value)} ÷ {fmt(r.plan_pct)}% = {fmt(r.implied_plan)}",
                "上年同期": "–" if pd.isna(r.prior_year) else f"{fmt_value(r.value)} ÷ (1+{fmt(r.yoy_pct)}%) = {fmt(r.prior_year)}",
                "时间进度(月/工作日)": f"{fmt(r.time_progress_months)}% / {fmt(r.time_progress_workdays)}%",
                "进度差(百分点)": f"{r.gap_months:+.1f} / {r.gap_workdays:+.1f}",
                "已实现月均": fmt(r.observed_pace),
                "剩余月份所需月均": f"({fmt(r.implied_plan)} − {fmt_value(r.value)}) ÷ {12 - p.as_of_month} = {fmt(r.required_pace)}",
            }
        )
    note = (
        f"<p>时间进度按月份为 {p.as_of_month}/12；按工作日依国务院办公厅公布的节假日安排（含调休上班日），"
        f"数据来自 chinese_calendar。进度差 = 完成计划百分比 − 时间进度。</p>"
    )
    return _table(pd.DataFrame(rows), text_columns=("指标", "推算全年计划", "上年同期", "剩余月份所需月均")) + note


def burnup_figures(a: Analysis) -> list:
    """One burn-up chart per forecast metric that has a plan."""
    from .plots.progress import burnup_chart

    figures = []
    for metric, forecast in a.forecasts.items():
        if not forecast.get("plan"):
            continue
        straight = next((m for m in forecast["methods"] if m["method"] == "straight_line_workdays"), None) or next(
            (m for m in forecast["methods"] if m["method"] == "straight_line_months"), None)
        figures.append(
            burnup_chart(
                label=METRICS[metric].label, unit=METRICS[metric].unit, year=forecast["year"], as_of=forecast["as_of"],
                ytd=forecast["ytd"], plan=forecast["plan"], forecast_point=straight["point"] if straight else None,
            )
        )
    return figures


def working_days_html(a: Analysis) -> str:
    """Check of the bulletin's "全年有效工作日仅剩百天" against the official calendar."""
    check = a.working_days_check
    if not check:
        return ""
    year = a.params.year
    parts = [f"通报称“{_e(check['quote'])}”（{fmt(check['claimed'], 0)} 个工作日）。按官方日历核对："]
    if check.get("from_publication") is not None:
        parts.append(f"自发布日 {check['publication_date'].isoformat()} 起至年底剩 {check['from_publication']} 个工作日；")
    after = check["after_month"].get(a.params.as_of_month)
    if after is not None:
        parts.append(f"自 {year} 年 {a.params.as_of_month + 1} 月 1 日起剩 {after} 个；")
    if check.get("exact_from"):
        parts.append(f"恰好剩 {fmt(check['claimed'], 0)} 个工作日只在自 {check['exact_from'].isoformat()} 起算时成立。")
    parts.append(f"全年共 {check['year_working_days']} 个工作日。")
    return f"<p>{''.join(parts)}</p>"


# --- forecast --------------------------------------------------------------------------------------

def forecast_table_html(forecast: dict) -> str:
    """Every method's point forecast, intervals and P(meet plan); the default marked."""
    unit = forecast.get("unit") or METRICS[forecast["metric"]].unit
    d = _digits_for(unit)
    rows = []
    for m in forecast["methods"]:
        rows.append(
            {
                "方法": ("★ " if m["method"] == forecast["forecast"]["method"] else "") + m.get("label_zh", m["method"]),
                "方法代码": m["method"],
                f"全年预测({unit})": fmt(m["point"]),
                "80%区间": fmt_interval(m["interval80"], d),
                "95%区间": fmt_interval(m["interval95"], d),
                "完成计划概率": "–" if m.get("p_meet_plan") is None else _pct(m["p_meet_plan"]),
                "参数": _params_text(m.get("parameters") or {}, forecast.get("kind")),
            }
        )
    plan_line = (
        f"<p>全年计划：{fmt(forecast['plan'])}{_e(unit)}（{_e(plan_source_zh(forecast))}）。"
        f"1-{forecast['as_of']}月实际：{fmt_value(forecast['ytd'])}{_e(unit)}，出处：“{_e(forecast.get('quote', ''))}”。</p>"
        if forecast.get("plan") else f"<p>通报未给出全年计划，只作点预测与区间。</p>"
    )
    return plan_line + _table(pd.DataFrame(rows), text_columns=("方法", "方法代码", "参数")) + "<p>★ 为默认方法。表中概率保留到 1%；正文中 10%–90% 之间的概率取整到 5%，因为模型的精度不到个位百分点。</p>"


def _pct(p: float) -> str:
    if p > 0.99:
        return ">99%"
    if p < 0.01:
        return "<1%"
    return f"{p:.0%}"


def _period_zh(months, metric: str) -> str:
    """"1-7月" for a January..July running total; "6月" for a figure at a point in time (a stock, the
    end-of-June batch), which is not a January..June sum; "全年" for a full year."""
    if pd.isna(months):
        return "?"
    if months >= 12:
        return "全年"
    cumulative = METRICS[metric].cumulative if metric in METRICS else True
    return f"1-{months}月" if cumulative else f"{months}月"


_BASIS_ZH = {"months": "按月份", "days": "按日历日", "workdays": "按工作日"}


def _params_text(parameters: dict, kind: str | None = None) -> str:
    """A method's parameters in the report's words: time-progress basis and share, spread, prior."""
    parts = []
    if "basis" in parameters:
        parts.append(f"时间进度{_BASIS_ZH.get(parameters['basis'], parameters['basis'])}")
    if isinstance(parameters.get("share"), (int, float)):
        parts.append(f"已过 {parameters['share']:.1%}")
    if isinstance(parameters.get("dispersion"), (int, float)):
        symbol = "σ" if kind == "amount" else "φ"
        parts.append(f"离散参数 {symbol}={parameters['dispersion']:.2g}")
    if isinstance(parameters.get("a0"), (int, float)):
        parts.append(f"先验 a0={parameters['a0']:g}")
    if "interval" in parameters:
        parts.append("区间沿用默认模型的离散度")
    if parameters.get("calibration_class"):
        lean = "，样本少，主要依靠先验" if parameters.get("leans_on_prior") else ""
        parts.append(f"依据真实数据校准（{parameters['calibration']}，同类 {parameters.get('class_pairs', 0)} 组{lean}）")
    if isinstance(parameters.get("weights"), dict) and len(parameters["weights"]) > 1:
        parts.append("组合权重 " + "、".join(f"{k} {v:.0%}" for k, v in parameters["weights"].items()))
    if isinstance(parameters.get("plan_information_share"), (int, float)):
        parts.append(f"全年计划提供的信息占 {parameters['plan_information_share']:.0%}")
    shown = {"basis", "share", "dispersion", "a0", "interval", "share_source", "dispersion_meaning", "tau",
             "calibration", "calibration_class", "class_pairs", "leans_on_prior", "weights", "components",
             "plan_prior", "plan_information_share", "bias", "bias_sd", "c", "d", "sd_log", "point_mass_at_ytd",
             "dispersion_source", "df", "log_sd"}
    parts.extend(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in parameters.items() if k not in shown)
    return "，".join(parts)


def fmt_value(value: float) -> str:
    """A figure as the bulletin wrote it: 174, 798, 78.1 (no trailing .0)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def plan_source_zh(forecast: dict) -> str:
    """Where the plan came from, in the report's words, with the arithmetic."""
    import re

    source = forecast.get("plan_source") or ""
    if source.startswith("given"):
        return "用户指定"
    info = forecast.get("plan_info") or {}
    if info.get("pct") is not None and info.get("pct_month") not in (None, forecast.get("as_of")):
        # the percent came from an earlier bulletin of the year
        return f"由1-{info['pct_month']}月通报的“完成全年计划的{info['pct']:g}%”推算"
    match = re.search(r"plan_pct ([\d.]+)%", source)
    if match:
        pct = float(match.group(1))
        return f"由“完成全年计划的{pct:g}%”推算：{fmt_value(forecast['ytd'])} ÷ {pct:g}% = {fmt(forecast['plan'])}"
    return source


def pace_html(forecast: dict) -> str:
    """Pace needed for the remaining months against the pace observed so far."""
    default = forecast["forecast"]
    unit = forecast.get("unit") or METRICS[forecast["metric"]].unit
    if not forecast.get("plan") or default.get("required_pace") is None:
        return ""
    remaining = 12 - forecast["as_of"]
    verdict = "低于" if default["required_pace"] <= default["observed_pace"] else "高于"
    return (
        f"<p>完成全年计划，剩余 {remaining} 个月每月需 {fmt(default['required_pace'])}{_e(unit)}"
        f"（({fmt(forecast['plan'])} − {fmt_value(forecast['ytd'])}) ÷ {remaining}），"
        f"{verdict}1-{forecast['as_of']}月已实现的月均 {fmt(default['observed_pace'])}{_e(unit)}。</p>"
    )


def forecast_sentence_html(forecast: dict) -> str:
    """The default method's P(meet plan) in words, with the method and its parameters."""
    default = forecast["forecast"]
    sentence = p_meet_plan_text(default, forecast.get("unit", ""))
    if not sentence:
        return ""
    return f"<p><b>{_e(sentence)}</b>（方法：{_e(default.get('label_zh', default['method']))}，{_e(_params_text(default.get('parameters') or {}, forecast.get('kind')))}）</p>"


def fan_figure(forecast: dict):
    """Fan chart for one metric (see :mod:`jzanalysis.plots.fan`)."""
    from .plots.fan import fan_chart

    return fan_chart(forecast, title=f"{forecast['year']}年{METRICS[forecast['metric']].label}：全年预测")


# --- counties --------------------------------------------------------------------------------------

_FUNNEL_ZH = {"inside": "控制限内", "above95": "高于95%上限", "below95": "低于95%下限", "above998": "高于99.8%上限",
              "below998": "低于99.8%下限"}


def county_table_html(a: Analysis) -> str:
    """County table: value, share, exact Poisson 95% interval, expected, O/E, funnel position, rank."""
    c = a.comparison
    if c is None:
        return f"<p>无县市区比较：{_e(a.comparison_note or '通报未给出分县市区数字')}。</p>"
    unit = METRICS[c["metric"]].unit
    rows = []
    for county in c["counties"]:
        name = county["region"] + (f"（{county['note']}）" if county.get("note") else "")
        rows.append(
            {
                "县市区": name,
                f"数量({unit})": fmt(county["value"], 0),
                "占比": f"{county['share']:.1%}",
                "95%区间(精确泊松)": fmt_interval(county["ci95"], 2),
                "期望": fmt(county["expected"]),
                "实际/期望": fmt(county["oe"], 2),
                "漏斗图位置": _FUNNEL_ZH.get(county["funnel"], county["funnel"]),
                "排名(区间)": f"{county['rank']}（{county['rank_interval'][0]}–{county['rank_interval'][1]}）"
                if county.get("rank_interval") else str(county["rank"]),
            }
        )
    h = c["homogeneity"]
    summary = (
        f"<p>期望值依据：{_e(c['expected_basis_zh'])}。各县市区数量合计 {fmt(sum(x['value'] for x in c['counties']), 0)}"
        f"{_e(unit)}，全市 {fmt(c['city_total'], 0)}{_e(unit)}。同质性检验 χ² = {h['chi2']:.2f}，自由度 {h['df']}，"
        f"p = {h['p']:.2f}。</p>"
    )
    return _table(pd.DataFrame(rows), text_columns=("县市区", "漏斗图位置")) + summary


def county_sentences_html(a: Analysis) -> str:
    """Sentences only where the evidence supports them, and the end-of-June batch signings as context."""
    from .compare import county_sentences

    if a.comparison is None:
        return ""
    items = "".join(f"<li>{_e(s)}</li>" for s in county_sentences(a.comparison))
    context = a.comparison.get("context") or {}
    extra = ""
    batch = context.get("batch_signings_june") if isinstance(context, dict) else None
    if batch:
        listed = "、".join(f"{b['region']} {fmt(b['value'], 0)} 个" for b in batch)
        extra = f"<p>背景：6月底集中签约 {_e(listed)}（通报原文）。集中签约使月度数字成批出现，县市区之间的短期差异更多反映签约时点。</p>"
    return f"<ul>{items}</ul>{extra}"


def county_figures(a: Analysis) -> list:
    """Dot-and-interval chart and funnel plot of the county comparison."""
    from .plots.county import county_interval_chart, funnel_plot

    if a.comparison is None:
        return []
    return [county_interval_chart(a.comparison), funnel_plot(a.comparison)]


def county_onepager_figure(a: Analysis, region: str):
    """The dot-and-interval chart with ``region`` ringed and its name coloured (None when there is no comparison)."""
    from .plots.county import county_interval_chart

    if a.comparison is None:
        return None
    return county_interval_chart(a.comparison, highlight=a.region.canonical(region))


# --- sources and provenance ------------------------------------------------------------------------

_CLEANING_ZH = {
    "spam_title": "注入的垃圾标题", "spam": "注入的垃圾内容", "js_tail": "脚本残留", "site_chrome": "网站页面元素",
    "t2s": "繁体转简体", "pinyin_gloss": "拼音注音残留", "doubled_punct": "重复标点", "fullwidth_digits": "全角数字",
}


def sources_html(a: Analysis) -> str:
    """Source section of a report (see :func:`dataset_sources_html`)."""
    return dataset_sources_html(a.dataset)


def dataset_sources_html(dataset) -> str:
    """Per bulletin, what was removed as injected or chrome, warnings, and every extracted figure with its quote."""
    parts = []
    for r in dataset.extractions:
        parts.append(
            f"<h3>{_e(r.source)}</h3><p>编码：{_e(r.encoding)}；sha256：<code>{_e(r.sha256)}</code>；"
            f"发布日期：{_e(r.publication_date or '未注明')}；提取数字 {len(r.facts)} 个。</p>"
        )
        if r.cleaning:
            removed = pd.DataFrame(
                [{"行": s.line, "类型": _CLEANING_ZH.get(s.kind, s.kind), "内容": s.text} for s in r.cleaning]
            )
            parts.append("<p>清洗时删除或改写的内容（不属于通报正文）：</p>" + _table(removed, text_columns=("类型", "内容")))
        if r.warnings:
            parts.append("<p>提示：</p><ul>" + "".join(f"<li>{_e(w)}</li>" for w in r.warnings) + "</ul>")
    facts = dataset.facts
    if not facts.empty:
        shown = pd.DataFrame(
            {
                "来源": facts.source.astype(str),
                "年份": facts.year.astype("string").fillna("?"),
                "月份": [_period_zh(m, metric) for m, metric in zip(facts.months, facts.metric)],
                "地区": facts.region,
                "指标": facts.metric.map(lambda m: METRICS[m].label if m in METRICS else m),
                "数值": [
                    f"{'近' if q == 'approx' else '逾' if q == 'more_than' else ''}{v:g}{u}"
                    for v, u, q in zip(facts.value, facts.unit.fillna(""), facts.qualifier.fillna(""))
                ],
                "完成计划%": facts.plan_pct.map(lambda x: "" if pd.isna(x) else f"{x:g}"),
                "增长%": facts.yoy_pct.map(lambda x: "" if pd.isna(x) else f"{x:g}"),
                "原文": facts.quote,
            }
        )
        if facts.source.nunique() == 1:
            shown = shown.drop(columns="来源")
        parts.append("<p>从通报中提取的全部数字及其原文：</p>" + _table(shown, text_columns=("来源", "指标", "原文")))
    return "".join(parts)


def _generated() -> str:
    """When or from what the report was made. A batch run names its key (the hash of every input, so
    the same inputs give the same bytes); ``SOURCE_DATE_EPOCH`` fixes the time (reproducible builds)."""
    import os

    from .analysis_cache import run_key

    key = run_key()
    if key:
        return f"输入指纹 {key[:16]}"
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        when = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc)
    else:
        when = dt.datetime.now()
    return f"生成时间 {when.strftime('%Y-%m-%d %H:%M')}"


def provenance_html(a: Analysis) -> str:
    """Footer: package version, git commit, input sha256, parameters, time and platform."""
    p = a.params
    inputs = "；".join(f"{i['path'].split('/')[-1]} sha256 {i['sha256']}" for i in a.dataset.inputs)
    parameters = ", ".join(f"{k}={v}" for k, v in p.model_dump().items() if k != "source")
    return (
        '<div class="provenance">'
        f"<p>生成信息：jzanalysis {_e(__version__)}，git {_e(settings.git_commit())}，"
        f"Python {_e(platform.python_version())}，{_e(_generated())}。</p>"
        f"<p>输入：{_e(inputs)}。</p><p>参数：{_e(parameters)}。</p></div>"
    )


def forecast_heading_html(forecast: dict) -> str:
    """Sub-heading of a metric's forecast section."""
    return f"<h3>{_e(METRICS[forecast['metric']].label)}（{_e(forecast['region'])}）</h3>"


# --- data audit ------------------------------------------------------------------------------------

def audit_summary_html(dataset) -> str:
    """Per file: encoding guess, sha256, facts, cleaning steps, warnings and conflicts, as counts."""
    rows = [
        {
            "文件": r.source,
            "编码(置信度)": f"{r.encoding}" + ("" if r.encoding_confidence is None else f" ({r.encoding_confidence:.2f})"),
            "sha256": r.sha256[:12] + "…",
            "发布日期": str(r.publication_date or "未注明"),
            "提取数字": len(r.facts),
            "清洗步骤": len(r.cleaning),
            "提示": len(r.warnings),
            "冲突": len(r.conflicts),
        }
        for r in dataset.extractions
    ]
    if not rows:
        return "<p>没有读到任何通报。</p>"
    general = "".join(f"<li>{_e(w)}</li>" for w in dataset.warnings)
    return _table(pd.DataFrame(rows), text_columns=("文件", "编码(置信度)", "sha256", "发布日期")) + (
        f"<p>全部提示：</p><ul>{general}</ul>" if general else "<p>没有提示。</p>"
    )


def audit_conflicts_html(dataset) -> str:
    """Figures stated twice with different values: listed with both quotes, never averaged."""
    rows = []
    for r in dataset.extractions:
        for conflict in r.conflicts:
            item = conflict if isinstance(conflict, dict) else getattr(conflict, "__dict__", {"conflict": str(conflict)})
            rows.append({"文件": r.source, "冲突": "；".join(f"{k}: {v}" for k, v in item.items())})
    if not rows:
        return "<p>没有同一指标、同一时期、同一地区的数值冲突。</p>"
    return _table(pd.DataFrame(rows), text_columns=("文件", "冲突"))


# --- county one-pager ------------------------------------------------------------------------------

def county_onepager_html(a: Analysis, region: str) -> str:
    """One county: its figure with exact interval, expected (按进度 or share), O/E, funnel, rank interval,
    the sentence the evidence supports (if any), and every figure the bulletin gives for it with its quote."""
    from .compare import county_sentences

    region = a.region.canonical(region)
    c = a.comparison
    if c is None:
        return f"<p>无县市区比较：{_e(a.comparison_note or '通报未给出分县市区数字')}。</p>"
    county = next((x for x in c["counties"] if x["region"] == region), None)
    if county is None:
        return f"<p>{_e(region)}：{a.params.year}年1-{a.params.as_of_month}月通报未给出该县市区的数字。</p>"
    unit = METRICS[c["metric"]].unit
    label = METRICS[c["metric"]].label
    lines = [
        f"<h1>{_e(region)}：{a.params.year}年1-{a.params.as_of_month}月{_e(label)}</h1>",
        '<div class="headline"><ul>',
        f"<li>{_e(label)} {fmt(county['value'], 0)}{_e(unit)}，占全市 {county['share']:.1%}"
        f"（全市 {fmt(c['city_total'], 0)}{_e(unit)}）；精确泊松 95% 区间 {fmt_interval(county['ci95'], 2)}。</li>",
        f"<li>期望 {fmt(county['expected'])}{_e(unit)}（{_e(c['expected_basis_zh'])}），实际/期望 {fmt(county['oe'], 2)}"
        + (f"，95% 区间 {fmt_interval(county['oe_ci95'], 2)}" if county.get("oe_ci95") else "")
        + f"；漏斗图位置：{_e(_FUNNEL_ZH.get(county['funnel'], county['funnel']))}。</li>",
        f"<li>排名第 {county['rank']} 位"
        + (f"，考虑随机波动后的排名区间为第 {county['rank_interval'][0]}–{county['rank_interval'][1]} 位" if county.get("rank_interval") else "")
        + "。</li>",
    ]
    if county.get("on_schedule") is not None:
        lines.append(f"<li>按计划进度：{'已按进度完成' if county['on_schedule'] else '未按进度完成'}（计划 {fmt(county.get('plan'))}{_e(unit)}）。</li>")
    lines.append("</ul></div>")
    own = [s for s in county_sentences(c) if region in s]
    lines.append(f"<p>{_e(own[0])}</p>" if own else "<p>现有数字不足以说明该县市区与全市平均水平有差异。</p>")
    facts = a.dataset.facts[a.dataset.facts.region == region]
    if not facts.empty:
        shown = pd.DataFrame(
            {
                "指标": facts.metric.map(lambda m: METRICS[m].label if m in METRICS else m),
                "时期": [f"{y}年{_period_zh(m, metric)}"
                         for y, m, metric in zip(facts.year.astype("string").fillna("?"), facts.months, facts.metric)],
                "数值": [f"{v:g}{u}" for v, u in zip(facts.value, facts.unit.fillna(""))],
                "原文": facts.quote,
            }
        )
        lines.append("<p>通报中关于该县市区的全部数字：</p>" + _table(shown, text_columns=("指标", "时期", "原文")))
    return "".join(lines)


def forecast_notes_html(a: Analysis) -> str:
    """Metrics asked for that have no forecast, and why (e.g. the bulletin states no plan for them)."""
    if not a.forecast_notes:
        return ""
    items = "".join(f"<li>{_e(METRICS[m].label)}：未作预测（{_e(reason)}）</li>" for m, reason in a.forecast_notes.items())
    return f"<ul>{items}</ul>"
