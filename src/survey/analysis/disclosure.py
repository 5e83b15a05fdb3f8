"""Disclosure control: no figure about fewer than ``min_group_size`` people can be seen or worked out.

One rule set, from ``survey.yml`` (``disclosure.min_group_size``, default 5, and
``disclosure.merge_small_groups``), and one mechanism, used by every result that
splits people into groups (survey breakdowns, the frequencies of a background
variable, interview codes by division or role, quote attributions). Every output
(charts, alt texts, tables, xlsx, prose, JSON) is drawn from those results, so
what they hide is hidden everywhere.

**The promise** (:func:`promise_text`, quoted in the methods chapter): results are
shown for a group only when it has at least ``t`` members and, for one question,
at least ``t`` answers. A smaller group is hidden together with enough other
groups that the hidden part has at least two groups and ``t`` people, and no
hidden group's size or answers can be worked out from what is shown: not by
subtracting the shown groups from the whole-sample figures, not from the sizes
shown elsewhere, not in any language or wave. The sizes of hidden groups are
never published. Inside a shown group a count may be below ``t`` (2 of 12): the
percentage rests on the group's answers, at least ``t`` of them. With
``small_counts`` those counts are hidden too (SPSS-style, with secondary
suppression along rows and columns).

How:

* **Partition.** A background variable splits the respondents into its groups
  *and* the group of those without a value (:data:`MISSING_GROUP`: skipped,
  refused or an invalid answer). That group is never shown as a group of a
  breakdown, but it is protected like the others: whole sample minus the shown
  groups is its answers, so a small missing group needs a partner too.
* **Groups** (:func:`plan_groups`): primary suppression of groups with
  ``0 < size < t``; secondary suppression adds groups (the missing group first:
  it is never shown anyway, then the groups that follow the first hidden one in
  the partition's order, wrapping round, whatever their size) until at least two
  non-empty groups are hidden, they hold at least ``t`` people, and the audit
  passes. "The smallest partner" is not used: it tells that every hidden group is
  at most the smallest shown one, which pins sizes (review-2 §1).
* **The audit** (:class:`_Plan`): an attacker knows every shown value, the hidden
  union's total, the public bounds and this rule, and reproduces the plan: every
  vector of the hidden values that fits and makes the plan hide exactly this
  union is possible. The union is safe when in those vectors no member has one
  value only, none has one value only once supposed to be the small one (< ``t``),
  and the multiset of values is not fixed. Merging (``merge_small_groups: true``)
  first merges small groups into "muut"; the same protection then runs on the
  merged partition.
* **Answers to one question** (:func:`protect_bases`): the base of every shown
  percentage is at least ``t``. A group with fewer answers is hidden for that
  question, with partners chosen as above; the public bounds are the shown groups'
  sizes, what the audit leaves of the hidden groups' sizes (:func:`with_bounds`) and
  the public size of the union hidden for the whole partition, a bound of its
  members' answers together (review-2 §2).
* **Small counts** (``small_counts=True``, :func:`suppress_cells`): every count of
  1 to ``t - 1`` is hidden too, and in every row and column holding a hidden cell
  further cells are hidden until it holds at least two whose sum reaches ``t``.
* **Tests** use the shown groups only; with fewer than two shown groups there is
  no p-value. A test on a table with hidden cells is withheld (its statistic and
  p-value could be matched against the few possible fillings).

Whole-sample one-way frequencies are not suppressed (they describe everyone, not a
group), except the frequencies of a background variable itself: those counts *are*
group sizes, so :func:`survey.analysis.analyse_single` applies :func:`plan_groups`
to them (the missing group becomes a row of its own).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from survey import catalogue
from survey.catalogue import fmt

OTHER_CODE = "muut"
MISSING_GROUP = "_missing"
DEFAULT_MIN_GROUP_SIZE = 5


def other_labels() -> dict:
    """``{lang: "Muut" / "Övriga" / "Other"}`` from the label catalogue."""
    return {lang: catalogue.text("group_other", lang) for lang in catalogue.LANGUAGES}


def missing_labels() -> dict:
    """``{lang: label of the group without a background value}`` from the label catalogue."""
    return {lang: catalogue.text("group_missing", lang) for lang in catalogue.LANGUAGES}


class _Lazy(dict):
    """A ``{lang: text}`` mapping filled from the catalogue on first use (kept for old imports)."""

    def __init__(self, load):
        super().__init__()
        self._loader = load

    def _fill(self):
        if not dict.__len__(self):
            self.update(self._loader())

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def items(self):
        self._fill()
        return dict.items(self)


OTHER_LABELS = _Lazy(other_labels)


@dataclass(frozen=True)
class DisclosureRule:
    """The disclosure rule of a project (``survey.yml`` ``disclosure``)."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    merge_small_groups: bool = False
    other_code: str = OTHER_CODE
    small_counts: bool = False

    @classmethod
    def from_project(cls, project) -> "DisclosureRule":
        block = getattr(project, "disclosure", None)
        small = getattr(project, "small_counts", getattr(project, "suppress_small_counts", None))
        if small is None and block is not None:
            small = getattr(block, "small_counts", None) if not isinstance(block, dict) else block.get("small_counts")
        return cls(min_group_size=int(project.min_group_size), merge_small_groups=bool(project.merge_small_groups),
                   small_counts=bool(small))

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


