"""Writing charts and tables to files: PNG/SVG, alt-text sidecars, xlsx workbooks.

Every writer here produces identical bytes on a rerun: matplotlib metadata carries no
date or version, SVG ids come from a fixed hash salt, and workbooks go through
:func:`survey.files.save_workbook` (fixed zip times and document dates).
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

from survey import files, style

PNG_DPI = 200
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, reproducibly (no dates, fixed SVG hash salt)."""
    buffer = io.BytesIO()
    rc = {"svg.hashsalt": "survey", "svg.fonttype": "path"}
    with matplotlib.rc_context(rc):
        if fmt == "png":
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=PNG_METADATA,
                        facecolor=style.BACKGROUND)
        elif fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=style.BACKGROUND)
        else:
            raise ValueError(f"unsupported figure format {fmt!r}")
    return buffer.getvalue()


def save_figure(fig, stem: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``<stem>.png`` (200 dpi) and ``<stem>.svg`` atomically; return the paths written."""
    stem = Path(stem)
    written = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        files.write_bytes_atomic(path, figure_bytes(fig, fmt))
        written.append(path)
    return written
