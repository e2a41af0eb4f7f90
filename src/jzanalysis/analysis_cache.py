"""Analyses computed once and handed to notebook kernels as hashed artifacts.

A batch computes :func:`jzanalysis.pipeline.analyse` for each parameter set once, before any kernel
starts (it needs the results anyway, to check the inputs and to write the index), pickles each result
under a key that hashes the parameters, and tells a run's kernel where the artifacts are through the
``JZ_ANALYSIS_ARTIFACTS`` environment variable. ``analyse`` in the kernel then loads the artifact
instead of extracting the bulletins and recomputing everything. Without the variable (a notebook
opened in JupyterLab, ``jzanalysis report``) nothing changes: ``analyse`` computes.

The artifacts are written by the batch from inputs whose sha256 it has just checked, into a folder
private to the run; the kernel trusts that folder and nothing else.

>>> from jzanalysis.params import ReportParams
>>> artifact_key(ReportParams(year=2015, as_of_month=7), forecast=True) == artifact_key(
...     ReportParams(year=2015, as_of_month=7), forecast=True)
True
>>> artifact_key(ReportParams(year=2015, as_of_month=7), True) != artifact_key(ReportParams(year=2015, as_of_month=7), False)
True
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

ENVIRONMENT_VARIABLE = "JZ_ANALYSIS_ARTIFACTS"


def artifact_key(params, forecast: bool = True) -> str:
    """Hash of the parameters as a notebook passes them to ``analyse`` (and of the ``forecast`` flag)."""
    payload = json.dumps(
        {"parameters": params.notebook_parameters(), "forecast": bool(forecast)}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def dumps(analysis, params, forecast: bool = True) -> tuple[str, bytes]:
    """``(key, bytes)`` of an artifact for ``analyse(params, forecast=forecast)`` = ``analysis``."""
    return artifact_key(params, forecast), pickle.dumps(analysis, protocol=pickle.HIGHEST_PROTOCOL)


def load(params, forecast: bool = True):
    """The artifact for these parameters when a batch handed one to this process; else None."""
    folder = os.environ.get(ENVIRONMENT_VARIABLE)
    if not folder:
        return None
    path = Path(folder) / f"{artifact_key(params, forecast)}.pkl"
    if not path.is_file():
        return None
    with open(path, "rb") as handle:
        return pickle.load(handle)


def run_key() -> str | None:
    """The key of the batch run this process executes (``JZ_RUN_KEY``, or ``run-key`` beside the
    artifacts when the kernel was started before its run was known); None outside a batch."""
    if os.environ.get("JZ_RUN_KEY"):
        return os.environ["JZ_RUN_KEY"]
    folder = os.environ.get(ENVIRONMENT_VARIABLE)
    if folder:
        try:
            return (Path(folder) / "run-key").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None
    return None
