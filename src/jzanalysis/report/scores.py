"""Score tables for the terminal and the docs: a calibration's parameters, the calibration table of
docs/forecasting.md (:func:`jzanalysis.backtest.evaluate_pairs`) and a backtest's scores
(:func:`jzanalysis.backtest.run_backtest`). The analysis modules return numbers; the words are here."""

from __future__ import annotations

from ..forecast.calibration import CLASSES, Calibration


def score_cell(value: float | None, digits: int = 3) -> str:
    """A score in a Markdown table: ``digits`` decimals, a dash when there is none.

    >>> score_cell(0.6061), score_cell(None)
    ('0.606', '–')
    """
    return "–" if value is None else f"{value:.{digits}f}"


def method_cells(m: dict, levels: tuple[int, ...] = (80, 95), bias: bool = True) -> list[str]:
    """The cells of one method of :func:`jzanalysis.backtest.evaluate_pairs` in a Markdown table: coverage at
    each level (80% with its 95% interval), the interval score at each level, CRPS, MAPE%, bias% (with
    ``bias``) and Brier (n).

    >>> m = dict(coverage80=0.8, coverage80_ci=[0.7, 0.88], coverage95=0.93, interval_score80=0.6061,
    ...          interval_score95=None, crps=0.1, mape=0.123, bias_pct=-2.04, brier=0.2, n_brier=12)
    >>> markdown_row(["default", *method_cells(m)])
    '| default | 0.80 [0.70–0.88] | 0.93 | 0.606 | – | 0.100 | 12.3 | -2.0 | 0.200 (12) |'
    """
    ci = m["coverage80_ci"]
    cells = [f"{m[f'coverage{k}']:.2f}" + (f" [{ci[0]:.2f}–{ci[1]:.2f}]" if k == 80 else "") for k in levels]
    cells += [score_cell(m[f"interval_score{k}"]) for k in levels]
    cells += [score_cell(m["crps"]), f"{100 * m['mape']:.1f}"] + ([f"{m['bias_pct']:+.1f}"] if bias else [])
    return [*cells, f"{score_cell(m['brier'])} ({m['n_brier']})"]


def markdown_row(cells) -> str:
    """One row of a Markdown table."""
    return "| " + " | ".join(cells) + " |"


def format_calibration_table(cal: Calibration) -> str:
    """Markdown table of a calibration's parameters (docs/forecasting.md shows it)."""
    src = cal.source
    lines = [
        f"calibration {cal.id}: {src.get('pairs', '?')} pairs, {src.get('cities', '?')} cities, "
        f"{src.get('series', '?')} series (file {src.get('file', '?')}, sha256 {str(src.get('sha256', '?'))[:12]}…)",
        "",
        "| class | β (posterior mean) | sd of β | pairs | series | leans on prior |",
        "|---|---|---|---|---|---|",
    ]
    for name in CLASSES:
        b = cal.beta[name]
        lines.append(
            f"| {name} | {b.value:+.3f} | {b.sd:.3f} | {b.pairs} | {b.series} | {'yes' if b.leans_on_prior else 'no'} |"
        )
    lines += [
        "",
        f"spread: c(count) = {cal.c['count']:.3f} (prior median {cal.priors['c_median']['count']:.3f}), "
        f"c(amount) = {cal.c['amount']:.3f} (prior median {cal.priors['c_median']['amount']:.3f}), "
        f"d = {cal.d:.3f} (prior median {cal.priors['d_median']:.3f})"
        + (
            f", d_def = {cal.d_def:.3f} (prior median {cal.priors.get('d_def_median', 0):.3f}) on "
            f"{100 * cal.drift_rate:.0f}% of outcomes; posterior means over {len(cal.posterior)} points, "
            f"t tails with {cal.priors.get('tail_df')} df"
            if cal.posterior
            else ""
        ),
    ]
    if cal.plan is not None:
        p = cal.plan
        lines.append(
            f"plans: log(full/plan) ~ t({p.df:g} df, location {p.loc:+.3f}, scale {p.scale:.3f}) "
            f"from {p.series} series with a plan (prior: w0 = {cal.priors['plan_w0']:g}, "
            f"ν0 = {cal.priors['plan_nu0']:g}, κ0 = {cal.priors['plan_kappa0']:g})"
        )
    return "\n".join(lines)


