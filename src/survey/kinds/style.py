"""House style: palettes, fonts, sizes, and the checks that keep them accessible.

Colour rules (issue 7, WCAG 2.1 AA):

* every series colour has at least 3:1 contrast against the chart background
  (WCAG 1.4.11, non-text contrast), measured with the WCAG relative-luminance formula;
* every pair of series colours stays distinguishable under simulated colour-vision
  deficiency: both colours are passed through the Machado, Oliveira & Fernandes
  (2009) matrices at severity 1.0 for protanopia, deuteranopia and tritanopia
  (applied in linear sRGB) and their CIEDE2000 colour difference must be at least
  :data:`MIN_DELTA_E` (and also without simulation);
* colour is never the only carrier: charts label values and name series in text.

Fonts: DejaVu Sans (ships with matplotlib), so a chart looks the same on every machine.
SVGs are written with ``svg.fonttype = "none"``: every label is a real ``<text>``
element (font family "DejaVu Sans", then any sans-serif), so a presenter can select,
search and edit the words in PowerPoint, Inkscape or a browser. The PNG beside it is
the pixel-exact version.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.image
import numpy as np

from survey.errors import ConfigError

BACKGROUND = "#FFFFFF"
TEXT = "#1A1A1A"
MUTED_TEXT = "#4D4D4D"  # 8.4:1 on white
GRID = "#D9D9D9"  # decorative only
PRIMARY = "#0B4F8A"
MIN_CONTRAST = 3.0
MIN_TEXT_CONTRAST = 4.5
MIN_DELTA_E = 12.0
FONT = "DejaVu Sans"

# Categorical series (groups, waves, sources): chosen by a max-min search of
# CIEDE2000 under the four vision conditions, then rounded; see tests/test_style.py.
CATEGORICAL = ("#0B4F8A", "#C2410C", "#1F8A84", "#7E5BD9", "#6B3D43", "#6F7A5A")
# Diverging Likert shades from the most negative to the most positive; orange-blue
# stays apart under red-green deficiencies. Keys are the number of scale points.
DIVERGING = {
    2: ("#C2410C", "#1F5FA0"),
    3: ("#C2410C", "#808080", "#1F5FA0"),
    4: ("#9A3A06", "#D05A10", "#3C7DBF", "#0B3C6E"),
    5: ("#9A3A06", "#D05A10", "#808080", "#3C7DBF", "#0B3C6E"),
    6: ("#6E2A04", "#A8480A", "#D8661A", "#4A8AD0", "#1F5FA0", "#0A3060"),
    7: ("#6E2A04", "#A8480A", "#D8661A", "#808080", "#4A8AD0", "#1F5FA0", "#0A3060"),
}
DONT_KNOW = "#595959"
SUPPRESSED = "#595959"
HEAT_LOW = "#FFFFFF"
HEAT_HIGH = "#0B3C6E"

# Machado et al. (2009), severity 1.0, linear RGB.
CVD_MATRICES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


@dataclass(frozen=True)
class Size:
    """One output size: figure width in inches, type sizes in points."""

    name: str
    width: float
    height: float | None  # None: grows with the number of rows
    font: float
    title: float
    small: float
    row: float  # inches per bar row when the height grows
    wrap: int  # characters per line of a category label
    title_wrap: int
    dpi: int = 200


SIZES = {
    # A4 text width (210 mm - 2 x 25 mm margins = 160 mm = 6.3 in).
    "report": Size("report", 6.3, None, font=8.5, title=10.0, small=7.0, row=0.36, wrap=32, title_wrap=66),
    # 16:9 slide (PowerPoint widescreen 13.333 x 7.5 in), large type.
    # 150 dpi: 2000 x 1125 pixels, more than a Full HD projector shows.
    "slide": Size("slide", 13.335, 7.5, font=17.0, title=22.0, small=13.0, row=0.6, wrap=36, title_wrap=70,
                  dpi=150),
}


@dataclass(frozen=True)
class Theme:
    """Organisation colours and logo from ``survey.yml`` over the house defaults."""

    primary: str = PRIMARY
    categorical: tuple[str, ...] = CATEGORICAL
    logo: str | None = None
    notes: tuple[str, ...] = field(default=())
    logo_image: object = field(default=None, compare=False, repr=False)  # RGBA array from load_logo


def load_logo(path) -> np.ndarray:
    """Read a PNG logo into an RGBA array (the pipeline calls this; charts never read files)."""
    path = Path(path)
    if path.suffix.lower() != ".png" or not path.is_file():
        raise ConfigError(f"organisation logo must be an existing PNG file: {path.name}")
    with open(path, "rb") as handle:
        signature = handle.read(8)
    if signature != b"\x89PNG\r\n\x1a\n":
        raise ConfigError(f"organisation logo {path.name} is not a PNG image (its bytes say otherwise); "
                          "save it as PNG or remove 'logo:' from survey.yml")
    try:
        return matplotlib.image.imread(str(path))
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged image
        raise ConfigError(f"organisation logo {path.name} is a damaged PNG image; save it again or remove "
                          "'logo:' from survey.yml") from None


def make_theme(colors: dict | None = None, logo: str | None = None, logo_image=None) -> Theme:
    """A Theme from ``organisation.colors``/``logo``; an inaccessible colour falls back, with a note.

    ``logo_image`` is the logo already read with :func:`load_logo` (None: no logo drawn).
    """
    colors = colors or {}
    primary = colors.get("primary") or PRIMARY
    notes = []
    try:
        ratio = contrast_ratio(primary, BACKGROUND)
    except ValueError:
        notes.append(f"organisation colour {primary!r} is not a #RRGGBB colour; using {PRIMARY}")
        primary = PRIMARY
    else:
        if ratio < MIN_CONTRAST:
            notes.append(f"organisation colour {primary} has only {ratio:.2f}:1 contrast against white "
                         f"(3:1 needed); using {PRIMARY}")
            primary = PRIMARY
    categorical = (primary,) + tuple(c for c in CATEGORICAL if c.upper() != PRIMARY.upper())
    if primary.upper() != PRIMARY.upper() and palette_problems(categorical):
        notes.append(f"organisation colour {primary} is too close to a series colour; "
                     "it is used for single-series charts only")
        categorical = CATEGORICAL
    return Theme(primary=primary, categorical=categorical, logo=logo, notes=tuple(notes), logo_image=logo_image)


def project_theme(project, progress=None) -> Theme:
    """The chart theme from survey.yml's organisation colour and logo; notes go to ``progress`` as warnings."""
    logo = None
    if project.logo:
        logo = load_logo(project.paths.project_file(project.logo, "organisation logo"))
    theme = make_theme(project.colors, project.logo, logo)
    for note in theme.notes:
        if progress is not None:
            progress(f"  warning: {note}")
    return theme

