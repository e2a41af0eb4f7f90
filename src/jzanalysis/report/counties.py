"""The county comparison in words: what the expected counts are, and what the figures show.

:func:`jzanalysis.compare.compare_from_facts` gives numbers and codes only; the report's county section,
a county's one-pager and the command line (``jzanalysis compare``) word them here, from the catalogue,
so every one of them says the same thing the same way.

>>> from jzanalysis.compare import compare_from_facts
>>> from jzanalysis.regions import get_region
>>> from jzanalysis.schema import facts_frame
>>> facts = facts_frame([dict(year=2015, months=7, region=r, metric="projects_100m", value=v, unit="个")
...                      for r, v in [("公安县", 23), ("江陵县", 11), ("沙市区", 21)]])
>>> words = comparison_words(compare_from_facts(facts, 2015, 7), get_region("荆州市"))
>>> words.basis_lines
('“按全市平均”= 全市合计 55个 ÷ 3 个县市区 = 18.3个，不是各县市区的任务。',)
>>> words.findings[0]
'各县市区新引进亿元以上项目的差异不显著（同质性检验 p = 0.10），排名主要反映随机波动。'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog_files import load_messages
from ..compare import CountyComparison, as_comparison
from .catalog import Catalogue


def basis_name(cc: CountyComparison | None, c: Catalogue, short: bool = False) -> str:
    """What the counties are compared with: 按全市平均 / 按计划进度 / 按上期占比 (short: 全市平均, …)."""
    basis = cc.basis if cc else "equal"
    return c.t(f"counties.basis_{basis}{'_short' if short else ''}")


def basis_lines(cc: CountyComparison, c: Catalogue) -> list[str]:
    """How the expected counts were made, with their numbers (one sentence; two when some counties have no
    plan)."""
    f, unit = c.fmt, cc.unit
    if cc.basis == "equal":
        return [
            c.t(
                "counties.explain_equal",
                total=f.stated(cc.counties_sum, unit),
                n=len(cc.rows),
                value=f.number(cc.counties_sum / len(cc.rows), 1) + f.unit(unit),
            )
        ]
    if cc.basis == "prior":
        period = f.period(int(cc.detail.get("prior_months", 12)))
        return [
            c.t(
                "counties.explain_prior",
                total=f.stated(cc.counties_sum, unit),
                period=f.year_period(cc.detail.get("prior_year"), period),
            )
        ]
    progress = cc.detail.get("time_progress")
    lines = [c.t("counties.explain_plan", progress=f.percent(progress * 100) if progress else "–")]
    rule, k = cc.detail.get("unplanned_rule"), cc.detail.get("unplanned", 0)
    if rule == "city plan remainder":
        city_plan = f.value(cc.detail.get("city_plan"), unit, True)
        lines.append(c.t("counties.explain_plan_remainder", k=k, city_plan=city_plan))
    elif rule == "observed remainder":
        lines.append(c.t("counties.explain_plan_observed", k=k))
    return lines


def county_findings(cc: CountyComparison, c: Catalogue) -> list[str]:
    """One sentence on the counties as a whole (the homogeneity test), then one per county only where the
    evidence says so: outside the funnel's 95% limits (widened for overdispersion when it applies), or with a
    plan and even the upper end of its 95% interval below what is due on schedule."""
    f, unit = c.fmt, cc.unit
    h = cc.homogeneity
    p = f"= {h.p:.2f}" if h.p >= 0.01 else ("< 0.001" if h.p < 0.001 else f"= {h.p:.3f}")
    lines = [c.t("counties.even" if h.p >= 0.05 else "counties.uneven", metric=c.metric(cc.metric), p=p)]
    widened = c.t("counties.widened") if cc.overdispersion.widened else ""
    for r in cc.rows:
        if r.position != "inside":
            key = "counties.county_outside_high" if r.position.startswith("above") else "counties.county_outside_low"
            lines.append(
                c.t(
                    key,
                    county=c.place(r.name),
                    value=f.stated(r.value, unit),
                    basis=basis_name(cc, c, short=True),
                    expected=f.number(r.expected, 1) + f.unit(unit),
                    ratio=f.ratio(r.ratio),
                    widened=widened,
                )
            )
        elif r.behind:
            lines.append(
                c.t(
                    "counties.county_behind",
                    county=c.place(r.name),
                    value=f.stated(r.value, unit),
                    upper=f.number(r.ci95[1], 1) + f.unit(unit),
                    expected=f.number(r.expected, 1) + f.unit(unit),
                    plan=f.value(r.plan, unit, True),
                )
            )
    return lines


@dataclass(frozen=True)
class ComparisonWords:
    """A county comparison in one language: what it compares with, how that was made, what it shows."""

    basis: str  # 按全市平均 / 按计划进度 / 按上期占比
    basis_lines: tuple[str, ...]
    findings: tuple[str, ...]
    language: str = "zh"

    @property
    def basis_text(self) -> str:
        """How the expected counts were made, as one text."""
        return load_messages(self.language)["format.sentence_sep"].join(self.basis_lines)


def comparison_words(result: CountyComparison | dict, region, language: str = "zh") -> ComparisonWords:
    """The words of a county comparison of the city ``region``: a :class:`~jzanalysis.compare.CountyComparison`
    or its JSON object (:func:`jzanalysis.compare.compare_from_facts`)."""
    c = Catalogue(language, region)
    cc = as_comparison(result, region)
    return ComparisonWords(
        basis=basis_name(cc, c),
        basis_lines=tuple(basis_lines(cc, c)),
        findings=tuple(county_findings(cc, c)),
        language=language,
    )


def compare_json(result: CountyComparison | dict, region) -> dict:
    """The ``jzanalysis compare --json`` object: the result's JSON with ``expected_basis_zh`` (the basis and
    how it was made, in Chinese, from the catalogue) beside ``expected_basis``, where the command has always
    had it."""
    cc = as_comparison(result, region)
    out = {}
    for key, value in (result if isinstance(result, dict) else cc.to_json()).items():
        out[key] = value
        if key == "expected_basis":
            out["expected_basis_zh"] = comparison_words(cc, region, "zh").basis_text
    return out