def rule_with(rule=None, threshold: int | None = None, merge_small: bool | None = None,
              small_counts: bool | None = None) -> DisclosureRule:
    """``rule`` (or the default) with any of its settings overridden by the given arguments."""
    base = as_rule(rule)
    changes = {}
    if threshold is not None:
        if int(threshold) < 1:
            raise ValueError("the minimum group size must be at least 1")
        changes["min_group_size"] = int(threshold)
    if merge_small is not None:
        changes["merge_small_groups"] = bool(merge_small)
    if small_counts is not None:
        changes["small_counts"] = bool(small_counts)
    return dataclasses.replace(base, **changes) if changes else base


# ---------------------------------------------------------------- the audit


def determined(total: int, lows: dict, highs: dict, threshold: int | None = None) -> set:
    """Members of a hidden union whose value public figures pin down.

    The attacker knows ``total`` (the union's sum: whole sample minus the shown
    groups) and, per member, ``lows[g] <= value <= highs[g]`` (``None``: no upper
    bound; a shown size is a public upper bound). With ``threshold`` the attacker
    also supposes, member by member, that this one is the small one
    (``value <= threshold - 1``), as someone who knows the rule would. A member is
    determined when its interval (under either assumption) is one point; the
    interval is ``[max(low, total - others' highs), min(high, total - others' lows)]``.
    """
    members = list(lows)
    out = set()
    unbounded = sum(1 for g in members if highs[g] is None)
    all_high = sum(highs[g] for g in members if highs[g] is not None)
    all_low = sum(lows[g] for g in members)
    for g in members:
        others_unbounded = unbounded - (highs[g] is None)
        room = None if others_unbounded else all_high - (highs[g] or 0)
        low = max(lows[g], total - room) if room is not None else lows[g]
        high = total - (all_low - lows[g])
        high = high if highs[g] is None else min(highs[g], high)
        if low == high:
            out.add(g)
            continue
        if threshold is not None:
            small_high = min(high, threshold - 1)
            if small_high >= low and small_high == low:
                out.add(g)
    return out


AUDIT_BUDGET = 20_000  # size vectors the attacker's enumeration of one union may try; beyond it the union is unsafe


class _TooMany(Exception):
    """The enumeration of one union passed :data:`AUDIT_BUDGET`."""


