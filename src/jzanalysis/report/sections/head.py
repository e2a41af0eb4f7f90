"""The head: title, publisher and date of the bulletin, how the report was made."""

from __future__ import annotations

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
            generated_line=self.t("title.generated_line"),
            scenario_line=self.t("title.scenario_line", what=scenario) if scenario else None,
        )

    def source_line(self) -> str:
        """Who published the bulletin and when, as its text says (the file name only when it says neither)."""
        items = []
        for r in self.a.dataset.extractions:
            who = publisher(r.raw_text or r.text)
            date = r.publication_date.isoformat() if r.publication_date else None
            if who and date:
                items.append(self.t("title.source_item", publisher=who, date=date))
            elif who:
                items.append(self.t("title.source_item_undated", publisher=who))
            elif date:
                items.append(self.t("title.source_item_date_only", date=date))
            else:
                items.append(self.t("title.source_item_unknown"))
        return self.t("title.source_line", sources=self.c.join(dict.fromkeys(items)) or self.t("meta.unknown"))

    def year_line(self) -> str | None:
        """What the report's year rests on when the text does not write it."""
        a, p = self.a, self.params
        basis = getattr(a, "year_basis", "text")
        if basis == "publication" and p.year is not None:
            date = a.publication_dates[-1].isoformat() if a.publication_dates else "?"
            return self.t("verdict.year_publication", year=p.year, date=date)
        if basis == "given" and a.dataset.facts.year.isna().any():
            return self.t("verdict.year_given", year=p.year)
        return None


SECTIONS = (Section("head", parts=lambda r: [r.head_html()]),)
