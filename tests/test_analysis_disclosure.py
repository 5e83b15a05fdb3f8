"""Disclosure control: small groups and cells are hidden and cannot be recovered from totals."""

import itertools

import numpy as np
import pandas as pd
import pytest

from survey.analysis.disclosure import DisclosureRule, as_rule, merge_small_groups, protect_groups, suppress_cells


def test_primary_and_secondary_group_suppression():
    # the partner is the group after the small one in the questionnaire's order, whatever its size:
    # "the smallest" would tell an attacker that every hidden group is at most the smallest shown one
    hidden = protect_groups({"a": 20, "b": 3, "c": 9, "d": 7}, 5)
    assert hidden == {"b": "primary", "c": "secondary"}


def test_secondary_suppression_reaches_the_threshold_together():
    # 1 + 2 = 3 < 5: a third group is needed so the hidden sum is not itself small.
    hidden = protect_groups({"a": 1, "b": 2, "c": 30, "d": 6}, 5)
    assert set(hidden) == {"a", "b", "c"}


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


# ---------------------------------------------------------------- the partition and the audit

from survey.analysis.disclosure import MISSING_GROUP, determined, plan_groups, promise_text, protect  # noqa: E402


def test_determined_finds_values_public_bounds_pin_down():
    # total 11 = a + b, b's size 7 is public: a >= 4; someone who knows a is the small one (< 5) gets a = 4
    assert determined(11, {"a": 0, "b": 0}, {"a": 6, "b": 7}, threshold=5) == {"a"}
    assert determined(11, {"a": 0, "b": 0}, {"a": 6, "b": 7}) == set()
    # no public bounds: nothing is pinned
    assert determined(11, {"a": 1, "b": 1}, {"a": None, "b": None}, threshold=5) == set()
    # five groups of one known to exist, total five: every size is one
    assert determined(5, {g: 1 for g in "abcde"}, {g: None for g in "abcde"}) == set("abcde")


def test_partner_is_added_until_no_hidden_base_is_pinned():
    # a's base 4 < 5; b (size 7, all answered) alone would pin it: 11 - 7 = 4
    hidden = protect({"a": 4, "b": 7, "c": 9}, 5, public={"a": 6, "b": 7, "c": 9})
    assert set(hidden) == {"a", "b", "c"}
    # b with two non-answers is a safe partner: a is somewhere in 2..6 ... but a's hypothesis a<=4 gives 2..4
    hidden = protect({"a": 4, "b": 7, "c": 9}, 5, public={"a": 6, "b": 9, "c": 9})
    assert set(hidden) == {"a", "b"}


def test_missing_group_is_the_preferred_partner_and_a_group_of_its_own():
    plan = plan_groups({"a": 20, "b": 3, "c": 9}, 6, 5)
    assert plan.hidden == {"b": "primary", MISSING_GROUP: "secondary"}
    # a missing group of one needs a partner although every real group is large
    plan = plan_groups({"a": 20, "b": 12, "c": 9}, 1, 5)
    assert set(plan.hidden) == {MISSING_GROUP, "a"}  # the missing group is last: its partner wraps round to a
    assert plan.public_sizes() == {"b": 12, "c": 9}
    assert plan_groups({"a": 20, "b": 12}, 0, 5).hidden == {}


def test_merge_then_protect_the_missing_group():
    from survey.analysis.disclosure import DisclosureRule

    plan = plan_groups({"a": 20, "b": 2, "c": 4, "d": 9}, 2, DisclosureRule(min_group_size=5, merge_small_groups=True))
    assert plan.merged == ["b", "c"] and plan.sizes["muut"] == 6
    assert set(plan.hidden) == {MISSING_GROUP, "a"}  # the missing two need a partner: the next group in order


def _kind_and_yes(codes: str):
    """A background question ``kind`` (one option per letter of ``codes``) and a yes/no question ``yes``."""
    from survey.project.instruments import parse_instrument

    inst = parse_instrument({"dataset": "d", "questions": [
        {"id": "kind", "type": "single", "background": True, "text": {"fi": "Tyyppi"},
         "options": [{"code": c, "fi": c.upper()} for c in codes]},
        {"id": "yes", "type": "single", "text": {"fi": "K"}, "options": [{"code": 1, "fi": "K"}, {"code": 0, "fi": "E"}]}]})
    return inst.questions


