"""A report section is one mixin, one registry entry and its name in ORDER: a throwaway one is rendered."""

from __future__ import annotations

import pytest

from jzanalysis import report
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse
from jzanalysis.report import sections
from jzanalysis.report.sections import Report, Section, render
from tests.conftest import SEED


class CityNoteSection:
    """A throwaway section: one note naming the city, in the report's language."""

    def city_note_html(self) -> str:
        return render("counties_after", lines=[self.t("meta.colon").join([self.c.place(self.a.region.name), "✓"])])


class NotedReport(CityNoteSection, Report):
    pass


@pytest.fixture(scope="module")
def seed_analysis():
    return analyse(ReportParams.build(source=str(SEED), year=2015, as_of_month=7))


@pytest.fixture
def with_city_note(monkeypatch):
    """The throwaway section registered and ordered after the counties (undone after the test)."""
    monkeypatch.setitem(sections.REGISTRY, "city_note", Section("city_note", parts=lambda r: [r.city_note_html()]))
    at = sections.ORDER.index("counties") + 1
    monkeypatch.setattr(sections, "ORDER", (*sections.ORDER[:at], "city_note", *sections.ORDER[at:]))


def test_a_throwaway_section_is_rendered_in_its_place(seed_analysis, with_city_note):
    zh = NotedReport(seed_analysis)
    assert zh.sections()[zh.sections().index("counties") + 1] == "city_note"
    # the seed is a bulletin of 荆州市; zh.toml's colon is "：", en.toml's ": "
    assert zh.parts("city_note") == ['<p class="note">荆州市：✓</p>']
    assert NotedReport(seed_analysis, "en").parts("city_note") == ['<p class="note">Jingzhou: ✓</p>']


def test_an_unregistered_section_is_named_with_the_allowed_ones(seed_analysis):
    with pytest.raises(KeyError, match="no report section 'city_note'; allowed: head, verdict"):
        report.Report(seed_analysis).parts("city_note")
