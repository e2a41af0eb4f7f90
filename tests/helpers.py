"""What several test files share: the command line run in this process, and small input files.

Light to import (pandas only when a facts table is written): worker processes of the tests import it too.
"""

from __future__ import annotations

from pathlib import Path

from jzanalysis import cli


def run_main(argv, capsys) -> tuple[int, str, str]:
    """``jzanalysis ARGV`` in this process (no interpreter start-up): the exit status, stdout and stderr."""
    status = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line(err: str, fragment: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in err


#: The seed's city headline on projects, typed in from the bulletin (not from the extractor)
SEED_PROJECTS = dict(
    year=2015,
    months=7,
    region="荆州市",
    metric="projects_100m",
    value=174,
    unit="个",
    plan_pct=71.6,
    source="seed",
    quote="全市新引进亿元以上项目174个",
)


def facts_csv(folder: Path, **overrides) -> str:
    """A one-row facts table (the seed's city headline: 174 projects, 71.6% of plan) as `extract` writes it."""
    row = {**SEED_PROJECTS, "yoy_pct": ""} | overrides
    from jzanalysis.schema import FACT_COLUMNS

    path = folder / "facts.csv"
    path.write_text(
        ",".join(FACT_COLUMNS) + "\n" + ",".join(str(row[c]) for c in FACT_COLUMNS) + "\n", encoding="utf-8"
    )
    return str(path)


def publish_many(args) -> None:
    """One writer publishing the same run 15 times (test_batch.py runs several at once, each in a process)."""
    from jzanalysis.runner import publish

    folder, writer = args
    for number in range(15):
        body = f"<p>writer {writer} version {number}</p>".encode()
        publish(Path(folder), "r-1234abcd", {"html": body, "pdf": b"%PDF " + body}, {"key": f"{writer}-{number}"})


def _none(value):
    import pandas as pd

    return None if pd.isna(value) else value


def fact_rows(facts) -> list[tuple]:
    """Extracted facts as sorted (year, months, region, metric, value, plan_pct, yoy_pct, qualifier) rows, None
    for a missing number: the shape expected rows are typed in (tests/corpus/README.md)."""
    return sorted(
        (
            (
                _none(r.year) and int(r.year),
                int(r.months),
                r.region,
                r.metric,
                float(r.value),
                _none(r.plan_pct),
                _none(r.yoy_pct),
                _none(r.qualifier),
            )
            for r in facts.itertuples()
        ),
        key=repr,
    )


def expected_rows(rows) -> list[tuple]:
    """Typed-in rows in the order and types of :func:`fact_rows` (a value written 174 compares as 174.0)."""
    return sorted(((y, m, reg, met, float(v), p, g, q) for y, m, reg, met, v, p, g, q in rows), key=repr)


def glyph_warnings(fig) -> list[str]:
    """Draw ``fig`` (then close it): the warnings about glyphs its fonts lack, e.g. a Chinese label in a Latin font."""
    import warnings

    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]


def figure_texts(fig) -> str:
    """Every text on a matplotlib figure (titles, labels, ticks, legend entries), joined by spaces."""
    return " ".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))
