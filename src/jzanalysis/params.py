"""One typed parameter model, shared by the CLI, the batch runner and the notebooks.

The notebooks' ``parameters`` cell holds plain values (papermill injects JSON-able primitives); the next
cell builds a :class:`ReportParams` from them, so a bad value fails the same way everywhere: one
:class:`~jzanalysis.errors.InputError` line.

>>> ReportParams(year=2015, as_of_month=7).as_of_month
7
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import settings
from .errors import InputError
from .metrics import METRICS

DEFAULT_FORECAST_METRICS = ("projects_100m", "funds_in_place")
DEFAULT_COMPARE_METRIC = "projects_100m"


class ReportParams(BaseModel):
    """Parameters of a forecast report run.

    - ``source``: bulletin file or folder (default: the seed bulletin in data/raw)
    - ``region``: the city (or one of its county-level units) to report on; None = the city the bulletins
      are about
    - ``year`` / ``as_of_month``: the January..M snapshot to forecast from; None = the latest in the data
    - ``metrics``: metric ids to forecast; ``compare_metric``: metric for the county comparison
    - ``methods``: forecast method ids (None = every method that applies); ``dispersion``: overdispersion
      φ for counts (None = the documented default)
    - ``plans``: per-metric annual plan overrides (metric id → value; otherwise implied from plan_pct)
    - ``county_plans``: optional CSV of county plans (year, region, metric, plan)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(default_factory=lambda: str(settings.SEED_BULLETIN))
    year: int | None = None
    as_of_month: int | None = None
    region: str | None = None
    metrics: tuple[str, ...] = DEFAULT_FORECAST_METRICS
    compare_metric: str = DEFAULT_COMPARE_METRIC
    methods: tuple[str, ...] | None = None
    dispersion: float | None = None
    plans: dict[str, float] = Field(default_factory=dict)
    county_plans: str | None = None
    language: str = "zh"

    @field_validator("as_of_month")
    @classmethod
    def _as_of_in_range(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 11:
            raise ValueError(f"as-of month must be 1..11, got {value}")
        return value

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, value: int | None) -> int | None:
        if value is not None and not 1990 <= value <= 2100:
            raise ValueError(f"year must be between 1990 and 2100, got {value}")
        return value

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [m for m in value if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r}; allowed: {', '.join(METRICS)}")
        if not value:
            raise ValueError("at least one metric is needed")
        return value

    @field_validator("compare_metric")
    @classmethod
    def _known_compare_metric(cls, value: str) -> str:
        if value not in METRICS:
            raise ValueError(f"unknown metric {value!r}; allowed: {', '.join(METRICS)}")
        return value

    @field_validator("dispersion")
    @classmethod
    def _dispersion_non_negative(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError(f"dispersion must be >= 0 (0 = pure Poisson), got {value}")
        return value

    @field_validator("plans")
    @classmethod
    def _plans_positive(cls, value: dict[str, float]) -> dict[str, float]:
        for metric, plan in value.items():
            if metric not in METRICS:
                raise ValueError(f"plan given for unknown metric {metric!r}")
            if not plan > 0:
                raise ValueError(f"plan for {metric} must be > 0, got {plan}")
        return value

    @field_validator("language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value != "zh":
            raise ValueError(f"report language {value!r} is not available; allowed: zh")
        return value

    @classmethod
    def build(cls, **values: Any) -> "ReportParams":
        """Validate ``values`` into parameters, turning pydantic's report into one InputError line."""
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "parameters"
            message = first["msg"].removeprefix("Value error, ")
            raise InputError(f"bad report parameter {where}: {message}") from None

    def notebook_parameters(self) -> dict[str, Any]:
        """The dict papermill injects into a notebook's ``parameters`` cell (JSON-able values only)."""
        values = self.model_dump()
        values["metrics"] = list(self.metrics)
        values["methods"] = list(self.methods) if self.methods is not None else None
        values["source"] = str(Path(self.source).resolve())
        return values
