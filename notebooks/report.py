# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (jzanalysis)
#     language: python
#     name: jzanalysis
# ---

# %% [markdown] tags=["analyst-only"]
# **Forecast report notebook**
#
# (this cell is not part of the report) Set the parameters in the next cell and run all cells, from any working directory; the names and defaults are those of `jzanalysis.params.ReportParams`.

# %% tags=["parameters"]
# Parameters (papermill injects its own values after this cell)
source = None  # bulletin file or folder; None: the seed bulletin (data/raw/000_f5510f0c233d12e8.txt)
year = None  # None: the latest year in the data
as_of_month = None  # figures cover January..as_of_month (None: the latest)
region = None  # the city (or one of its counties); None: the city the bulletins are about
metrics = None  # metric ids to forecast (None: every forecastable metric the bulletin has a figure for)
compare_metric = "projects_100m"  # metric for the county comparison
methods = None  # forecast method ids (None: every method that applies)
dispersion = None  # overdispersion φ of project counts, 0..1 (None: calibrated on real data)
sigma = None  # spread σ of funds (amounts), 0..1 (None: calibrated on real data)
plans = {}  # annual plan overrides: metric id -> plan, e.g. {"projects_100m": 300}
county_plans = None  # CSV of county plans (year, region, metric, plan)
corrections = None  # the analyst's corrections YAML; None: data/corrections.yaml when it exists
language = "zh"  # report language: "zh" or "en"

# %%
from jzanalysis import report
from jzanalysis.pipeline import analyse

params = report.notebook_params(globals())  # first: any other name here would count as a parameter
r = report.Report(analyse(params))
report.show(r.parts("head"))
report.show(r.parts("verdict"))

# %%
report.show(r.parts("progress"))
report.show(r.parts("review"))

# %%
report.show(r.parts("forecast"))

# %%
report.show(r.parts("counties"))
report.show(r.parts("others"))

# %%
report.show(r.parts("appendix"))