def format_pairs_table(result: dict) -> str:
    """Markdown table of :func:`evaluate_pairs` (the calibration table of docs/forecasting.md)."""
    how = "leave one city out" if result["loco"] else "in sample"
    lines = [
        f"{result['n_pairs']} pairs, {result['n_cities']} cities, {how}",
        "",
        "| method | cov80 [95% CI] | cov95 | IS80 | IS95 | CRPS | MAPE% | bias% | Brier (n) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    lines += [markdown_row([m["label_zh"], *method_cells(m)]) for m in result["methods"]]
    b = result["straight_line_band"]
    lines.append(
        f"| straight line, best fixed band (80%: {b['form80']} ±{100 * b['band80']:.1f}%, 95%: {b['form95']} "
        f"±{100 * b['band95']:.1f}%, chosen on these pairs) | {b['coverage80']:.2f} | {b['coverage95']:.2f} | "
        f"{b['interval_score80']:.3f} | {b['interval_score95']:.3f} | – | {100 * b['mape']:.1f} | "
        f"{b['bias_pct']:+.1f} | – |"
    )
    lines += ["", "| class (default) | pairs | cov80 | IS80 | MAPE% |", "|---|---|---|---|---|"]
    for cls, c in result["by_class"].items():
        lines.append(
            f"| {cls} | {c['n']} | {c['coverage80']:.2f} | {c['interval_score80']:.3f} | {100 * c['mape']:.1f} |"
        )
    return "\n".join(lines)


def format_backtest_table(result: dict) -> str:
    """Plain-text table of :func:`run_backtest`'s scores for the terminal (one line per method)."""

    def pct(v, digits=1):
        return "–" if v is None else f"{100 * v:.{digits}f}"

    def num(v, digits=3):
        return "–" if v is None else f"{v:.{digits}f}"

    def skill(v):
        return "–" if v is None else f"{v:+.2f}"

    defaults = set(result.get("default_methods", {}).values())
    lines = [
        f"Backtest: {result['n_snapshots']} snapshots; baseline {result['baseline']}; {_spreads(result['dispersion'])}",
        f"{'method':<24}{'n':>4}{'MAPE%':>7}{'bias%':>7}{'cov80 [95% CI]':>20}{'cov95 [95% CI]':>20}"
        f"{'IS80':>7}{'CRPS':>7}{'Brier':>7}{'skill MAPE':>11}{'skill CRPS':>11}",
    ]
    for m in result["methods"]:
        c80 = f"{pct(m['coverage80'], 0)} [{pct(m['coverage80_ci'][0], 0)}-{pct(m['coverage80_ci'][1], 0)}]"
        c95 = f"{pct(m['coverage95'], 0)} [{pct(m['coverage95_ci'][0], 0)}-{pct(m['coverage95_ci'][1], 0)}]"
        star = "*" if m["method"] in defaults else " "
        bias = "–" if m["bias_pct"] is None else f"{m['bias_pct']:+.1f}"
        lines.append(
            f"{star}{m['method']:<23}{m['n']:>4}{pct(m['mape']):>7}{bias:>7}{c80:>20}{c95:>20}"
            f"{num(m['interval_score80'], 2):>7}{num(m['crps']):>7}{num(m['brier']):>7}"
            f"{skill(m['skill_mape']):>11}{skill(m['skill_crps']):>11}"
        )
    lines.append(
        "* default method for its kind. MAPE/bias/IS/CRPS relative to the actual; skill = 1 - score/baseline "
        "on shared rows (> 0 beats the straight line). cov = share of actuals inside the interval."
    )
    return "\n".join(lines)


def _spreads(given: dict) -> str:
    """φ of counts and σ of amounts as given, or "default" (the calibrated spread for the default method,
    the fixed one for the others).

    >>> _spreads({"count": 0.1, "amount": None})
    'φ (counts) 0.1, σ (amounts) default'
    """
    shown = {k: "default" if v is None else f"{v:g}" for k, v in given.items()}
    return f"φ (counts) {shown.get('count', 'default')}, σ (amounts) {shown.get('amount', 'default')}"
