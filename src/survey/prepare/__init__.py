"""Prepare: raw exports -> the normal form, validated, cleaned and redacted.

``normalise`` (raw columns and codes -> instrument ids and codes), ``validate`` (the
pandera checks and the recorded cleaning decisions), ``redact`` (personal data masked in
free text), ``interviews`` (coded interviews read, matched to the codebook and redacted).
"""
