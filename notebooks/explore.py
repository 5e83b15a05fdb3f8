# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring a survey wave
#
# How an analyst looks at one wave after `survey run --wave <wave>`: load what the
# pipeline wrote, find a result, draw any chart in any language and size, and read its
# alt text and data table. Nothing here is computed by hand: the notebook calls the
# same functions as the pipeline and the report. Paths come from `survey.project.config`, so
# the notebook works from any folder (set `SURVEY_PROJECT` to work on a copy).

# %% tags=["parameters"]
wave = None  # None: the newest wave declared in survey.yml
lang = "fi"  # fi, sv or en

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from survey.kinds import charts, table
from survey.report import load_wave_results

W = load_wave_results(wave, lang=lang)
print(W.wave.id, "-", W.wave.label, "| synthetic:", W.synthetic, "| datasets:", ", ".join(W.datasets()))

# %% [markdown]
# ## Every result of the wave
# One row per result: its id (also the file name of its chart and JSON), kind and title.

# %%
overview = pd.DataFrame(
    [{"id": r.id, "dataset": r.dataset, "kind": r.kind, "title": W.title(r)} for r in W.results.values()]
)
overview.head(20)

# %% [markdown]
# ## One result: its finding, its table of codes, and its data table with labels

# %%
result_id = next(iter(W.results)) if "network-grants" not in W.results else "network-grants"
result = W.result(result_id)
display(Markdown(W.finding(result) or "(no finding for this kind of result)"))
result.table.head(10)

# %%
table.data_table(result, lang)

# %% [markdown]
# ## Draw the chart, report and slide size
# `charts.draw` returns a matplotlib Figure; `charts.alt_text` gives the text a screen
# reader reads. Change `lang` or `size` to see the other versions.

# %%
figure = charts.draw(result, lang=lang, size="report", wave_label=W.wave.label, synthetic=W.synthetic)
display(figure)
print(charts.alt_text(result, lang))

# %%
slide = charts.draw(result, lang=lang, size="slide", wave_label=W.wave.label, synthetic=W.synthetic)
display(slide)

# %% [markdown]
# ## Any other chart
# Loop over a dataset's results to look at every chart of a chapter (here: the first three).

# %%
dataset = W.datasets()[0]
for r in W.of(dataset)[:3]:
    display(charts.draw(r, lang=lang, size="report", wave_label=W.wave.label, synthetic=W.synthetic))

# %% [markdown]
# ## The normal-form data behind the results
# The processed frames are in `output/<wave>/processed/<dataset>.parquet` (one row per
# respondent, codes not labels); the analysis functions take them as they are.

# %%
frame = pd.read_parquet(W.paths.processed(W.wave.id) / f"{result.dataset}.parquet")
frame.shape, list(frame.columns[:8])
