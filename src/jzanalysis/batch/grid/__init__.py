"""The grid: which notebooks run with which parameters, declared in a YAML file and checked up front.

A grid file (the shipped ``batch.yaml`` is the monthly set)::

    defaults:                  # every run's parameters (any field of ReportParams) and formats
      source: data/raw/        # paths are relative to the grid file's folder
      formats: [html, pdf]
    runs:
      - notebook: report.ipynb             # one run
      - notebook: report.ipynb             # one run per value: the scenarios
        vary: {dispersion: [0, 0.5]}
      - notebook: county.ipynb
        vary: {region: each-county}        # every county with a figure in the data
      - notebook: report.ipynb
        vary: {source: each-bulletin}      # look-back: one run per bulletin of the folder, at its month
        params: {metrics: [projects_100m]} # a run's own parameters, over the defaults

``vary`` takes lists (the runs are their product) or one of the words ``each-county`` (for ``region``)
and ``each-bulletin`` (for ``source``: every bulletin file of the source folder, each at its own
as-of month; nothing when the folder holds a single bulletin, which the other runs already cover).
Runs with the same notebook and parameters are one run. ``notebook`` is a file in ``notebooks/`` or in
the grid's folder (or the folder a top-level ``notebooks:`` names, relative to the grid), never a path out
of it. A grid is bounded (:data:`MAX_GRID_BYTES`, no YAML aliases, :data:`MAX_DEPTH`, :data:`MAX_RUNS`) and
every value is checked for its parameter's kind before anything is hashed.

Everything is validated before the first kernel starts: parameters (``ReportParams``, finite numbers),
notebooks, formats; then every run's analysis is computed once, so bad data fails in a second too.

The package, by concern: :mod:`.jobs` (a run and a grid as data, with the bounds), :mod:`.file` (reading and
checking a grid file; the command line's grids), :mod:`.expand` (against the data) and :mod:`.naming` (a run's
stem, title and headline).
"""

from .expand import bulletins_read_once, check_spec, expand, input_paths
from .file import PATH_FIELDS, check_size, monthly_grid, override, read_grid
from .jobs import (
    EACH_BULLETIN,
    EACH_COUNTY,
    MAX_DEPTH,
    MAX_GRID_BYTES,
    MAX_NOTEBOOK_BYTES,
    MAX_RUNS,
    GridSpec,
    Job,
)
from .naming import headline, run_stem, run_title

__all__ = [
    "EACH_BULLETIN",
    "EACH_COUNTY",
    "MAX_DEPTH",
    "MAX_GRID_BYTES",
    "MAX_NOTEBOOK_BYTES",
    "MAX_RUNS",
    "PATH_FIELDS",
    "GridSpec",
    "Job",
    "bulletins_read_once",
    "check_size",
    "check_spec",
    "expand",
    "headline",
    "input_paths",
    "monthly_grid",
    "override",
    "read_grid",
    "run_stem",
    "run_title",
]