class _Plan:
    """The partner choice of :func:`protect` and the attacker who knows it and reproduces it.

    The plan: ``given`` members (hidden already), then every ``0 < value < threshold``
    (primary), then ``always`` members, then the members after the first hidden one in
    the partition's order, wrapping round, until the hidden union is :meth:`safe`. The attacker sees every
    value outside the union exactly, the union's total, the public bounds (``lows``,
    ``highs``, ``joint``: ``(members, bound)`` on a sum) and the rule. :meth:`safe`
    lists every vector of values for the union that fits all of that *and* makes the
    plan hide exactly this union (:meth:`hides`), then asks that no member's value,
    under either supposition (it is the small one / it is not), nor the multiset of
    values, is the same in all of them.
    """

    def __init__(self, members: list, threshold: int, given, always, lows: dict, highs: dict, joint=()):
        self.members = list(members)
        self.index = {g: i for i, g in enumerate(self.members)}
        self.t = int(threshold)
        self.given = [g for g in given if g in self.index]
        # a member known to be empty (public bound 0: nobody lacks the value) joins no union
        self.always = [g for g in always if g in self.index and highs.get(g) != 0]
        self.fixed = set(self.given) | set(self.always)
        self.lows, self.highs = lows, highs
        self.joint = [(frozenset(m), int(b)) for m, b in joint]
        self.memo: dict = {}
        self.open_by_bounds: dict = {}  # (union, total) -> no member pinned by the bounds alone (:meth:`basic`)

    def hidden(self, values: dict, target: frozenset | None = None):
        """The members the plan hides for ``values`` (in the order hidden); with ``target`` stop (None)
        as soon as the plan leaves it.

        Partners come in a fixed order that does not depend on their size: the members
        that follow the first hidden one in the partition's order, wrapping round. (The
        smallest-first choice would tell that every partner is at most the smallest
        shown group, which pins sizes.)
        """
        out = list(self.given)
        out += [g for g in self.members if 0 < values[g] < self.t and g not in out]
        if not out:
            return [] if target is None or not target else None
        out += [g for g in self.always if g not in out]
        if target is not None and not set(out) <= target:
            return None
        first = min(self.index[g] for g in out)
        turn = self.members[first + 1:] + self.members[:first + 1]
        rest = [g for g in turn if values[g] > 0 and g not in out]
        while not self.safe(frozenset(out), values):
            if not rest:
                break
            nxt = rest.pop(0)
            if target is not None and nxt not in target:
                return None
            out.append(nxt)
        return out

    def basic(self, union: frozenset, values: dict) -> bool:
        """Two non-empty members, ``threshold`` people, nothing pinned by the bounds alone."""
        nonempty = sum(1 for g in union if values[g] > 0)
        total = sum(values[g] for g in union)
        if nonempty < 2 or total < self.t:
            return False
        key = (union, total)  # the bounds are the plan's: the judgement depends on nothing else
        if key not in self.open_by_bounds:
            self.open_by_bounds[key] = not determined(total, {g: self.lows[g] for g in union},
                                                      {g: self.highs[g] for g in union}, self.t)
        return self.open_by_bounds[key]

    def safe(self, union: frozenset, values: dict) -> bool:
        if not self.basic(union, values):
            return False
        # what the judgement depends on: the union and its total, which members outside it are
        # empty (the others are at least the threshold: every primary is inside), and the room
        # left under each joint bound
        total = sum(values[g] for g in union)
        empty = frozenset(g for g in self.members if g not in union and values[g] == 0)
        joint = tuple(b - sum(values[g] for g in m - union) for m, b in self.joint)
        key = (union, total, empty, joint)
        if key not in self.memo:
            self.memo[key] = True  # the plan that reaches this union stops here: what is being judged
            self.memo[key] = self._judge(union, values)
        return self.memo[key]

    def _judge(self, union: frozenset, values: dict) -> bool:
        """Whether the attacker's vectors leave every member (and the multiset) open.

        Likely witnesses first (the true vector, moves of a few people between two
        members, each member made small), then every vector; it stops as soon as the
        vectors found are enough. A union whose full list would exceed
        :data:`AUDIT_BUDGET` vectors without that is judged unsafe (a deterministic
        rule, so an attacker reproducing the plan gains nothing from it).
        """
        seen: set = set()
        total = sum(values[g] for g in union)
        bounds = {g: self._bounds(g, union, total) for g in union}
        room = sum(high for _, high in bounds.values())
        never_small = {g for g, (low, high) in bounds.items() if max(low, total - (room - high)) >= self.t}
        spread = _Spread(union, self.t, never_small)
        joint = [(m & union, b - sum(values[g] for g in m - union)) for m, b in self.joint if m & union]
        def every():
            for tried, vector in enumerate(self._vectors(union, total, bounds)):
                if tried >= AUDIT_BUDGET:
                    raise _TooMany
                yield vector

        try:
            return self._scan(union, values, bounds, joint, spread, seen,
                              itertools.chain(self._witnesses(union, values, bounds), every()))
        except _TooMany:
            return False

    def _scan(self, union, values, bounds, joint, spread, seen, vectors) -> bool:
        names = sorted(union, key=self.index.get)
        limits = [bounds[g] for g in names]
        for vector in vectors:
            key = tuple(vector[g] for g in names)  # a vector holds exactly the union's members
            if key in seen or not all(low <= v <= high for v, (low, high) in zip(key, limits)) \
                    or not all(sum(vector[g] for g in m) <= b for m, b in joint):
                continue
            seen.add(key)
            if self.reproduces(union, values, vector):
                spread.add(vector)
                if spread.enough():
                    return True
        return spread.final()

    def reproduces(self, union: frozenset, values: dict, vector: dict) -> bool:
        got = self.hidden({**values, **vector}, target=union)
        return got is not None and set(got) == union

    def feasible(self, union: frozenset, values: dict) -> list[dict]:
        """Every vector of the union's values that fits the public figures and reproduces the plan."""
        total = sum(values[g] for g in union)
        bounds = {g: self._bounds(g, union, total) for g in union}
        joint = [(m & union, b - sum(values[g] for g in m - union)) for m, b in self.joint if m & union]
        found = []
        for tried, vector in enumerate(self._vectors(union, total, bounds)):
            if tried > AUDIT_BUDGET:
                return []
            if all(sum(vector[g] for g in m) <= b for m, b in joint) and self.reproduces(union, values, vector):
                found.append(vector)
        return found

    def _witnesses(self, union: frozenset, values: dict, bounds: dict):
        names = sorted(union, key=self.index.get)
        truth = {g: values[g] for g in names}
        yield dict(truth)
        for step in (1, 2):
            for g in names:
                for h in names:
                    if g != h:
                        yield {**truth, g: truth[g] - step, h: truth[h] + step}
        for small in sorted({self.t - 1, self.t - 2, 1} - {0}, reverse=True):
            for g in names:
                for h in names:
                    if h != g:
                        yield {**truth, g: small, h: truth[h] + truth[g] - small}

    def _bounds(self, g, union: frozenset, total: int) -> tuple[int, int]:
        low = self.lows[g] if g in self.fixed else max(self.lows[g], 1)  # a primary or a partner exists
        high = total if self.highs[g] is None else min(total, self.highs[g])
        return low, high

    def _vectors(self, union: frozenset, total: int, bounds: dict):
        names = sorted(union, key=self.index.get)
        lows = [bounds[g][0] for g in names]
        highs = [bounds[g][1] for g in names]

        last = len(names) - 1
        room = [sum(highs[i:]) for i in range(len(names) + 1)]  # the most the members from i on can hold
        need = [sum(lows[i:]) for i in range(len(names) + 1)]  # ... and the least

        def fill(i, left, chosen):
            """Every vector of the members from ``i`` on summing to ``left``, in lexicographic order."""
            if i == last:
                if lows[i] <= left <= highs[i]:
                    yield dict(zip(names, [*chosen, left]))
                return
            span = range(max(lows[i], left - room[i + 1]), min(highs[i], left - need[i + 1]) + 1)
            if i == last - 1:  # the last member takes the rest: no generator of its own
                for v in span:
                    if lows[last] <= left - v <= highs[last]:
                        yield dict(zip(names, [*chosen, v, left - v]))
                return
            for v in span:
                yield from fill(i + 1, left - v, [*chosen, v])

        if names:
            yield from fill(0, total, [])

    def ranges(self, union: frozenset, values: dict) -> dict:
        """``{member: (smallest, largest)}`` feasible value for the attacker (the union as hidden)."""
        vectors = self.feasible(union, values) if union else []
        return {g: (min(v[g] for v in vectors), max(v[g] for v in vectors)) for g in union} if vectors else {}


