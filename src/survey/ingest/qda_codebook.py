"""A QDA export's names matched to the project's codebook (its ids), as the interview readers return them.

Codes and themes named by id or any label become the codebook id (the theme of a known
code comes from the codebook); divisions and roles likewise; case variables are found
by the codebook's ``case_variables`` aliases. Unknown names are kept as they are, so an
empty :class:`~survey.project.instruments.Codebook` keeps the export's own names.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from survey.project.instruments import Codebook


def _canon(value, mapping: dict):
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return value
    return mapping.get(str(value).strip().casefold(), value)


def match_codebook(project, codebook: Codebook):
    """A copy of a :class:`~survey.ingest.qdpx.QdaProject` with the codebook's ids."""
    maps = codebook.aliases
    codings = project.codings.copy()

    def theme_of(code):
        return codebook.theme_of.get(code, code if code in codebook.themes else None)

    code_ids = [_canon(v, maps["code"]) for v in codings["code"].astype(object)]
    parents = [_canon(v, maps["code"]) for v in codings["parent"].astype(object)]
    codings["code"] = pd.Series(code_ids, index=codings.index, dtype="string")
    codings["parent"] = pd.Series([theme_of(c) or p for c, p in zip(code_ids, parents)], index=codings.index,
                                  dtype="string")
    codes = project.codes.copy()
    for col in ("code", "parent", "parent_code"):
        if col in codes:
            codes[col] = pd.Series([_canon(v, maps["code"]) for v in codes[col].astype(object)], index=codes.index,
                                   dtype=object)
    if "code" in codes:
        codes["parent"] = [theme_of(c) or p for c, p in zip(codes["code"], codes["parent"])]
    cases = project.cases.copy()
    for col in ("division", "role"):
        if col in cases:
            cases[col] = pd.Series([_canon(v, maps[col]) for v in cases[col].astype(object)], index=cases.index,
                                   dtype="string")
    return replace(project, codings=codings, codes=codes, cases=cases)
