"""Disclosure control: no small group and no small cell can be seen or recovered.

One rule set, from ``survey.yml`` (``disclosure.min_group_size``, default 5, and
``disclosure.merge_small_groups``), applied by every breakdown:

* **Groups** (respondents sharing a value of a background variable such as
  association type, division or size): a group with fewer than ``min_group_size``
  respondents is suppressed -- its size and every cell of it are hidden. Because the
  whole-sample total is published, one hidden group could be recovered as
  "total minus the others", so *secondary* suppression hides the next smallest
  groups until at least two groups are hidden and the hidden groups together reach
  the threshold.
* **Merging** (``merge_small_groups: true``): small groups are merged into "muut"
  (other) instead; the next smallest groups join until "muut" reaches the threshold.
* **Cells** of a breakdown (group x item): the denominator of every shown
  percentage is at least ``min_group_size``. A group whose number of answers to an
  item (its base) is below the threshold is hidden for that item, and again
  secondary suppression hides the next smallest groups for that item, because the
  whole-sample answers to the item are published.
* **Small counts** (``small_counts=True``, SPSS-style "hide small counts", but with
  secondary suppression): additionally every count of 1 to ``min_group_size - 1``
  is hidden (zeros are shown: they single no one out). Group sizes (row totals)
  and whole-sample counts (column totals) are public, so in every row and column
  that holds a hidden cell, further cells are hidden (smallest non-zero first)
  until it holds at least two hidden cells whose sum reaches the threshold. For
  multi-select options the "not selected" count takes part as a hidden column.
  Off by default: with 50-70 respondents it hides nearly every cell of a
  breakdown; the base rule already keeps every shown percentage on at least
  ``min_group_size`` respondents.
* **Tests** use the shown groups only; with fewer than two shown groups there is
  no p-value and the result says why. With ``small_counts`` a 2x2 table with a
  hidden cell gets no test (its p-value would reveal the cell). Differences in
  percentage points are given only between cells that are shown.

Whole-sample one-way frequencies are not suppressed (they describe everyone, not a
group), except the frequencies of a background variable itself: those counts *are*
group sizes, so :func:`survey.analysis.analyse_single` suppresses them when the
instrument marks the question ``background: true``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

OTHER_CODE = "muut"
OTHER_LABELS = {"fi": "Muut", "sv": "Övriga", "en": "Other"}
DEFAULT_MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class DisclosureRule:
    """The disclosure rule of a project (``survey.yml`` ``disclosure``)."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    merge_small_groups: bool = False
    other_code: str = OTHER_CODE
    small_counts: bool = False

    @classmethod
    def from_project(cls, project) -> "DisclosureRule":
        return cls(min_group_size=project.min_group_size, merge_small_groups=project.merge_small_groups,
                   small_counts=bool(getattr(project, "small_counts", getattr(project, "suppress_small_counts", False))))

    def describe(self) -> dict:
        return {"threshold": self.min_group_size,
                "method": "merge" if self.merge_small_groups else "suppress",
                "secondary": True, "small_counts": self.small_counts}


def as_rule(rule=None) -> DisclosureRule:
    """Accept a :class:`DisclosureRule`, a threshold (int), a Project, or ``None`` (defaults)."""
    if rule is None:
        return DisclosureRule()
    if isinstance(rule, DisclosureRule):
        return rule
    if isinstance(rule, (int, np.integer)) and not isinstance(rule, bool):
        if rule < 1:
            raise ValueError("the minimum group size must be at least 1")
        return DisclosureRule(min_group_size=int(rule))
    if hasattr(rule, "min_group_size"):
        return DisclosureRule.from_project(rule)
    raise TypeError(f"not a disclosure rule: {rule!r}")


def protect_groups(sizes: dict, threshold: int) -> dict:
    """Which groups to hide: ``{code: "primary" | "secondary"}``.

    Primary: ``0 < size < threshold``. Secondary: the next smallest non-empty groups,
    until at least two groups are hidden and their sizes add up to the threshold
    (so neither "total minus the others" nor the hidden sum singles anyone out).
    """
    hidden = {code: "primary" for code, size in sizes.items() if 0 < size < threshold}
    if not hidden:
        return hidden
    candidates = sorted((size, i, code) for i, (code, size) in enumerate(sizes.items())
                        if code not in hidden and size > 0)
    while candidates and (len(hidden) < 2 or sum(sizes[c] for c in hidden) < threshold):
        _, _, code = candidates.pop(0)
        hidden[code] = "secondary"
    return hidden


def merge_small_groups(groups: pd.Series, threshold: int, order=None,
                       other_code: str = OTHER_CODE) -> tuple[pd.Series, list]:
    """Merge groups below the threshold into ``other_code``; return the new series and merged codes.

    The next smallest groups join until the merged group reaches the threshold.
    ``order`` (codes) breaks ties; missing values stay missing. The input is not changed.
    """
    sizes = groups.dropna().value_counts()
    codes = list(order) if order is not None else list(sizes.index)
    sizes = {code: int(sizes.get(code, 0)) for code in codes}
    small = [c for c, n in sizes.items() if 0 < n < threshold]
    if not small:
        return groups.copy(), []
    merged = list(small)
    rest = sorted((n, i, c) for i, (c, n) in enumerate(sizes.items()) if c not in merged and n > 0)
    while rest and (len(merged) < 2 or sum(sizes[c] for c in merged) < threshold):
        merged.append(rest.pop(0)[2])
    out = groups.astype(object).where(~groups.isin(merged), other_code)
    return out, merged


def suppress_cells(counts, threshold: int, hidden_rows=None) -> np.ndarray:
    """Boolean mask of cells to hide in a table whose row and column totals are public.

    Primary: ``0 < count < threshold`` and every cell of ``hidden_rows``. Secondary:
    in each row and column holding a hidden cell, hide further cells (smallest
    non-zero first, then zeros) until it holds at least two hidden cells summing to
    at least the threshold; repeat until nothing changes.
    """
    counts = np.asarray(counts, dtype=np.int64)
    mask = (counts > 0) & (counts < threshold)
    if hidden_rows is not None:
        mask[np.asarray(hidden_rows, dtype=bool)] = True
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = range(counts.shape[0]) if axis == 0 else range(counts.shape[1])
            for i in lines:
                line_counts = counts[i] if axis == 0 else counts[:, i]
                line_mask = mask[i] if axis == 0 else mask[:, i]
                if not line_mask.any():
                    continue
                while (line_mask.sum() < 2 or line_counts[line_mask].sum() < threshold) and not line_mask.all():
                    open_cells = [j for j in range(line_counts.size) if not line_mask[j]]
                    j = min(open_cells, key=lambda k: (line_counts[k] == 0, line_counts[k], k))
                    line_mask[j] = True
                    changed = True
                    if line_mask.sum() >= 2 and line_counts[line_mask].sum() >= threshold:
                        break
    return mask


def rule_with(rule=None, threshold: int | None = None, merge_small: bool | None = None,
              small_counts: bool | None = None) -> DisclosureRule:
    """``rule`` (or the default) with any of its settings overridden by the given arguments."""
    import dataclasses

    base = as_rule(rule)
    changes = {}
    if threshold is not None:
        changes["min_group_size"] = int(threshold)
    if merge_small is not None:
        changes["merge_small_groups"] = bool(merge_small)
    if small_counts is not None:
        changes["small_counts"] = bool(small_counts)
    return dataclasses.replace(base, **changes) if changes else base