class _Spread:
    """What the attacker's vectors leave open: each member's values (also when supposed small) and the multiset."""

    def __init__(self, union: frozenset, threshold: int, never_small=frozenset()):
        self.union, self.t, self.never_small = union, threshold, set(never_small)
        self.values = {g: set() for g in union}
        self.multisets: set = set()

    def add(self, vector: dict) -> None:
        for g, v in vector.items():
            self.values[g].add(v)
        self.multisets.add(tuple(sorted(vector.values())))

    def _members_open(self, final: bool) -> bool:
        for g, seen in self.values.items():
            small = {x for x in seen if x < self.t}
            if len(seen) < 2:
                return False
            if self.t > 2 and g not in self.never_small and (len(small) == 1 if final else len(small) < 2):
                return False
        return True

    def _multiset_open(self) -> bool:
        return len(self.union) < 2 or len(self.multisets) >= 2

    def enough(self) -> bool:
        """Open for sure, whatever vectors are still to come."""
        return self._members_open(final=False) and self._multiset_open()

    def final(self) -> bool:
        return self._members_open(final=True) and self._multiset_open()


def protect(values: dict, threshold: int, *, hidden=(), always=(), public: dict | None = None,
            known_nonempty=(), joint=()) -> dict:
    """Which members of a partition to hide: ``{code: "primary" | "secondary" | "given"}``.

    ``values`` maps every member (incl. :data:`MISSING_GROUP`) to its count, in the
    order that breaks ties. Primary: ``0 < value < threshold``. ``hidden``: members
    already hidden (e.g. for the whole question), ``always``: members never shown
    (the missing group); both join any hidden union. Secondary: the non-empty
    members after the first hidden one in ``values``' order (wrapping round,
    whatever their size), one by one, until the hidden union is safe against an
    attacker who knows every shown value, the union's total, the bounds and this
    rule, and reproduces the plan (see :class:`_Plan`). ``public`` maps members to
    public upper bounds (sizes shown elsewhere); ``known_nonempty`` members are known
    to be at least 1; ``joint`` is ``[(members, bound)]``: public upper bounds of
    sums (the size of a union hidden elsewhere bounds its members' answers).
    """
    public = public or {}
    lows = {g: (1 if g in known_nonempty and values[g] > 0 else 0) for g in values}
    highs = {g: public.get(g) for g in values}
    plan = _Plan(list(values), threshold, [g for g in hidden if g in values], always, lows, highs, joint)
    values = {g: int(n) for g, n in values.items()}
    chosen = plan.hidden(values)
    out = {}
    for g in chosen:
        out[g] = ("given" if g in plan.given or g in plan.always else
                  "primary" if 0 < values[g] < threshold else "secondary")
    return out


