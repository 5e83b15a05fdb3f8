"""survey.kinds.style: palettes pass contrast and colour-vision-deficiency checks.

Measure: each pair of series colours is simulated with the Machado, Oliveira &
Fernandes (2009) matrices (severity 1.0) for protanopia, deuteranopia and
tritanopia, converted to CIE L*a*b* (D65) and compared with CIEDE2000; every pair
must differ by at least style.MIN_DELTA_E (12) under each condition and without
simulation. Every colour must have 3:1 contrast (WCAG 2.1, 1.4.11) against white.
"""

import itertools

import pytest

from survey.kinds import style

# Sharma, Wu & Dalal (2005), Table 1: reference CIEDE2000 values.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("lab1, lab2, expected", SHARMA)
def test_ciede2000_matches_published_reference(lab1, lab2, expected):
    assert style.delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_contrast_ratio_matches_wcag_examples():
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert style.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


def test_simulation_merges_red_and_green_for_deuteranopia():
    red, green = "#D62728", "#2CA02C"  # matplotlib's default red and green
    assert style.cvd_distance(red, green, "normal") > 40
    assert style.cvd_distance(red, green, "deuteranopia") < 6
    assert style.cvd_distance(red, green, "tritanopia") > 40  # blue-yellow deficiency keeps them apart


ALL_PALETTES = {"categorical": style.CATEGORICAL,
                **{f"diverging-{k}": v for k, v in style.DIVERGING.items()}}


@pytest.mark.parametrize("name", sorted(ALL_PALETTES))
def test_every_palette_is_accessible(name):
    colors = ALL_PALETTES[name]
    assert style.palette_problems(colors) == []
    for color in colors:
        assert style.contrast_ratio(color, style.BACKGROUND) >= 3.0
    for a, b in itertools.combinations(colors, 2):
        for kind in ("deuteranopia", "protanopia", "tritanopia", "normal"):
            assert style.cvd_distance(a, b, kind) >= style.MIN_DELTA_E, (a, b, kind)


def test_single_colours_and_text_meet_contrast():
    for color in (style.PRIMARY, style.DONT_KNOW, style.SUPPRESSED, style.HEAT_HIGH):
        assert style.contrast_ratio(color) >= 3.0
    for color in (style.TEXT, style.MUTED_TEXT):
        assert style.contrast_ratio(color) >= 4.5
    for fill in style.CATEGORICAL + style.DIVERGING[7]:
        assert style.contrast_ratio(style.text_color_on(fill), fill) >= 4.5


def test_palette_problems_names_the_failure():
    problems = style.palette_problems(["#FFFF00", "#D62728", "#2CA02C"])
    assert any("#FFFF00 has 1.07:1 contrast" in p for p in problems)
    assert any(p.startswith("#D62728 and #2CA02C") and "deuteranopia" in p for p in problems)


def test_make_theme_keeps_an_accessible_organisation_colour_and_rejects_a_pale_one():
    theme = style.make_theme({"primary": "#5B2A86"}, logo="logo.png")
    assert theme.primary == "#5B2A86" and theme.logo == "logo.png"
    pale = style.make_theme({"primary": "#FFE680"})
    assert pale.primary == style.PRIMARY
    assert "contrast" in pale.notes[0]
    bad = style.make_theme({"primary": "blue-ish"})
    assert bad.primary == style.PRIMARY and bad.notes


def test_rc_params_use_dejavu_and_fixed_svg_settings():
    rc = style.rc_params("slide")
    assert rc["font.sans-serif"] == ["DejaVu Sans"]
    assert rc["svg.fonttype"] == "none" and rc["svg.hashsalt"] == "survey"
    assert style.SIZES["slide"].width / style.SIZES["slide"].height == pytest.approx(16 / 9, abs=1e-3)
    assert style.SIZES["report"].dpi >= 200
