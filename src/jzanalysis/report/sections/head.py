"""The head: title, publisher and date of the bulletin, how the report was made."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..notes import publisher
from .base import Section, render


class HeadSection:
    def head_html(self, kind: str = "report") -> str:
        scenario = self.scenario_text() if kind == "report" else None
        title = self.title(kind)
        return render(
            "head",
            css=self.css(title),
            title=title,
            source_line=self.source_line(),
            generated_line=self.t(
                "title.generated_line_one" if len(self.a.dataset.extractions) == 1 else "title.generated_line"
            ),
            scenario_line=self.t("title.scenario_line", what=scenario) if scenario else None,
        )

    def source_line(self) -> Markup:
        """Who published the bulletin and when, as its page says; the publisher's name is quoted source text
        (an English report keeps it as written)."""
        items: list[Markup] = []
        for r in self.a.dataset.extractions:
            name = publisher(r.raw_text or r.text)
            who = (self.quote(name) if self.c.en else name) if name else None
            date = r.publication_date.isoformat() if r.publication_date else None
            if who and date:
                items.append(self.t_html("title.source_item", publisher=who, date=date))
            elif who:
                items.append(self.t_html("title.source_item_undated", publisher=who))
            elif date:
                items.append(self.t_html("title.source_item_date_only", date=date))
            else:
                items.append(self.t_html("title.source_item_unknown"))
        sources = Markup(escape(self.t("meta.list_sep"))).join(dict.fromkeys(items)) or self.t("meta.unknown")
        return self.t_html("title.source_line", sources=sources)

    def year_line(self) -> str | None:
        """What the report's year rests on when the text does not write it."""
        a, p = self.a, self.params
        basis = getattr(a, "year_basis", "text")
        if basis == "publication" and p.year is not None:
            date = a.publication_dates[-1].isoformat() if a.publication_dates else "?"
            # "2019年，全市…；一季度…": the text writes an earlier year, not this one (a later year is a plan's, or
            # a page's "今天是2025年…" chrome: no sign the figures are of another year)
            others = [y for y in getattr(a, "years_written", ()) if y < p.year]
            if others:
                written = self.c.join(str(y) for y in others)
                return self.t("verdict.year_publication_beside", year=p.year, date=date, written=written)
            return self.t("verdict.year_publication", year=p.year, date=date)
        if basis == "given":
            return self.t("verdict.year_given", year=p.year)
        return None


SECTIONS = (Section("head", parts=lambda r: [r.head_html()]),)
