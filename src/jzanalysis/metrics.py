"""Metric ids of the facts table, loaded from ``metrics.toml``: what each figure is, its labels, its unit, whether
it is a count or an amount, and its place in a report.

``kind`` decides which forecast methods apply: counts (个) are modelled as overdispersed Poisson,
amounts (亿元) as lumpy lognormal ratios; rates and stock figures are not forecast.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

KINDS = ("count", "amount", "rate", "other")
METRICS_FILE = Path(__file__).resolve().parent / "metrics.toml"


@dataclass(frozen=True)
class Metric:
    """One row of ``metrics.toml``: what a figure is, its unit, how it is forecast and where a report puts it."""

    id: str
    label: str  # Chinese label as used in reports
    unit: str  # 个, 亿元, 亿美元, %, 条, 次, 人, 天
    kind: str  # count | amount | rate | other
    cumulative: bool = True  # a January..M running total, so a year-end forecast makes sense
    label_en: str = ""
    priority: int = 1000  # lower comes first in a report
    family: str = ""  # the id this one is a variant of (scoring, pooling); "" = itself
    convert: dict[str, float] = field(default_factory=dict)  # other unit → factor to ``unit``

    @property
    def family_id(self) -> str:
        """The id this metric is scored and pooled as: its ``family`` or, without one, its own id."""
        return self.family or self.id

    def to_unit(self, value: float, unit: str) -> float:
        """``value`` stated in ``unit``, in this metric's unit (万美元 → 亿美元 divides by 10,000).

        >>> Metric("x", "x", "亿美元", "amount", convert={"万美元": 1e-4}).to_unit(2500, "万美元")
        0.25
        """
        if unit == self.unit:
            return value
        try:
            return value * self.convert[unit]
        except KeyError:
            raise InputError(
                f"metric {self.id}: no conversion from {unit!r}; allowed: {self.unit}, {', '.join(self.convert)}"
            ) from None


def load_metrics(path: Path = METRICS_FILE) -> dict[str, Metric]:
    """Every metric of the catalogue file, in file order; one-line :class:`InputError` on a bad row."""
    with open(path, "rb") as handle:
        rows = tomllib.load(handle).get("metric", [])
    metrics: dict[str, Metric] = {}
    for number, row in enumerate(rows, 1):
        where = f"{path.name} metric {number}"
        try:
            metric = Metric(
                id=row["id"],
                label=row["zh"],
                label_en=row["en"],
                unit=row["unit"],
                kind=row["kind"],
                cumulative=bool(row.get("cumulative", True)),
                priority=int(row.get("priority", 1000)),
                family=row.get("family", ""),
                convert={str(k): float(v) for k, v in row.get("convert", {}).items()},
            )
        except KeyError as missing:
            raise InputError(f"{where}: missing key {missing}; each metric needs id, zh, en, unit, kind") from None
        if metric.kind not in KINDS:
            raise InputError(f"{where}: kind {metric.kind!r}; allowed: {', '.join(KINDS)}")
        if metric.id in metrics:
            raise InputError(f"{where}: id {metric.id!r} given twice")
        metrics[metric.id] = metric
    for metric in metrics.values():
        if metric.family and metric.family not in metrics:
            raise InputError(f"{path.name}: {metric.id} names family {metric.family!r}, which is no metric id")
    return metrics


METRICS: dict[str, Metric] = load_metrics()


def by_priority(metric_ids) -> list[str]:
    """``metric_ids`` in report order (the catalogue's priority, then id).

    >>> by_priority(["projects_started", "funds_in_place", "projects_100m"])
    ['projects_100m', 'funds_in_place', 'projects_started']
    """
    return sorted(metric_ids, key=lambda m: (METRICS[m].priority if m in METRICS else 10**6, m))


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

    >>> forecastable_metric("industrial_start_rate")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jzanalysis.errors.InputError: metric industrial_start_rate (rate) is not a running total that can be forecast; allowed: projects_100m, projects_signed_100m, ...
    """
    spec = get_metric(metric_id)
    if spec.id not in FORECASTABLE:
        raise InputError(
            f"metric {spec.id} ({spec.kind}) is not a running total that can be forecast; allowed: {', '.join(FORECASTABLE)}"
        )
    return spec
