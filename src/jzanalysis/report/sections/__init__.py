"""The report's sections as a registry: each module of this package is one section (its context, the template
it renders and the condition under which it appears); :data:`SECTIONS` orders them.

:class:`Report` is what the notebooks use: ``Report(analysis).parts("verdict")`` gives the HTML fragments
and figures of one section in order (nothing when the section does not apply); ``Report.sections()`` names
those that apply, in the report's order. Nothing here computes a figure: it formats those of
:class:`~..model.MetricFigures` and :class:`~jzanalysis.compare.CountyComparison`.

Adding a section is one module here (a mixin with its methods and ``SECTIONS = (Section(...),)``), one
template in ``templates/``, and its name in :data:`ORDER`.
"""

from __future__ import annotations

from . import appendix, audit, counties, forecast, head, onepager, others, progress, review, verdict
from .appendix import AppendixSection
from .audit import AuditSection, audit_html
from .base import REPORT_CSS, ReportBase, Section, facts_table, han_outside_quotes, render, scenario_words
from .counties import CountiesSection
from .forecast import ForecastSection
from .head import HeadSection
from .onepager import OnePagerSection
from .others import OthersSection
from .progress import ProgressSection
from .review import ReviewSection
from .verdict import HEADLINE_BOXES, VerdictSection

__all__ = [
    "HEADLINE_BOXES",
    "ORDER",
    "REGISTRY",
    "REPORT_CSS",
    "Report",
    "Section",
    "audit_html",
    "facts_table",
    "han_outside_quotes",
    "render",
    "scenario_words",
]

_MODULES = (head, verdict, progress, review, forecast, counties, others, appendix, onepager, audit)

#: Every section by name (the report's, the county pages', the audit's).
REGISTRY: dict[str, Section] = {s.name: s for module in _MODULES for s in module.SECTIONS}

#: The forecast report's sections in order.
ORDER = ("head", "verdict", "progress", "review", "forecast", "counties", "others", "appendix")


class Report(
    HeadSection,
    VerdictSection,
    ProgressSection,
    ReviewSection,
    ForecastSection,
    CountiesSection,
    OthersSection,
    AppendixSection,
    OnePagerSection,
    AuditSection,
    ReportBase,
):
    """One report's sections in one language, from an :class:`~jzanalysis.pipeline.Analysis`.

    ``language`` defaults to the analysis' parameter; county and city names, metric labels, every
    sentence and header come from the catalogue of that language.
    """

    def parts(self, section: str) -> list:
        """HTML strings and matplotlib figures of one section, in order (see :func:`jzanalysis.report.show`);
        empty when the section does not apply to this report."""
        try:
            entry = REGISTRY[section]
        except KeyError:
            raise KeyError(f"no report section {section!r}; allowed: {', '.join(REGISTRY)}") from None
        return entry.parts(self) if entry.applies(self) else []

    def sections(self) -> list[str]:
        """The names of the report's sections that apply, in order."""
        return [name for name in ORDER if REGISTRY[name].applies(self)]
