"""survey.export: deterministic PNG/SVG files, sidecars and workbooks."""

import pandas as pd
from PIL import Image

from survey import charts, export
from survey.model import Result


def make_multi():
    table = pd.DataFrame({"code": ["a", "b"], "count": [12, 4], "pct": [0.75, 0.25], "ci_low": [0.5, 0.1],
                          "ci_high": [0.9, 0.5], "pct_selections": [0.75, 0.25], "suppressed": [False, False]})
    return Result(id="network-partnership-forms", kind="multi", dataset="network", question="q",
                  title={"fi": "Kysymys"}, table=table,
                  n={"respondents": 16, "answering": 16, "selections": 16, "per_respondent": 1.0},
                  labels={"fi": {"a": "Ensimmäinen", "b": "Toinen"}}, synthetic=True)


def test_save_figure_writes_png_and_svg_with_stable_names(tmp_path):
    fig = charts.draw(make_multi(), "fi", size="slide")
    paths = export.save_figure(fig, tmp_path / "network-partnership-forms.slide")
    assert [p.name for p in paths] == ["network-partnership-forms.slide.png", "network-partnership-forms.slide.svg"]
    with Image.open(paths[0]) as image:
        assert image.info["dpi"][0] >= 199.9
        assert image.size == (2667, 1500)
        assert "Software" not in image.info
    svg = paths[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_two_runs_give_identical_bytes(tmp_path):
    outputs = []
    for run in ("a", "b"):
        paths = []
        for size in ("report", "slide"):
            fig = charts.draw(make_multi(), "fi", size=size, wave_label="Demo", synthetic=True)
            paths += export.save_figure(fig, tmp_path / run / f"x.{size}")
        outputs.append([p.read_bytes() for p in paths])
    assert outputs[0] == outputs[1]
