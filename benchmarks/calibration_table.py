"""The calibration table of docs/forecasting.md: the default fitted on real pairs, scored leaving one city out.

Pairs: ``--pairs FILE`` (the format of ``jzanalysis calibrate``), else ``../shared/data/calibration_pairs.csv``
next to the repository when it is there, else the pairs stored in the shipped calibration file (so the
table can be rerun anywhere). Prints

1. the fitted calibration (β per class with its pairs and series, c, d, the plan prior);
2. leave-one-city-out scores of the default, the default without the plan's information, the straight
   line with the calibrated spread, the simulation-tuned models and the straight line with the best
   fixed band (chosen on the very pairs it is scored on);
3. with ``--sensitivity``: the same scores of the default under other priors (how much the choice of
   the plan prior and of β's prior matters);
4. with ``--rows``: every pair's forecast.

Run::

    .venv/bin/python benchmarks/calibration_table.py                 # ~5 s
    .venv/bin/python benchmarks/calibration_table.py --sensitivity   # ~1 minute

Deterministic: the same pairs print the same numbers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from jzanalysis.backtest import evaluate_pairs
from jzanalysis.forecast.calibration import (
    PRIORS,
    fit_calibration,
    load_calibration,
    pair_counts,
    pairs_from_calibration,
    read_pairs_csv,
)
from jzanalysis.report.scores import format_calibration_table, format_pairs_table

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data" / "calibration_pairs.csv"

SENSITIVITY = [
    ("as shipped", {}),
    ("plan prior w0 = 0.10", {"plan_w0": 0.10}),
    ("plan prior w0 = 0.20", {"plan_w0": 0.20}),
    ("plan prior w0 = 0.30", {"plan_w0": 0.30}),
    ("plan prior ν0 = 1 (weak)", {"plan_nu0": 1.0}),
    ("plan prior ν0 = 10 (strong)", {"plan_nu0": 10.0}),
    ("β prior sd 0.05", {"beta_sd": 0.05}),
    ("β prior sd 0.20", {"beta_sd": 0.20}),
    ("d prior median 0.10", {"d_median": 0.10}),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs",
        type=Path,
        help="pairs CSV (default: ../shared/data/calibration_pairs.csv, else the pairs in the shipped calibration)",
    )
    parser.add_argument("--sensitivity", action="store_true", help="also score the default under other priors")
    parser.add_argument("--rows", action="store_true", help="print every pair's forecast")
    args = parser.parse_args(argv)
    t0 = time.time()
    if args.pairs or SHARED.is_file():
        pairs, source = read_pairs_csv(args.pairs or SHARED)
    else:
        cal = load_calibration()
        pairs, source = pairs_from_calibration(cal), {**cal.source, **pair_counts(pairs_from_calibration(cal))}
        print(f"# ../shared not found: the {len(pairs)} pairs stored in the shipped calibration {cal.id}")
    print("## Calibration fitted on every pair\n")
    print(format_calibration_table(fit_calibration(pairs, source=source)))
    print("\n## Leave one city out\n")
    result = evaluate_pairs(pairs)
    print(format_pairs_table(result))
    if args.rows:
        print(
            "\n| place | metric | year | M | YTD | full year | plan | point | 80% | in 80% | P(meet) | P without plan |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in result["rows"]:
            c, w = r["methods"]["calibrated"], r["methods"]["calibrated_without_plan"]
            p = "–" if c["p_meet_plan"] is None else f"{c['p_meet_plan']:.2f}"
            pw = "–" if w["p_meet_plan"] is None else f"{w['p_meet_plan']:.2f}"
            print(
                f"| {r['place']} | {r['metric']} | {r['year']} | {r['months']} | {r['value']:g} | {r['actual']:g} | "
                f"{'–' if r['plan'] is None else format(r['plan'], 'g')} | {c['point']:,.0f} | "
                f"{c['interval80'][0]:,.0f}–{c['interval80'][1]:,.0f} | {'yes' if c['in80'] else 'no'} | {p} | {pw} |"
            )
    if args.sensitivity:
        print("\n## The default under other priors (leave one city out)\n")
        print("| priors | cov80 | cov95 | IS80 | CRPS | MAPE% | Brier |")
        print("|---|---|---|---|---|---|---|")
        for name, change in SENSITIVITY:
            res = evaluate_pairs(pairs, priors=dict(PRIORS) | change)
            d = next(m for m in res["methods"] if m["method"] == "calibrated")
            print(
                f"| {name} | {d['coverage80']:.2f} | {d['coverage95']:.2f} | {d['interval_score80']:.3f} | "
                f"{d['crps']:.3f} | {100 * d['mape']:.1f} | {d['brier']:.3f} |"
            )
    print(f"\n# {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