def attacker_ranges(values: dict, threshold: int, hidden_members, *, given=(), always=(), public=None,
                    known_nonempty=(), joint=()) -> dict:
    """What the attacker of :func:`protect` can say of each hidden member: ``{member: (low, high)}``."""
    public = public or {}
    lows = {g: (1 if g in known_nonempty and values[g] > 0 else 0) for g in values}
    highs = {g: public.get(g) for g in values}
    plan = _Plan(list(values), threshold, given, always, lows, highs, joint)
    return plan.ranges(frozenset(hidden_members), {g: int(n) for g, n in values.items()})


def protect_groups(sizes: dict, threshold: int, prefer=()) -> dict:
    """Which groups to hide, from their sizes alone: ``{code: "primary" | "secondary"}``.

    Primary: ``0 < size < threshold``. Secondary: ``prefer`` codes first, then the
    non-empty groups after the first hidden one in order (see :func:`protect`), until
    at least two groups are hidden, their sizes add up to the threshold and an
    attacker who reproduces the plan pins no hidden size (hidden sizes are never
    published; each hidden group is known to exist).
    """
    hidden = protect(sizes, threshold, always=[g for g in prefer if sizes.get(g, 0) > 0],
                     known_nonempty=list(sizes))
    return {g: ("secondary" if kind == "given" else kind) for g, kind in hidden.items()}


@dataclass(frozen=True)
class GroupPlan:
    """How one partition is shown: merged codes, sizes after merging, hidden members."""

    sizes: dict  # shown partition (after merging), MISSING_GROUP included when non-empty
    merged: list
    hidden: dict  # code -> "primary" | "secondary"
    rule: DisclosureRule
    bounds: dict = dataclasses.field(default_factory=dict)  # hidden code -> (low, high) an attacker can tell

    def joint(self) -> list:
        """``[(hidden codes, their total)]``: the public size of the hidden union (whole minus shown)."""
        return [(frozenset(self.hidden), sum(self.sizes[g] for g in self.hidden))] if self.hidden else []

    def upper_bounds(self) -> dict:
        """What bounds each group's answers to one question: shown sizes, the attacker's bound of hidden ones
        (and 0 for the missing group when everyone has a value: that is public too)."""
        return {MISSING_GROUP: 0, **self.public_sizes(), **{g: high for g, (_, high) in self.bounds.items()}}

    @property
    def missing(self) -> int:
        return int(self.sizes.get(MISSING_GROUP, 0))

    def public_sizes(self) -> dict:
        """Sizes the outputs publish: every member not hidden."""
        return {g: n for g, n in self.sizes.items() if g not in self.hidden}


