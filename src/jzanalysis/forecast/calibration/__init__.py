"""Calibration of the default forecast on real January..M → full-year outcomes.

The model (docs/forecasting.md, "The calibrated default"): for a January..M total YTD, s = M/12 and
the straight line SL = YTD / s,

    log(full / SL) = β(kind, part of year) + e,
    V = c(kind)²·(1 − s)/s + d² [+ d_def² drifted definition] [+ (1 − s)/YTD for counts]

and the full year is never below YTD. c is the lumpiness of the months (the same form as the
simulation's models: c² = φ/12 for a monthly negative binomial, c = σ/2 for the lumpy amounts), d the
noise of reported figures, d_def the extra noise of a year end published under another wording or as
a preliminary or derived figure (estimated from pairs marked ``partly``/``approx``/``no`` in
``definition_match``), (1 − s)/YTD the Poisson noise of a count, β the seasonal bias of the straight
line (开门红 front-loads the year, 收网 back-loads it). Parts of the year: early (months 1–4), mid
(5–8), late (9–11); β is partially pooled (a level per part of the year shared by both kinds, a class
deviation τ).

Nothing is plugged in: θ = (c per kind, d, d_def, τ) lies on a grid, β integrates out exactly given θ,
each θ is weighted by prior × marginal likelihood (each pair's likelihood raised to 1/its series'
snapshots), and the posterior is kept as a few dozen points (``posterior``). The predictive
(:meth:`Calibration.line_mixture`) is their mixture, each a Student t with ``tail_df`` degrees of
freedom (heavy tails, set in :data:`PRIORS`), so few pairs give wide intervals and many narrow ones.

Where a plan is known, what published plans say about where years end enters as a second source:
log(full / plan) ~ t_ν(γ, w), the posterior predictive of a normal model with a conjugate
(normal–inverse-χ²) prior fitted on the pairs that carry a plan, one value per series; the forecast
mixes "the plan is informative" with "the plan is irrelevant" (see :mod:`.methods`).

The fitted calibration is a JSON file (``calibration.json`` next to this module) with the pairs it was
fitted on, the priors, the posterior points and the leave-one-city-out scores;
``jzanalysis calibrate PAIRS.csv [MORE.csv …]`` rewrites it.
"""

from __future__ import annotations

from .fitting import (
    DRIFT_MARKS,
    GRID_POINTS,
    POSTERIOR_POINTS,
    TAU_GRID,
    drift_flags,
    fit_calibration,
    fit_plan_prior,
    line_posterior,
    plan_outcomes,
    series_weights,
)
from .model import (
    CLASSES,
    COUNT_UNITS,
    ENV_VAR,
    FEW_PAIRS,
    KINDS,
    PACKAGED,
    PARTS,
    PRIORS,
    Calibration,
    ClassBias,
    PlanPrior,
    load_calibration,
    part_of_year,
)
from .pairs import PAIR_COLUMNS, pair_counts, pair_records, pairs_from_calibration, read_pairs_csv, validate_pairs

__all__ = [
    "CLASSES",
    "COUNT_UNITS",
    "DRIFT_MARKS",
    "ENV_VAR",
    "FEW_PAIRS",
    "GRID_POINTS",
    "KINDS",
    "PACKAGED",
    "PAIR_COLUMNS",
    "PARTS",
    "POSTERIOR_POINTS",
    "PRIORS",
    "TAU_GRID",
    "Calibration",
    "ClassBias",
    "PlanPrior",
    "drift_flags",
    "fit_calibration",
    "fit_plan_prior",
    "line_posterior",
    "load_calibration",
    "pair_counts",
    "pair_records",
    "pairs_from_calibration",
    "part_of_year",
    "plan_outcomes",
    "read_pairs_csv",
    "series_weights",
    "validate_pairs",
]
