"""Disclosure control: small groups and cells are hidden and cannot be recovered from totals."""

import itertools

import numpy as np
import pandas as pd
import pytest

from survey.analysis.disclosure import DisclosureRule, as_rule, merge_small_groups, protect_groups, suppress_cells


def test_primary_and_secondary_group_suppression():
    hidden = protect_groups({"a": 20, "b": 3, "c": 9, "d": 7}, 5)
    assert hidden == {"b": "primary", "d": "secondary"}


def test_secondary_suppression_reaches_the_threshold_together():
    # 1 + 2 = 3 < 5: a third group is needed so the hidden sum is not itself small.
    hidden = protect_groups({"a": 1, "b": 2, "c": 30, "d": 6}, 5)
    assert set(hidden) == {"a", "b", "d"}


def test_no_small_group_no_suppression():
    assert protect_groups({"a": 5, "b": 5, "c": 0}, 5) == {}


def test_group_sizes_cannot_be_recovered_from_the_total():
    sizes = {"sports": 14, "culture": 9, "village": 12, "youth": 3, "pensioners": 7}
    hidden = protect_groups(sizes, 5)
    total = sum(sizes.values())
    shown = {g: n for g, n in sizes.items() if g not in hidden}
    # The attacker's equation: sum of hidden sizes = total - shown.
    remainder = total - sum(shown.values())
    solutions = [combo for combo in itertools.product(range(remainder + 1), repeat=len(hidden))
                 if sum(combo) == remainder]
    youth_values = {combo[list(hidden).index("youth")] for combo in solutions}
    assert len(youth_values) > 1  # the youth count is not determined
    assert remainder >= 5


def test_merge_small_groups_into_muut():
    groups = pd.Series(["a"] * 10 + ["b"] * 2 + ["c"] * 6 + [None])
    merged, codes = merge_small_groups(groups, 5, order=["a", "b", "c"])
    assert codes == ["b", "c"]
    assert merged.value_counts().to_dict() == {"a": 10, "muut": 8}
    assert merged.isna().sum() == 1
    assert groups.tolist()[10] == "b"  # input unchanged


def test_merge_keeps_adding_until_threshold():
    groups = pd.Series(["a"] * 1 + ["b"] * 1 + ["c"] * 20)
    merged, codes = merge_small_groups(groups, 5)
    # a + b = 2 < 5, so c joins too: everything is "muut" (and is then one group).
    assert set(codes) == {"a", "b", "c"}


def test_cell_suppression_needs_two_hidden_cells_per_line():
    counts = np.array([[10, 2, 8], [9, 7, 6], [12, 11, 10]])
    mask = suppress_cells(counts, 5)
    assert mask[0, 1]
    for line in list(mask) + list(mask.T):
        assert line.sum() == 0 or line.sum() >= 2
    for i in range(3):
        for hidden_line, count_line in ((mask[i], counts[i]), (mask[:, i], counts[:, i])):
            if hidden_line.any():
                assert count_line[hidden_line].sum() >= 5


def test_hidden_cell_cannot_be_recovered_from_margins():
    counts = np.array([[10, 2, 8], [9, 7, 6], [12, 11, 10]])
    mask = suppress_cells(counts, 5)
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    shown = np.where(mask, -1, counts)
    hidden = list(zip(*np.nonzero(mask)))
    # Search small non-negative fillings consistent with the published margins.
    candidates = set()
    for values in itertools.product(range(0, 16), repeat=len(hidden)):
        t = shown.copy()
        for (i, j), v in zip(hidden, values):
            t[i, j] = v
        if (t.sum(axis=1) == rows).all() and (t.sum(axis=0) == cols).all():
            candidates.add(t[0, 1])
        if len(candidates) > 1:
            break
    assert len(candidates) > 1


def test_zero_cells_are_shown_and_hidden_rows_propagate():
    counts = np.array([[0, 12, 9], [3, 1, 0], [8, 9, 10]])
    mask = suppress_cells(counts, 5, hidden_rows=[False, True, False])
    assert mask[1].all()
    assert not mask[0, 0] or mask[:, 0].sum() >= 2


def test_rule_from_int_and_project_like():
    assert as_rule(3).min_group_size == 3
    assert as_rule(None) == DisclosureRule()

    class P:
        min_group_size = 7
        merge_small_groups = True

    rule = as_rule(P())
    assert rule.min_group_size == 7 and rule.merge_small_groups
    with pytest.raises(ValueError):
        as_rule(0)
