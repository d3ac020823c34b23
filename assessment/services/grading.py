"""Pure rules of the assessment, kept apart from the database so they are tested by hand-computed cases:
points of an indicator, add/deduct items with tiers and caps, ranks with ties, grades, the quota, the bonus.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from assessment.models import AdjustmentRule, Grade, PeriodKind, Scheme, SubjectKind
from assessment.models.schemes import GRADE_ORDER, max_quota, worse_grade

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def q(value: Decimal) -> Decimal:
    """Every part of a total is quantised the same way, so that the parts add up to the total exactly."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_points(weight: Decimal, score: Decimal) -> Decimal:
    return q(weight * score / HUNDRED)


def adjustment_points(rule: AdjustmentRule, quantity: Decimal) -> Decimal:
    """Points of ``quantity`` units: free units first, then the first tier, then the second tier; capped."""
    charged = max(ZERO, quantity - rule.free_units)
    if rule.tier_after is not None and rule.tier_points is not None:
        first = min(charged, max(ZERO, rule.tier_after - rule.free_units))
        points = first * rule.points + (charged - first) * rule.tier_points
    else:
        points = charged * rule.points
    if rule.cap is not None and abs(points) > rule.cap:
        points = rule.cap if points > 0 else -rule.cap
    return q(points)


def ranks(totals: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking: equal totals share a rank, the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    result: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (subject_id, total) in enumerate(ordered, start=1):
        if total != previous:
            rank = position
            previous = total
        result[subject_id] = rank
    return result


def grade_by_points(scheme: Scheme, total: Decimal) -> str:
    if total >= scheme.excellent_min:
        return Grade.EXCELLENT
    if total >= scheme.good_min:
        return Grade.GOOD
    if total >= scheme.pass_min:
        return Grade.PASS
    return Grade.FAIL


def cap(grade: str, ceiling: str) -> str:
    return worse_grade(grade, ceiling)


def quota_places(population: int, quota: Decimal) -> tuple[int, int]:
    """How many may be excellent: the quota's share rounded down, and the hard maximum's share for ties."""
    limit = min(quota, max_quota())
    return (
        math.floor(Decimal(population) * limit / HUNDRED),
        math.floor(Decimal(population) * max_quota() / HUNDRED),
    )


def apply_quota(
    candidates: Sequence[tuple[int, Decimal]], population: int, quota: Decimal
) -> tuple[set[int], set[int]]:
    """Split the excellent candidates (subject, total) into those who keep excellent and those who lose it.

    By rank: whole groups of equal totals are taken while they fit the quota. A tied group straddling the quota's
    last place is taken whole only if that stays within the hard maximum; otherwise none of it is, so that equal
    totals always get equal grades.
    """
    places, hard = quota_places(population, quota)
    groups: dict[Decimal, list[int]] = {}
    for subject_id, total in candidates:
        groups.setdefault(total, []).append(subject_id)
    kept: set[int] = set()
    for total in sorted(groups, reverse=True):
        group = groups[total]
        if len(kept) + len(group) <= places or (len(kept) < places and len(kept) + len(group) <= hard):
            kept.update(group)
        else:
            break
    lost = {subject_id for subject_id, _total in candidates} - kept
    return kept, lost


def bonus(scheme: Scheme, total: Decimal, *, period_kind: str) -> Decimal | None:
    """Monthly bonus: the base plus (points − baseline) × yuan per point, the change capped both ways, never < 0.

    Paid to people for a month: none for quarterly or annual periods (their months were paid already), none for a
    department scheme."""
    if not scheme.bonus_enabled or scheme.subject_kind != SubjectKind.STAFF or period_kind != PeriodKind.MONTH:
        return None
    change = (total - scheme.bonus_baseline) * scheme.bonus_per_point
    change = min(change, scheme.bonus_add_cap) if change > 0 else max(change, -scheme.bonus_deduct_cap)
    return max(ZERO, q(scheme.bonus_base + change))


def better(first: str, second: str) -> bool:
    return GRADE_ORDER.index(first) < GRADE_ORDER.index(second)
