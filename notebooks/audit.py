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
# **Data-audit notebook: what was read, cleaned, extracted, warned and conflicting, per file, every figure read but not mapped to a metric, what the analyst's corrections file did and the figures to confirm**
#
# (this cell is not part of the report) Set the parameters in the next cell and run all cells, from any working directory; the names and defaults are those of `jzanalysis.params.ReportParams`.

# %% tags=["parameters"]
# Parameters (papermill injects its own values after this cell); the others are ReportParams' defaults
source = None  # bulletin file or folder; None: the seed bulletin (data/raw/000_f5510f0c233d12e8.txt)
region = None  # the city (or one of its counties); None: the city the bulletins are about
language = "zh"  # report language: "zh" or "en"

# %%
from jzanalysis import report
from jzanalysis.dataset import load_bulletins
from jzanalysis.regions import city_named
from jzanalysis.report.analyst_review import review_html

params = report.notebook_params(globals())  # first: any other name here would count as a parameter
dataset = load_bulletins([params.source], city_named(params.region), params.corrections)
catalogue = report.Catalogue(params.language, dataset.region)
report.show([report.audit_html(dataset, catalogue, dataset.region), review_html(dataset, catalogue)])