def plan_groups(sizes: dict, missing: int, rule) -> GroupPlan:
    """The one protection of a partition (groups in order + those without a value).

    Merging (rule ``merge_small_groups``) first merges small groups into
    ``rule.other_code`` (the next smallest join until it reaches the threshold);
    then :func:`protect_groups` runs on the partition with :data:`MISSING_GROUP`
    (preferred as the secondary partner: it is never a group of a breakdown).
    """
    rule = as_rule(rule)
    t = rule.min_group_size
    sizes = {g: int(n) for g, n in sizes.items()}
    merged: list = []
    if rule.merge_small_groups:
        small = [g for g, n in sizes.items() if 0 < n < t]
        if small:
            merged = list(small)
            rest = sorted((n, i, g) for i, (g, n) in enumerate(sizes.items()) if g not in merged and n > 0)
            while rest and (len(merged) < 2 or sum(sizes[g] for g in merged) < t):
                merged.append(rest.pop(0)[2])
            kept = {g: n for g, n in sizes.items() if g not in merged}
            kept[rule.other_code] = kept.get(rule.other_code, 0) + sum(sizes[g] for g in merged)
            sizes = kept
    full = dict(sizes)
    if missing:
        full[MISSING_GROUP] = int(missing)
    hidden = protect_groups({g: n for g, n in full.items() if n > 0}, t, prefer=[MISSING_GROUP])
    return GroupPlan(sizes=full, merged=merged, hidden=hidden, rule=rule)


def with_bounds(plan: GroupPlan) -> GroupPlan:
    """``plan`` with :attr:`GroupPlan.bounds`: the smallest and largest size of each hidden group an attacker
    who reproduces the plan can find (for protecting one question's answers, :func:`protect_bases`)."""
    present = {g: n for g, n in plan.sizes.items() if n > 0}
    bounds = attacker_ranges(present, plan.rule.min_group_size, plan.hidden, always=[MISSING_GROUP],
                             known_nonempty=list(present))
    return dataclasses.replace(plan, bounds=bounds)


def protect_bases(bases: dict, threshold: int, hidden=(), public: dict | None = None,
                  always=(), joint=()) -> set:
    """Members to hide for one question: ``hidden`` ones, bases below the threshold, and partners.

    ``bases`` maps every member (the missing group included) to its answers to the
    question; ``public`` upper bounds of the bases (published sizes, and what an
    attacker can tell of hidden sizes: :attr:`GroupPlan.bounds`); ``always`` members
    never shown (the missing group); ``joint`` bounds of sums (the size of the union
    hidden for the whole partition, :meth:`GroupPlan.joint`: its members' answers
    cannot add up to more).
    """
    out = protect(bases, threshold, hidden=[g for g in hidden if g in bases], always=always,
                  public=public, joint=joint)
    return set(out) | {g for g in hidden}


def merge_small_groups(groups: pd.Series, threshold: int, order=None,
                       other_code: str = OTHER_CODE) -> tuple[pd.Series, list]:
    """Merge groups below the threshold into ``other_code``; return the new series and merged codes.

    The next smallest groups join until the merged group reaches the threshold.
    ``order`` (codes) breaks ties; missing values stay missing. The input is not changed.
    """
    sizes = groups.dropna().value_counts()
    codes = list(order) if order is not None else list(sizes.index)
    sizes = {code: int(sizes.get(code, 0)) for code in codes}
    plan = plan_groups(sizes, 0, DisclosureRule(min_group_size=threshold, merge_small_groups=True,
                                                other_code=other_code))
    if not plan.merged:
        return groups.copy(), []
    out = groups.astype(object).where(~groups.isin(plan.merged), other_code)
    return out, list(plan.merged)


def suppress_cells(counts, threshold: int, hidden_rows=None) -> np.ndarray:
    """Boolean mask of cells to hide in a table whose row and column totals are public.

    Primary: ``0 < count < threshold`` and every cell of ``hidden_rows``. Secondary:
    in each row and column holding a hidden cell, hide further cells (smallest
    non-zero first, then zeros) until it holds at least two hidden cells summing to
    at least the threshold; then an audit (:func:`pinned_cells`, linear programming
    on the row and column totals) hides one more cell beside any hidden non-zero
    cell whose value the totals still determine; repeat until nothing changes.
    """
    counts = np.asarray(counts, dtype=np.int64)
    mask = (counts > 0) & (counts < threshold)
    if hidden_rows is not None:
        mask[np.asarray(hidden_rows, dtype=bool)] = True
    while True:
        _spread(counts, mask, threshold)
        pinned = [(i, j) for i, j in pinned_cells(counts, mask) if counts[i, j] > 0]
        if not pinned:
            return mask
        i, j = pinned[0]
        open_cells = [k for k in range(counts.shape[1]) if not mask[i, k]]
        if not open_cells:
            open_cells = []
            rows = [k for k in range(counts.shape[0]) if not mask[k, j]]
            if not rows:
                return mask
            mask[min(rows, key=lambda k: (counts[k, j] == 0, counts[k, j], k)), j] = True
            continue
        mask[i, min(open_cells, key=lambda k: (counts[i, k] == 0, counts[i, k], k))] = True


