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
# **County one-pager notebook (the batch runs it once per county, parameter `region`)**
#
# (this cell is not part of the report) Set the parameters in the next cell and run all cells, from any working directory; the names and defaults are those of `jzanalysis.params.ReportParams`.

# %% tags=["parameters"]
# Parameters (papermill injects its own values after this cell); the others are ReportParams' defaults
source = None  # bulletin file or folder; None: the seed bulletin (data/raw/000_f5510f0c233d12e8.txt)
year = None  # None: the latest year in the data
as_of_month = None  # figures cover January..as_of_month (None: the latest)
region = "公安县"  # the county of this one-pager
compare_metric = "projects_100m"  # metric for the county comparison
county_plans = None  # CSV of county plans (year, region, metric, plan)
corrections = None  # the analyst's corrections YAML; None: data/corrections.yaml when it exists
language = "zh"  # report language: "zh" or "en"

# %%
from jzanalysis import report
from jzanalysis.pipeline import analyse

params = report.notebook_params(globals())  # first: any other name here would count as a parameter
r = report.Report(analyse(params, forecast=False))
report.show([r.onepager_html(params.region)])

# %%
# the one-pager stays on one A4 page
report.show(r.county_figures(highlight=r.a.region.canonical(params.region)), width=600)
report.show([r.onepager_facts_html(params.region), r.provenance_html()])
