"""Metric ids of the facts table: what each figure is, its unit, and whether it is a count or an amount.

``kind`` decides which forecast methods apply: counts (个) are modelled as overdispersed Poisson,
amounts (亿元) as lumpy lognormal ratios; rates and stock figures are not forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Metric:
    id: str
    label: str  # Chinese label as used in reports
    unit: str  # 个, 亿元, %, 条, 次, 人
    kind: str  # count | amount | rate | other
    cumulative: bool = True  # a January..M running total, so a year-end forecast makes sense


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric("projects_100m", "新引进亿元以上项目", "个", "count"),
        Metric("industrial_projects_100m", "亿元以上工业项目", "个", "count"),
        Metric("projects_1b", "10亿元以上项目", "个", "count"),
        Metric("projects_10b", "过百亿元项目", "个", "count"),
        Metric("projects_started", "开工项目", "个", "count"),
        Metric("industrial_projects_100m_started", "亿元以上工业项目已开工", "个", "count"),
        Metric("projects_in_production", "已投产项目", "个", "count"),
        Metric("funds_in_place", "实际到位资金", "亿元", "amount"),
        Metric("contract_investment", "合同/协议引资额", "亿元", "amount"),
        Metric("industrial_start_rate", "亿元以上工业项目开工率", "%", "rate", cumulative=False),
        # 市直驻点招商单位: the city departments' resident investment-promotion teams
        Metric("resident_projects", "市直驻点招商单位引进项目", "个", "count"),
        Metric("resident_investment", "市直驻点招商单位引进项目总投资", "亿元", "amount"),
        Metric("resident_industrial_projects_100m", "市直驻点单位亿元以上工业项目", "个", "count"),
        Metric("resident_projects_1b", "市直驻点单位10亿元以上项目", "个", "count"),
        Metric("resident_projects_in_production", "市直驻点单位引进项目已投产", "个", "count", cumulative=False),
        Metric("resident_projects_started", "市直驻点单位引进项目已开工", "个", "count", cumulative=False),
        Metric("resident_teams", "驻点招商专班", "个", "other", cumulative=False),
        Metric("resident_staff", "驻点人数", "人", "other", cumulative=False),
        Metric("leader_leads", "“四大家”领导提供信息", "条", "count"),
        Metric("leader_trips", "“四大家”领导外出", "次", "count"),
        Metric("leader_negotiations", "“四大家”领导直接洽谈项目", "个", "count"),
        Metric("batch_signings_june", "6月底集中签约项目", "个", "count", cumulative=False),
        Metric("working_days_left_claim", "全年有效工作日仅剩(通报所述)", "天", "other", cumulative=False),
    )
}

FORECASTABLE_KINDS = ("count", "amount")


def get_metric(metric_id: str, where: str | None = None) -> Metric:
    """The :class:`Metric` for ``metric_id``; one-line :class:`InputError` listing the ids otherwise
    (prefixed with ``where``, e.g. ``plans.csv line 3``, when given).

    >>> get_metric("funds_in_place").unit
    '亿元'
    """
    try:
        return METRICS[metric_id]
    except (KeyError, TypeError):
        prefix = f"{where}: " if where else ""
        raise InputError(f"{prefix}unknown metric {metric_id!r}; allowed: {', '.join(METRICS)}") from None


#: Metrics a year-end forecast applies to: running totals of counts or amounts
FORECASTABLE = tuple(m.id for m in METRICS.values() if m.kind in FORECASTABLE_KINDS and m.cumulative)


def forecastable_metric(metric_id: str) -> Metric:
    """The :class:`Metric` for ``metric_id`` if a year-end forecast applies to it (a running total of a count
    or an amount); one-line :class:`InputError` listing those otherwise.

    >>> forecastable_metric("industrial_start_rate")
    Traceback (most recent call last):
    ...
    jzanalysis.errors.InputError: metric industrial_start_rate (rate) is not a running total that can be forecast; allowed: projects_100m, industrial_projects_100m, projects_1b, projects_10b, projects_started, industrial_projects_100m_started, projects_in_production, funds_in_place, contract_investment, resident_projects, resident_investment, resident_industrial_projects_100m, resident_projects_1b, leader_leads, leader_trips, leader_negotiations
    """
    spec = get_metric(metric_id)
    if spec.id not in FORECASTABLE:
        raise InputError(
            f"metric {spec.id} ({spec.kind}) is not a running total that can be forecast; allowed: {', '.join(FORECASTABLE)}"
        )
    return spec
