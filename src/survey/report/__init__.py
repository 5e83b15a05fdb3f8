"""The report: what the Quarto documents read, the markdown they print, and the render step."""

from survey.report.markdown import figure, load_wave_results

__all__ = ["figure", "load_wave_results"]
