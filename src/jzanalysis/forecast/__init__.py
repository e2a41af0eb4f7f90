"""Year-end forecasts of a January..M running total, calibrated on real outcomes.

Every method answers the same question: given the year-to-date total ``ytd`` after ``as_of`` months,
where will the full year end? Each gives a point forecast (the median of its predictive
distribution), 80% and 95% intervals, quantiles for the fan chart and, when a plan is known, the
probability of meeting it. P(meet plan) ≥ 50% exactly when the point meets the plan.

The default, ``calibrated``, is fitted on real January..M → full-year pairs (:mod:`.calibration`);
docs/forecasting.md has the model, the calibration table and how to refit it
(``jzanalysis calibrate PAIRS.csv``).

Layout: :mod:`.distributions` (predictive distributions), :mod:`.methods` (the registry
:data:`METHODS`), :mod:`.calibration` (fit, file), :mod:`.plan` (given and implied plans),
:mod:`.result` (typed results; ``to_dict`` is the JSON contract), :mod:`.api` (entry points).

>>> r = forecast_series(174, year=2015, as_of=7, kind="count", plan=243.0, methods=["straight_line_months"])
>>> round(r.methods[0].point, 1)
298.3
"""

from .api import forecast_from_facts, forecast_result_from_facts, forecast_series, history_from_facts, load_profile
from .calibration import Calibration, fit_calibration, load_calibration, read_pairs_csv
from .distributions import (
    DEFAULT_A0,
    GridPredictive,
    LogGridPredictive,
    Predictive,
    ShiftedLogPredictive,
    amount_predictive,
    count_predictive,
)
from .methods import (
    DEFAULT_DISPERSION,
    DEFAULT_METHOD,
    METHODS,
    ForecastInputs,
    Method,
    NotApplicable,
    register_method,
)
from .plan import Plan, given_plan, implied_plan
from .result import QUANTILE_LEVELS, ForecastResult, MethodForecast

__all__ = [
    "DEFAULT_A0",
    "DEFAULT_DISPERSION",
    "DEFAULT_METHOD",
    "METHODS",
    "QUANTILE_LEVELS",
    "Calibration",
    "ForecastInputs",
    "ForecastResult",
    "GridPredictive",
    "LogGridPredictive",
    "Method",
    "MethodForecast",
    "NotApplicable",
    "Plan",
    "Predictive",
    "ShiftedLogPredictive",
    "amount_predictive",
    "count_predictive",
    "fit_calibration",
    "forecast_from_facts",
    "forecast_result_from_facts",
    "forecast_series",
    "given_plan",
    "history_from_facts",
    "implied_plan",
    "load_calibration",
    "load_profile",
    "read_pairs_csv",
    "register_method",
]
