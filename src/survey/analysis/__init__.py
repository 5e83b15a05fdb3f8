"""Analysis: normal-form frame + instrument question -> :class:`survey.model.Result`.

Every function here is pure (no I/O) and returns a frozen ``Result`` whose
``table`` is tidy (codes, not labels), whose ``n`` carries every denominator, and
whose ``test``/``suppression`` say which test was used and what was hidden. Results
serialise with ``Result.to_dict()`` so report, slides and xlsx read the same numbers.
Percentages are fractions 0-1; intervals are 95 %.

Result kinds and table columns
------------------------------
``single`` (:func:`analyse_single`)
    ``code, count, pct, ci_low, ci_high, suppressed``;
    ``n = {respondents, answering, missing, user_missing, skipped, "user_missing:<code>"...}``.
``multi`` (:func:`analyse_multi`)
    ``code, count, pct, ci_low, ci_high, pct_selections, suppressed``;
    ``n = {respondents, answering, selections, per_respondent}``.

Whole-sample one-way frequencies are not suppressed; disclosure control applies to
groups defined by background variables and to the cells of breakdowns.
"""

from survey.analysis.frequencies import analyse_multi, analyse_single
from survey.analysis.proportions import newcombe_difference, wilson_interval

__all__ = ["analyse_multi", "analyse_single", "newcombe_difference", "wilson_interval"]
