"""The calibration table of docs/forecasting.md: the default fitted on real pairs, scored on pairs it never saw.

Pairs: ``--pairs FILE [FILE …]`` (the format of ``jzanalysis calibrate``), else
``../shared/data/calibration_pairs.csv`` and ``calibration_pairs_new.csv`` next to the repository when they
are there, else the pairs stored in the shipped calibration file (so the table can be rerun anywhere). Prints

1. the fitted calibration (β per class with its pairs and series, c, d, d_def, the plan prior);
2. the forecaster's table, three times: leaving one city out, leaving one series out, and leaving one city
   out of a deliberately perturbed set (every outcome moved by a definitional drift of +15%, −15%, … in
   turn): coverage at 50/80/95%, interval scores, CRPS, MAPE and Brier of the default, the default
   without the plan, the straight line with the calibrated spread, the simulation-tuned models, and the
   straight line with its best fixed bands (chosen on the very pairs it is scored on: optimistic);
3. writes two figures (``--figures DIR``, default docs/): the PIT histogram and the reliability diagram
   of the default against the straight line;
4. with ``--sensitivity``: the default's scores under other priors; with ``--rows``: every pair's forecast.

Run::

    .venv/bin/python benchmarks/calibration_table.py                 # ~20 s
    .venv/bin/python benchmarks/calibration_table.py --sensitivity   # ~1 minute more

Deterministic: the same pairs print the same numbers and draw the same figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from jzanalysis.backtest import evaluate_pairs, perturb_pairs
from jzanalysis.forecast.calibration import (
    PRIORS,
    fit_calibration,
    load_calibration,
    pair_counts,
    pairs_from_calibration,
    read_pairs_csv,
)
from jzanalysis.report.scores import format_calibration_table, markdown_row, method_cells

REPO = Path(__file__).resolve().parents[1]
SHARED = [REPO / ".." / "shared" / "data" / name for name in ("calibration_pairs.csv", "calibration_pairs_new.csv")]

SENSITIVITY = [
    ("as shipped", {}),
    ("tails: t with 3 df", {"tail_df": 3.0}),
    ("tails: t with 10 df", {"tail_df": 10.0}),
    ("tails: normal", {"tail_df": None}),
    ("plan informative a priori 0.25", {"plan_informative": 0.25}),
    ("plan informative a priori 0.75", {"plan_informative": 0.75}),
    ("plan prior w0 = 0.30", {"plan_w0": 0.30}),
    ("β level prior sd 0.05", {"beta_sd": 0.05}),
    ("β level prior sd 0.20", {"beta_sd": 0.20}),
    ("d_def prior median 0.20", {"d_def_median": 0.20}),
    ("c prior median ×0.5", {"c_median": {k: v * 0.5 for k, v in PRIORS["c_median"].items()}}),
]

#: central interval levels of the reliability diagram
LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def forecaster_table(results: dict[str, dict]) -> str:
    """One markdown table: per evaluation, the variants' coverage at 50/80/95%, interval scores, CRPS, MAPE, Brier."""
    lines = [
        "| evaluation | method | cov50 | cov80 [95% CI] | cov95 | IS50 | IS80 | IS95 | CRPS | MAPE% | Brier (n) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    for name, res in results.items():
        lines += [
            markdown_row([name, m["label_zh"], *method_cells(m, (50, 80, 95), bias=False)]) for m in res["methods"]
        ]
        b = res["straight_line_band"]
        lines.append(
            f"| {name} | straight line, best fixed bands (±{100 * b['band50']:.1f}% {b['form50']}, "
            f"±{100 * b['band80']:.1f}% {b['form80']}, ±{100 * b['band95']:.1f}% {b['form95']}; chosen on these "
            f"pairs) | {b['coverage50']:.2f} | {b['coverage80']:.2f} | {b['coverage95']:.2f} | "
            f"{b['interval_score50']:.3f} | {b['interval_score80']:.3f} | {b['interval_score95']:.3f} | – | "
            f"{100 * b['mape']:.1f} | – |"
        )
    return "\n".join(lines)


def pits(result: dict, variant: str) -> np.ndarray:
    return np.array([r["methods"][variant]["pit"] for r in result["rows"]])


def reliability(pit: np.ndarray) -> list[float]:
    """Observed coverage of each central interval: the share of PITs within level/2 of one half."""
    return [float(np.mean(np.abs(pit - 0.5) <= level / 2 + 1e-12)) for level in LEVELS]


def draw_figures(results: dict[str, dict], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    loco = results["leave one city out"]
    paths = []
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    bins = np.linspace(0, 1, 6)
    for ax, (variant, title) in zip(
        axes, (("calibrated", "calibrated default"), ("straight_line_months", "straight line, calibrated spread"))
    ):
        p = pits(loco, variant)
        ax.hist(p, bins=bins, color="#4c72b0" if variant == "calibrated" else "#999999", edgecolor="white")
        ax.axhline(len(p) / (len(bins) - 1), color="black", lw=1, ls="--", label="uniform (calibrated)")
        ax.set_title(f"{title}\n{len(p)} pairs, leave one city out", fontsize=9)
        ax.set_xlabel("PIT: P(full year < outcome)")
        ax.set_xlim(0, 1)
    axes[0].set_ylabel("pairs")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    path = out / "forecast_pit.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)

    fig, ax = plt.subplots(figsize=(4.6, 4.4))
    ax.plot([0, 1], [0, 1], color="black", lw=1, ls="--", label="perfectly calibrated")
    styles = [
        ("leave one city out", "calibrated", "default, leave one city out", "#4c72b0", "o"),
        ("leave one series out", "calibrated", "default, leave one series out", "#55a868", "s"),
        ("leave one city out, outcomes ±15%", "calibrated", "default, perturbed ±15%", "#c44e52", "^"),
        ("leave one city out", "straight_line_months", "straight line, calibrated spread", "#999999", "x"),
    ]
    for name, variant, label, color, marker in styles:
        ax.plot(LEVELS, reliability(pits(results[name], variant)), marker=marker, color=color, label=label, lw=1.2)
    ax.set_xlabel("nominal coverage of the central interval")
    ax.set_ylabel("observed coverage")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Reliability on {loco['n_pairs']} real outcomes, {loco['n_cities']} cities", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    path = out / "forecast_reliability.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs",
        type=Path,
        nargs="+",
        help="pairs CSV(s) (default: ../shared/data/calibration_pairs.csv and calibration_pairs_new.csv, else "
        "the pairs in the shipped calibration)",
    )
    parser.add_argument("--figures", type=Path, default=REPO / "docs", help="where to write the two figures")
    parser.add_argument("--sensitivity", action="store_true", help="also score the default under other priors")
    parser.add_argument("--rows", action="store_true", help="print every pair's forecast")
    args = parser.parse_args(argv)
    t0 = time.time()
    if args.pairs or all(p.is_file() for p in SHARED):
        pairs, source = read_pairs_csv(args.pairs or SHARED)
    else:
        cal = load_calibration()
        pairs, source = pairs_from_calibration(cal), {**cal.source, **pair_counts(pairs_from_calibration(cal))}
        print(f"# ../shared not found: the {len(pairs)} pairs stored in the shipped calibration {cal.id}")
    print("## Calibration fitted on every pair\n")
    print(format_calibration_table(fit_calibration(pairs, source=source)))
    results = {
        "leave one city out": evaluate_pairs(pairs, holdout="city"),
        "leave one series out": evaluate_pairs(pairs, holdout="series"),
        "leave one city out, outcomes ±15%": evaluate_pairs(perturb_pairs(pairs), holdout="city"),
    }
    loco = results["leave one city out"]
    print(f"\n## Scored on pairs the fit never saw ({loco['n_pairs']} pairs, {loco['n_cities']} cities)\n")
    print(forecaster_table(results))
    print("\nPIT histogram (5 bins, leave one city out):")
    for variant in ("calibrated", "straight_line_months"):
        counts, _ = np.histogram(pits(loco, variant), bins=np.linspace(0, 1, 6))
        print(f"  {variant:22s} {' '.join(f'{c:2d}' for c in counts)}")
    print("\nReliability (nominal → observed coverage of the central interval):")
    print("  " + " ".join(f"{lv:5.2f}" for lv in LEVELS) + "   evaluation")
    for name, res in results.items():
        print("  " + " ".join(f"{v:5.2f}" for v in reliability(pits(res, "calibrated"))) + f"   default, {name}")
    for path in draw_figures(results, args.figures):
        print(f"written: {path}")
    if args.rows:
        print("\n| place | metric | year | M | YTD | full year | plan | point | 80% | in 80% | PIT | P(meet) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in loco["rows"]:
            c = r["methods"]["calibrated"]
            p = "–" if c["p_meet_plan"] is None else f"{c['p_meet_plan']:.2f}"
            print(
                f"| {r['place']} | {r['metric']} | {r['year']} | {r['months']} | {r['value']:g} | {r['actual']:g} | "
                f"{'–' if r['plan'] is None else format(r['plan'], 'g')} | {c['point']:,.0f} | "
                f"{c['interval80'][0]:,.0f}–{c['interval80'][1]:,.0f} | {'yes' if c['in80'] else 'no'} | "
                f"{c['pit']:.2f} | {p} |"
            )
    if args.sensitivity:
        print("\n## The default under other priors (leave one city out; and the perturbed set)\n")
        print("| priors | cov50 | cov80 | cov95 | IS80 | IS95 | MAPE% | Brier | perturbed: cov80 | cov95 | IS80 |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        moved = perturb_pairs(pairs)
        for name, change in SENSITIVITY:
            d = _default(evaluate_pairs(pairs, priors=dict(PRIORS) | change))
            e = _default(evaluate_pairs(moved, priors=dict(PRIORS) | change))
            print(
                f"| {name} | {d['coverage50']:.2f} | {d['coverage80']:.2f} | {d['coverage95']:.2f} | "
                f"{d['interval_score80']:.3f} | {d['interval_score95']:.3f} | {100 * d['mape']:.1f} | {d['brier']:.3f} | "
                f"{e['coverage80']:.2f} | {e['coverage95']:.2f} | {e['interval_score80']:.3f} |"
            )
    print(f"\n# {time.time() - t0:.1f} s")
    return 0


def _default(result: dict) -> dict:
    return next(m for m in result["methods"] if m["method"] == "calibrated")


if __name__ == "__main__":
    sys.exit(main())