def _spread(counts: np.ndarray, mask: np.ndarray, threshold: int) -> None:
    """Every row and column with a hidden cell gets at least two, summing to the threshold (in place)."""
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


def pinned_cells(counts, mask) -> list[tuple[int, int]]:
    """Hidden cells whose value the public row and column totals (and the shown cells) determine.

    Each hidden cell is an unknown >= 0; every row and column total gives one
    equation. ``scipy.optimize.linprog`` finds each unknown's smallest and largest
    value; a cell whose integer range is one value is pinned.
    """
    counts = np.asarray(counts, dtype=np.int64)
    mask = np.asarray(mask, dtype=bool)
    cells = list(zip(*np.nonzero(mask)))
    if not cells:
        return []
    index = {cell: k for k, cell in enumerate(cells)}
    rows, rhs = [], []
    for axis in (0, 1):
        for line in range(counts.shape[axis]):
            members = [index[c] for c in cells if c[axis] == line]
            if not members:
                continue
            row = np.zeros(len(cells))
            row[members] = 1
            rows.append(row)
            total = counts[line].sum() if axis == 0 else counts[:, line].sum()
            shown = (counts[line] * ~mask[line]).sum() if axis == 0 else (counts[:, line] * ~mask[:, line]).sum()
            rhs.append(float(total - shown))
    a, b = np.array(rows), np.array(rhs)
    pinned = []
    for k, cell in enumerate(cells):
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(cells))
            c[k] = sign
            res = linprog(c, A_eq=a, b_eq=b, bounds=[(0, None)] * len(cells), method="highs")
            ends.append(sign * res.fun if res.status == 0 else None)
        if None not in ends and int(np.ceil(ends[0] - 1e-6)) == int(np.floor(ends[1] + 1e-6)):
            pinned.append(cell)
    return pinned


# ---------------------------------------------------------------- what was hidden


def hides_values(result) -> bool:
    """Whether the rule hid any value of a result (a row or cell ``suppressed``, a hidden group, a withheld test).

    Read from the result itself, whatever its kind: a table ``suppressed`` column
    with any true value, ``suppression`` naming hidden groups (``suppressed_groups``
    or ``suppressed``) or counting hidden cells, or a test withheld because of
    hidden cells. Merging into "muut" hides no value (the merged group is shown).
    """
    table = getattr(result, "table", None)
    if table is not None and "suppressed" in getattr(table, "columns", ()):
        if bool(table["suppressed"].astype("boolean").fillna(False).any()):
            return True
    suppression = getattr(result, "suppression", None) or {}
    for key in ("suppressed_groups", "suppressed"):
        value = suppression.get(key)
        if value is True or (isinstance(value, (list, tuple, set)) and len(value) > 0):
            return True
    if int(suppression.get("suppressed_cells") or 0) > 0:
        return True
    test = getattr(result, "test", None) or {}
    items = [test, *(test.get("items") or [])] if isinstance(test, dict) else []
    return any(isinstance(item, dict) and item.get("reason_key") == "cells_hidden" for item in items)


def results_with_hidden_values(results) -> list:
    """The results (in their order) of which the rule hid something: the methods chapter's complete list."""
    return [r for r in results if hides_values(r)]


# ---------------------------------------------------------------- words


def promise_text(lang: str = "fi", rule=None) -> str:
    """The disclosure rule in plain words, exactly as :mod:`survey.analysis` applies it."""
    rule = as_rule(rule)
    t = fmt.format_count(rule.min_group_size, lang)
    parts = [catalogue.text("promise_merge" if rule.merge_small_groups else "promise_suppress", lang, t=t),
             catalogue.text("promise_union", lang),
             catalogue.text("promise_cells_hidden" if rule.small_counts else "promise_cells_shown", lang, t=t),
             catalogue.text("promise_interviews", lang, t=t),
             catalogue.text("promise_whole_sample", lang)]
    return " ".join(parts)
