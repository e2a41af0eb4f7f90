"""One typed parameter model, shared by the CLI, the batch runner and the notebooks.

The notebooks' ``parameters`` cell holds plain values (papermill injects JSON-able primitives); the next
cell builds a :class:`ReportParams` from them, so a bad value fails the same way everywhere: one
:class:`~jzanalysis.errors.InputError` line.

>>> ReportParams(year=2015, as_of_month=7).as_of_month
7
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from . import bounds, settings
from .errors import InputError
from .metrics import get_metric

DEFAULT_FORECAST_METRICS = ("projects_100m", "funds_in_place")
DEFAULT_COMPARE_METRIC = "projects_100m"

#: An annual plan in the metric's unit (个 or 亿元), bounded like every number (see :mod:`jzanalysis.bounds`).
Plan = Annotated[float, Field(ge=bounds.PLAN[0], le=bounds.PLAN[1], allow_inf_nan=False)]


class ReportParams(BaseModel):
    """Parameters of a forecast report run.

    - ``source``: bulletin file or folder (default: the seed bulletin in data/raw)
    - ``region``: the city (or one of its county-level units) to report on; None = the city the bulletins
      are about
    - ``year`` / ``as_of_month``: the January..M snapshot to forecast from; None = the latest in the data
    - ``metrics``: metric ids to forecast; ``compare_metric``: metric for the county comparison
    - ``methods``: forecast method ids (None = every method that applies); ``dispersion``: overdispersion
      φ of counts; ``sigma``: spread σ of amounts (None = the calibrated spread; see docs/forecasting.md)
    - ``language``: the report's language, ``zh`` or ``en``
    - ``plans``: per-metric annual plan overrides (metric id → value; otherwise implied from plan_pct)
    - ``county_plans``: optional CSV of county plans (year, region, metric, plan)
    - ``corrections``: the analyst's corrections YAML (None: ``data/corrections.yaml`` when it exists; see
      :mod:`jzanalysis.corrections`)

    Numbers are bounded (:mod:`jzanalysis.bounds`); a value outside its range says the range:

    >>> ReportParams.build(dispersion=1e308)
    Traceback (most recent call last):
    ...
    jzanalysis.errors.InputError: bad report parameter dispersion: dispersion must be a number 0..1, got 1e+308
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(default_factory=lambda: str(settings.SEED_BULLETIN))
    year: int | None = Field(None, ge=bounds.YEAR[0], le=bounds.YEAR[1], description="year")
    as_of_month: int | None = Field(None, ge=bounds.AS_OF[0], le=bounds.AS_OF[1], description="as-of month")
    region: str | None = None
    metrics: tuple[str, ...] = DEFAULT_FORECAST_METRICS
    compare_metric: str = DEFAULT_COMPARE_METRIC
    methods: tuple[str, ...] | None = None
    dispersion: float | None = Field(
        None, ge=bounds.DISPERSION[0], le=bounds.DISPERSION[1], allow_inf_nan=False, description="dispersion"
    )
    sigma: float | None = Field(None, ge=bounds.SIGMA[0], le=bounds.SIGMA[1], allow_inf_nan=False, description="sigma")
    plans: dict[str, Plan] = Field(default_factory=dict)
    county_plans: str | None = None
    corrections: str | None = None
    language: Literal["zh", "en"] = "zh"

    @field_validator("metrics", "compare_metric", "plans")
    @classmethod
    def _known_metrics(cls, value: Any, info: ValidationInfo) -> Any:
        ids = [value] if isinstance(value, str) else list(value)
        for metric in ids:
            try:
                get_metric(metric)
            except InputError as exc:
                raise ValueError(f"plan given for {exc}" if info.field_name == "plans" else str(exc)) from None
        if not ids and info.field_name == "metrics":
            raise ValueError("at least one metric is needed")
        return value

    @property
    def scenario(self) -> bool:
        """A run that sets φ, σ or a plan itself (a scenario, said in its title, file name and page header)."""
        return self.dispersion is not None or self.sigma is not None or bool(self.plans)

    @classmethod
    def build(cls, **values: Any) -> ReportParams:
        """Validate ``values`` into parameters, turning pydantic's report into one InputError line."""
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "parameters"
            raise InputError(f"bad report parameter {where}: {_one_line(first)}") from None

    def notebook_parameters(self) -> dict[str, Any]:
        """The dict papermill injects into a notebook's ``parameters`` cell (JSON-able values only)."""
        values = self.model_dump()
        values["metrics"] = list(self.metrics)
        values["methods"] = list(self.methods) if self.methods is not None else None
        values["source"] = str(Path(self.source).resolve())
        if self.corrections:
            values["corrections"] = str(Path(self.corrections).resolve())
        return values


# errors of a bounded number: out of range, not finite, not a number at all
_RANGE_ERRORS = (
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "finite_number",
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
)


def _one_line(error: dict) -> str:
    """pydantic's error as a sentence that says what is allowed (a range, the allowed values)."""
    loc = error["loc"]
    field = ReportParams.model_fields.get(str(loc[0])) if loc else None
    value = error.get("input")
    shown = bounds.shown_value(value)
    if error["type"] in _RANGE_ERRORS and field is not None:
        if loc[0] == "plans" and len(loc) > 1:
            return f"plan for {loc[1]} must be a number {bounds.describe(bounds.PLAN)} (in its unit), got {shown}"
        low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
        high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
        if low is not None and high is not None:
            whole = field.annotation in (int, int | None)
            kind = "a whole number" if whole else "a number"
            return f"{field.description or loc[0]} must be {kind} {bounds.describe((low, high))}, got {shown}"
    if error["type"] == "literal_error":
        return f"{value!r} is not available; allowed: {error['ctx']['expected'].replace(chr(39), '')}"
    return error["msg"].removeprefix("Value error, ")
