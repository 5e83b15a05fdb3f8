"""Survey analysis and reporting pipeline for municipalities' cooperation with associations."""

__version__ = "0.1.0"
