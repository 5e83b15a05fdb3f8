"""Artefacts: results -> files (figures, workbooks, the deck)."""