def test_background_frequencies_hide_the_same_groups_as_breakdowns():
    from survey.analysis import analyse_breakdown, analyse_single

    kind, yes = _kind_and_yes("abcd")
    groups = ["a"] * 14 + ["b"] * 9 + ["c"] * 12 + ["d"] * 7 + [None]  # one respondent without a type
    frame = pd.DataFrame({"kind": groups, "yes": [1, 0, 1] * 14 + [1]})
    one_way = analyse_single(frame, kind, dataset="d")
    table = one_way.table.set_index("code")
    assert list(table.index) == ["a", "b", "c", "d", MISSING_GROUP]
    # the missing one's partner is the next group in order, wrapping round: a
    assert table.loc[[MISSING_GROUP, "a"], "suppressed"].all() and table.loc[[MISSING_GROUP, "a"], "count"].isna().all()
    assert one_way.n == {"respondents": 43}  # answering would give the missing group's size away
    assert table.loc["b", "pct"] == pytest.approx(9 / 43)  # shares of all respondents
    breakdown = analyse_breakdown(frame, yes, kind, dataset="d")
    assert breakdown.suppression["suppressed_groups"] == ["a"]
    assert "group_missing" not in breakdown.n and "grouped" not in breakdown.n
    hidden = breakdown.table[breakdown.table["group"] == "a"]
    assert hidden["suppressed"].all() and hidden[["count", "n_group", "pct"]].isna().all().all()


def test_promise_text_says_what_the_rule_does():
    from survey.analysis.disclosure import DisclosureRule

    fi = promise_text("fi", DisclosureRule())
    assert "vähintään 5 vastaajaa" in fi and "taustatieto puuttuu" in fi and "voi olla alle 5" in fi
    assert "kokoja ei julkaista" in fi
    en = promise_text("en", DisclosureRule(min_group_size=3, small_counts=True))
    assert "Counts below 3 in breakdown tables are hidden" in en and "can be below" not in en


def test_cell_suppression_audit_leaves_no_hidden_cell_determined():
    from survey.analysis.disclosure import pinned_cells

    # Two hidden cells in one row and column each can still pin one another: a 2 x 2 block
    # inside shown margins is fine, but a hidden cell alone in its column is not.
    counts = np.array([[10, 2, 8, 7], [9, 7, 1, 6], [12, 11, 10, 9]])
    mask = suppress_cells(counts, 5)
    assert pinned_cells(counts, mask) == [] or all(counts[c] == 0 for c in pinned_cells(counts, mask))
    rng = np.random.default_rng(3)
    for _ in range(30):
        table = rng.integers(0, 9, size=(rng.integers(2, 5), rng.integers(2, 6)))
        mask = suppress_cells(table, 5)
        assert [c for c in pinned_cells(table, mask) if table[c] > 0] == []
        for line in list(mask) + list(mask.T):
            assert line.sum() == 0 or line.sum() >= 2


def test_pinned_cells_finds_a_lone_hidden_cell():
    from survey.analysis.disclosure import pinned_cells

    counts = np.array([[3, 9], [7, 8]])
    mask = np.array([[True, True], [False, False]])  # row 0 hidden: its column totals give both cells
    assert sorted(pinned_cells(counts, mask)) == [(0, 0), (0, 1)]


def test_results_with_hidden_values_are_found_from_the_results_themselves():
    from survey.analysis import analyse_breakdown, analyse_single
    from survey.analysis import interviews as iv
    from survey.analysis.disclosure import hides_values, results_with_hidden_values

    kind, yes = _kind_and_yes("abc")
    frame = pd.DataFrame({"kind": ["a"] * 20 + ["b"] * 12 + ["c"] * 3, "yes": [1, 0] * 17 + [1]})
    big = pd.DataFrame({"kind": ["a"] * 20 + ["b"] * 12 + ["c"] * 9, "yes": [1, 0] * 20 + [1]})
    cases = pd.DataFrame({"interview": [f"H{i}" for i in range(1, 9)],
                          "division": ["x"] * 5 + ["y"] * 2 + ["z"]}).astype("string")
    codings = pd.DataFrame({"interview": ["H1", "H6"], "code": ["k", "k"], "parent": ["t", "t"],
                            "text": ["a" * 40, "b" * 40]}).astype("string")
    results = [analyse_single(frame, yes, dataset="d"), analyse_single(frame, kind, dataset="d"),
               analyse_breakdown(frame, yes, kind, dataset="d"), analyse_breakdown(big, yes, kind, dataset="d"),
               iv.count_codes_by(codings, cases, "division", threshold=3)]
    assert [hides_values(r) for r in results] == [False, True, True, False, True]
    assert results_with_hidden_values(results) == [results[1], results[2], results[4]]
