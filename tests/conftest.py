"""Shared fixtures: the seed bulletin and small hand-made facts tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from jzanalysis import settings
from jzanalysis.schema import facts_frame
from tests.helpers import SEED_PROJECTS, run_main

TESTS_DIR = Path(__file__).resolve().parent
# the corpus generator writes files when it runs: --doctest-modules must not import it
collect_ignore = ["corpus"]
SEED = settings.SEED_BULLETIN


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def jz(capsys):
    """``jz("forecast", path, "--json")``: the command run in this process; checks the exit status (0 unless
    ``status=`` says otherwise) and returns (stdout, stderr). Real processes: tests/test_bad_input.py."""

    def run(*argv, status: int = 0) -> tuple[str, str]:
        got, out, err = run_main(argv, capsys)
        assert got == status, err
        return out, err

    return run


@pytest.fixture
def seed_city_facts():
    """The seed's two headline figures, typed in from the bulletin (not from the extractor)."""
    funds = dict(metric="funds_in_place", value=798, unit="亿元", plan_pct=61.4, yoy_pct=31.3)
    return facts_frame(
        [SEED_PROJECTS, {**SEED_PROJECTS, **funds, "quote": "全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%"}]
    )
