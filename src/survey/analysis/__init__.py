"""Analysis: normal-form frame + instrument question -> :class:`survey.model.Result`.

Every function here is pure (no I/O) and returns a frozen ``Result`` whose
``table`` is tidy (codes, not labels), whose ``n`` carries every denominator, and
whose ``test``/``suppression`` say which test was used and what was hidden. Results
serialise with ``Result.to_dict()`` so report, slides and xlsx read the same numbers.
Percentages and differences are fractions (0-1); every interval is 95 %; a hidden
(suppressed) value is ``nan`` (``null`` in JSON) with ``suppressed = True``.

Instrument fields read (typed attributes of ``InstrumentQuestion``): ``missing`` (user-missing
codes), ``background`` (a grouping variable), ``battery``/``battery_text``,
``scale``, ``dont_know``, ``agree`` (Likert), ``added_options`` (``{code: wave}``,
wave comparison). See each module's docstring.

Result kinds and table columns
------------------------------
``single`` -- :func:`analyse_single`
    ``code, count, pct, ci_low, ci_high, suppressed`` (one row per option);
    ``n = {respondents, answering, missing, user_missing, skipped, "user_missing:<code>"...}``.
    ``pct`` is of those answering (user-missing codes and skips excluded; Wilson interval).
``multi`` -- :func:`analyse_multi`
    ``code, count, pct, ci_low, ci_high, pct_selections, suppressed``;
    ``n = {respondents, answering, selections, per_respondent}``; ``pct`` is of those
    who answered the question, ``pct_selections`` of all selections.
``likert`` -- :func:`analyse_likert` (one item or a battery)
    ``item, code, count, pct, pct_scale, ci_low, ci_high, dont_know, agree, suppressed``
    (item x code; a scale code's ``pct`` is of the scale answers, *En osaa sanoa* left
    out, as "% agree"; the dont-know row's ``pct`` of all item answers; ``pct_scale``
    repeats the scale share); ``n = {respondents, items, answering_min, answering_max}``.
``likert_summary`` -- :func:`summarise_likert` (id ends ``-summary``)
    ``item, n, n_scale, n_dont_know, n_user_missing, n_skipped, agree_count, agree_pct,
    agree_ci_low, agree_ci_high, mean, mean_ci_low, mean_ci_high, median, suppressed``;
    "% agree" (top-2 box), mean and median exclude *En osaa sanoa*.
``numeric`` -- :func:`analyse_numeric`
    ``n, mean, ci_low, ci_high, sd, median, q1, q3, min, max, suppressed`` (one row);
    ``n = {respondents, answering, user_missing, skipped}``.
``breakdown`` -- :func:`analyse_breakdown` (id ``<dataset>-<slug>-by-<group slug>``)
    ``item, group, code, count, n_group, pct, ci_low, ci_high, suppressed``; Likert
    adds a ``code = "agree"`` row per item and group. ``test["items"]`` holds one test
    per item/option (name, statistic, df, p, p_adjusted, cramers_v, differences,
    gated, reason{fi,sv,en}); ``labels["groups"][lang]`` the group labels.
``breakdown_numeric`` -- :func:`analyse_numeric_breakdown`
    ``item, group, n_group, mean, ci_low, ci_high, median, q1, q3, suppressed``.
``wave`` -- :func:`compare_waves` (id ``<dataset>-<slug>-waves``)
    ``code, count_before, n_before, pct_before, count_now, n_now, pct_now, diff, ci_low,
    ci_high, test, p, p_adjusted, comparable, suppressed`` (numeric: means); when not
    comparable the table is empty and ``test = {comparable: False, reason: {fi,sv,en}}``.

Tests (:mod:`survey.analysis.significance`) are chosen to fit the data; small groups
(fewer than 20 values) get exact or seeded permutation p-values. Every p-value of
one testing family is Benjamini-Hochberg adjusted together by
:func:`survey.analysis.plan.adjust_family` (survey.yml ``statistics: {alpha, family}``,
default per dataset per wave; read with :func:`statistics_of`), and the adjusted
p, ``alpha`` and ``family`` are recorded in each ``test``.

Disclosure control (:mod:`survey.analysis.disclosure`): one mechanism for every
result that splits people into groups (breakdowns, the frequencies of a background
variable, interview groups, quote attributions): :func:`plan_groups` hides groups
below ``min_group_size`` with partners (those without a background value are a
group too), per question :func:`protect_bases` keeps every shown percentage on at
least ``min_group_size`` answers, and no hidden size or value can be solved for from
what is shown. Whole-sample one-way frequencies are not suppressed. Optional
``small_counts`` also hides counts 1..min-1 inside breakdowns (with secondary
suppression). :func:`promise_text` states the rule for the report.
Plain-language texts: :mod:`survey.kinds.findings` (``interpret(result, lang)``,
``key_findings(results, lang, limit)``, ``methods_text(lang, threshold, merge_small,
small_counts, statistics)``).
"""

from survey.analysis.breakdown import adjust_by_chapter, adjust_chapter, analyse_breakdown, analyse_numeric_breakdown
from survey.analysis.disclosure import (DisclosureRule, merge_small_groups, plan_groups, promise_text, protect_bases,
                                        protect_groups, suppress_cells)
from survey.analysis.frequencies import analyse_multi, analyse_single
from survey.analysis.likert import analyse_likert, summarise_likert
from survey.analysis.numeric import analyse_numeric
from survey.analysis.proportions import mean_interval, newcombe_difference, wilson_interval
from survey.analysis.significance import (Statistics, adjust_bh, cramers_v, independence_test, ordinal_test,
                                          statistics_of)
from survey.analysis.waves import compare_waves

__all__ = [
    "DisclosureRule", "adjust_bh", "adjust_by_chapter", "adjust_chapter", "analyse_breakdown", "analyse_likert", "analyse_multi",
    "analyse_numeric", "analyse_numeric_breakdown", "analyse_single", "compare_waves", "cramers_v",
    "independence_test", "mean_interval", "merge_small_groups", "newcombe_difference", "ordinal_test",
    "protect_groups", "summarise_likert", "suppress_cells", "wilson_interval",
    "Statistics", "plan_groups", "promise_text", "protect_bases", "statistics_of",
]