# What drawing and saving a figure both read: text is laid out and rasterised the same way. At 150-200 dpi
# hinting sharpens nothing, and unhinted glyphs are laid out and rasterised faster.
RENDER_RC = {"text.hinting": "no_hinting", "svg.fonttype": "none", "svg.hashsalt": "survey"}


def rc_params(size: str = "report") -> dict:
    """Matplotlib settings of the house style for one size (use with ``rc_context``)."""
    s = SIZES[size]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "font.size": s.font,
        "axes.titlesize": s.title,
        "axes.labelsize": s.font,
        "xtick.labelsize": s.font,
        "ytick.labelsize": s.font,
        "legend.fontsize": s.font,
        "text.color": TEXT,
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.edgecolor": MUTED_TEXT,
        "figure.facecolor": BACKGROUND,
        "axes.facecolor": BACKGROUND,
        "savefig.facecolor": BACKGROUND,
        "svg.fonttype": "none",
        "svg.hashsalt": "survey",
        "path.simplify": True,
        "axes.unicode_minus": True,
        "figure.dpi": 100,
        "savefig.dpi": s.dpi,
        **RENDER_RC,
    }


# -- colour arithmetic -------------------------------------------------------------

def hex_to_rgb(color: str) -> np.ndarray:
    """'#RRGGBB' -> sRGB floats 0-1."""
    text = str(color).strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    try:
        return np.array([int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    except ValueError:
        raise ValueError(f"not a #RRGGBB colour: {color!r}") from None


def linear_rgb(color: str) -> np.ndarray:
    """sRGB gamma removed (IEC 61966-2-1)."""
    c = hex_to_rgb(color)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of a colour."""
    return float(linear_rgb(color) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: str, b: str = BACKGROUND) -> float:
    """WCAG contrast ratio (1-21) between two colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(fill: str) -> str:
    """White or black, whichever reads better on ``fill`` (always at least 4.58:1)."""
    return "#FFFFFF" if contrast_ratio("#FFFFFF", fill) >= contrast_ratio("#000000", fill) else "#000000"


def simulate_cvd(color: str, kind: str) -> np.ndarray:
    """Linear RGB of ``color`` as seen with ``kind`` (protanopia, deuteranopia, tritanopia)."""
    lin = linear_rgb(color)
    if kind == "normal":
        return lin
    return np.clip(CVD_MATRICES[kind] @ lin, 0, 1)


def linear_to_lab(lin: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375],
                    [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ np.clip(lin, 0, 1)
    ref = np.array([0.95047, 1.0, 1.08883])
    t = xyz / ref
    eps = (6 / 29) ** 3
    f = np.where(t > eps, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    L1, a1, b1 = (float(v) for v in lab1)
    L2, a2, b2 = (float(v) for v in lab2)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    d_l, d_c = L2 - L1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return float(np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                         + r_t * (d_c / s_c) * (d_h / s_h)))


def cvd_distance(a: str, b: str, kind: str = "normal") -> float:
    """CIEDE2000 between two colours as seen under ``kind`` ('normal' = no simulation)."""
    return delta_e_2000(linear_to_lab(simulate_cvd(a, kind)), linear_to_lab(simulate_cvd(b, kind)))


VISION = ("normal", "deuteranopia", "protanopia", "tritanopia")


def palette_problems(colors, background: str = BACKGROUND, min_delta_e: float = MIN_DELTA_E,
                     min_contrast: float = MIN_CONTRAST) -> list[str]:
    """Every failed check of a series palette, as sentences (empty list = accessible)."""
    problems = []
    for color in colors:
        ratio = contrast_ratio(color, background)
        if ratio < min_contrast:
            problems.append(f"{color} has {ratio:.2f}:1 contrast against {background} (needs {min_contrast}:1)")
    for a, b in itertools.combinations(colors, 2):
        for kind in VISION:
            d = cvd_distance(a, b, kind)
            if d < min_delta_e:
                problems.append(f"{a} and {b} differ by CIEDE2000 {d:.1f} under {kind} (needs {min_delta_e})")
    return problems


def diverging(points: int) -> tuple[str, ...]:
    """Likert shades for a scale of ``points`` substantive points, negative to positive."""
    if points not in DIVERGING:
        raise ValueError(f"Likert charts support 2-7 scale points, not {points}")
    return DIVERGING[points]
