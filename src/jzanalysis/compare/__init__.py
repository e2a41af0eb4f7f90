"""County comparison that tells signal from noise.

With counts this small (公安县 23 … 江陵县 11) most of a raw ranking is noise. For each county this
package gives the exact (Garwood) Poisson 95% interval, the expected count (county plan × time progress
"按进度", else a prior period's shares, else equal shares), observed/expected with its interval, the
position in a funnel plot (Spiegelhalter 2005: exact Poisson limits at 95% and 99.8%, widened when the
counties are overdispersed), a simulated rank interval and whether it is on schedule; for the city a
chi-square homogeneity test and a Poisson (or negative binomial) GLM with rate ratios against the city
average. The method is written up in ``docs/counties.md``.

:func:`compare_counties` returns a typed :class:`CountyComparison`; :func:`compare_from_facts` its JSON
object (``jzanalysis compare --json``). The result is numbers and codes only (``basis``, ``expected_from``,
``position``, …): the words a report or the command line shows for them come from the report layer's
catalogue (:func:`jzanalysis.report.comparison_words`).

Modules: :mod:`.limits` (intervals, funnel limits, φ, rank intervals), :mod:`.facts` (the facts compared),
:mod:`.expected` (expected counts), :mod:`.glm` (rate ratios), :mod:`.result` (the typed result and its
JSON), :mod:`.county` (the comparison).

>>> [round(x, 2) for x in garwood_interval(23)]
[14.58, 34.51]
>>> [round(x, 2) for x in garwood_interval(11)]
[5.49, 19.68]
"""

from __future__ import annotations

from .county import compare_counties, compare_from_facts
from .expected import BASIS_CODES, BASIS_EQUAL, BASIS_NAMES, BASIS_PLANS, BASIS_PRIOR
from .glm import PoissonGLM, RateRatio, fit_poisson_glm, poisson_glm
from .limits import (
    RANK_DRAWS,
    WINSORISE,
    funnel_limits,
    funnel_position,
    garwood_interval,
    poisson_funnel_limit,
    rank_intervals,
    spiegelhalter_phi,
)
from .result import (
    BatchSigning,
    CountyComparison,
    CountyRow,
    Homogeneity,
    Overdispersion,
    as_comparison,
)

__all__ = [
    "BASIS_CODES",
    "BASIS_EQUAL",
    "BASIS_NAMES",
    "BASIS_PLANS",
    "BASIS_PRIOR",
    "RANK_DRAWS",
    "WINSORISE",
    "BatchSigning",
    "CountyComparison",
    "CountyRow",
    "Homogeneity",
    "Overdispersion",
    "PoissonGLM",
    "RateRatio",
    "as_comparison",
    "compare_counties",
    "compare_from_facts",
    "fit_poisson_glm",
    "funnel_limits",
    "funnel_position",
    "garwood_interval",
    "poisson_funnel_limit",
    "poisson_glm",
    "rank_intervals",
    "spiegelhalter_phi",
]
