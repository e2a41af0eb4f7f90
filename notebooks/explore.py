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

# %% [markdown]
# # Explore the figures
#
# Every figure the bulletins give, as a DataFrame with Chinese and English metric labels (`label_zh`,
# `label_en`) and English region names (`region_en`). `import jzanalysis.plots` applies the project's
# theme (the CJK font included), so your own seaborn and matplotlib charts show Chinese without boxes.
# Run it from any working directory; change `source` to a file or a folder of bulletins. `to_confirm` marks a
# figure the extractor is unsure of (`confidence` below the threshold) until the analyst accepts or corrects it in
# `data/corrections.yaml`; `correction` says what the analyst did (see README: the corrections file).

# %% tags=["parameters"]
# Parameters
source = None  # bulletin file or folder; None: the seed bulletin
region = None  # the city; None: found from the text
corrections = None  # the analyst's corrections YAML; None: data/corrections.yaml when it exists

# %%
import seaborn as sns

import jzanalysis.plots  # noqa: F401  (the theme: Chinese labels without missing glyphs)
from jzanalysis import settings
from jzanalysis.dataset import load_bulletins
from jzanalysis.regions import city_named
from jzanalysis.report import labelled_facts

dataset = load_bulletins([source or settings.SEED_BULLETIN], city_named(region), corrections)
facts = labelled_facts(dataset.facts)
shown = ["year", "months", "region", "region_en", "label_zh", "label_en", "value", "unit", "plan_pct", "quote"]
facts[[*shown, "confidence", "to_confirm", "correction"]]

# %% [markdown]
# County figures of the city's main count, largest first:

# %%
city = dataset.require_region()
counties = facts[(facts.metric == "projects_100m") & (facts.region != city.name)].sort_values("value", ascending=False)
ax = sns.barplot(data=counties, y="region", x="value", color="#2e75b6")
ax.set(xlabel=f"{counties.label_zh.iloc[0]}（个）" if len(counties) else "", ylabel="县市区")
ax.figure.tight_layout()

# %% [markdown]
# Every metric of the city, as a table of label → value (the bulletins' own figures):

# %%
facts[facts.region == city.name].pivot_table(
    index=["label_zh", "label_en", "unit"], columns="months", values="value", aggfunc="first"
)
