"""The pure rules against hand-computed expectations: points, add/deduct tiers and caps, ranks, quota, bonus."""

from decimal import Decimal as D

import pytest

from assessment.models import AdjustmentRule, Grade, Scheme
from assessment.services import grading


def rule(**fields) -> AdjustmentRule:
    defaults = {"points": D("-5"), "free_units": D("0"), "tier_after": None, "tier_points": None, "cap": None}
    defaults.update(fields)
    return AdjustmentRule(**defaults)


def test_weighted_points_round_half_up_to_cents():
    assert grading.weighted_points(D("40"), D("92.8571")) == D("37.14")
    assert grading.weighted_points(D("15"), D("33.3333")) == D("5.00")
    assert grading.weighted_points(D("30"), D("0.0150")) == D("0.00")
    assert grading.weighted_points(D("33.33"), D("50")) == D("16.67")  # 16.665 rounds up


def test_adjustments_plain_tiered_and_capped():
    assert grading.adjustment_points(rule(points=D("-5")), D("3")) == D("-15.00")  # late ×3
    assert grading.adjustment_points(rule(points=D("-20")), D("1.5")) == D("-30.00")  # absence 1.5 days
    assert grading.adjustment_points(rule(points=D("15")), D("2")) == D("30.00")  # holiday duty
    leave = rule(points=D("-1"), free_units=D("3"), tier_after=D("10"), tier_points=D("-2"))
    assert grading.adjustment_points(leave, D("2")) == D("0.00")
    assert grading.adjustment_points(leave, D("5")) == D("-2.00")  # days 4-5 at −1
    assert grading.adjustment_points(leave, D("12")) == D("-11.00")  # 7 days at −1, then 2 at −2
    assert grading.adjustment_points(rule(points=D("-5"), cap=D("20")), D("6")) == D("-20.00")
    assert grading.adjustment_points(rule(points=D("20"), cap=D("30")), D("2")) == D("30.00")


def test_ranks_share_places_on_ties():
    totals = {1: D("90"), 2: D("95"), 3: D("90"), 4: D("80")}
    assert grading.ranks(totals) == {2: 1, 1: 2, 3: 2, 4: 4}


def scheme(**fields) -> Scheme:
    return Scheme(excellent_min=D("90"), good_min=D("75"), pass_min=D("60"), **fields)


@pytest.mark.parametrize(
    ("total", "grade"),
    [("90", Grade.EXCELLENT), ("89.99", Grade.GOOD), ("75", Grade.GOOD), ("74.99", Grade.PASS), ("59.99", Grade.FAIL)],
)
def test_grade_thresholds(total, grade):
    assert grading.grade_by_points(scheme(), D(total)) == grade


def test_quota_at_its_boundaries():
    # 10 assessed, 20% → 2 places; the third candidate loses excellent.
    kept, lost = grading.apply_quota([(1, D("99")), (2, D("98")), (3, D("97"))], 10, D("20"))
    assert kept == {1, 2} and lost == {3}
    # 9 assessed, 20% → 1.8 → 1 place.
    kept, lost = grading.apply_quota([(1, D("99")), (2, D("98"))], 9, D("20"))
    assert kept == {1} and lost == {2}
    # Fewer candidates than places: all keep it.
    kept, lost = grading.apply_quota([(1, D("99"))], 10, D("20"))
    assert kept == {1} and not lost
    # 4 assessed: 20% gives no place at all.
    assert grading.apply_quota([(1, D("99"))], 4, D("20")) == (set(), {1})


def test_quota_ties_within_the_hard_maximum_share_excellent():
    # 12 assessed: 20% → 2 places, 25% → 3. Two tied at the second place: both kept (3 ≤ 3).
    kept, lost = grading.apply_quota([(1, D("99")), (2, D("95")), (3, D("95")), (4, D("94"))], 12, D("20"))
    assert kept == {1, 2, 3} and lost == {4}


def test_quota_ties_beyond_the_hard_maximum_lose_it_together():
    # 10 assessed: 2 places, hard maximum 2. Three tied after the first: none of them, equal totals equal grades.
    kept, lost = grading.apply_quota([(1, D("99")), (2, D("95")), (3, D("95")), (4, D("95"))], 10, D("20"))
    assert kept == {1} and lost == {2, 3, 4}


def test_quota_above_the_hard_maximum_is_held_to_it(settings):
    settings.ASSESSMENT_EXCELLENT_QUOTA_MAX = 25
    assert grading.quota_places(100, D("40")) == (25, 25)


def test_bonus_base_with_capped_changes():
    s = scheme(
        subject_kind="staff",
        bonus_enabled=True,
        bonus_base=D("1000"),
        bonus_baseline=D("80"),
        bonus_per_point=D("20"),
        bonus_add_cap=D("300"),
        bonus_deduct_cap=D("500"),
    )
    month = {"period_kind": "month"}
    assert grading.bonus(s, D("85"), **month) == D("1100.00")
    assert grading.bonus(s, D("99"), **month) == D("1300.00")  # +380 capped at +300
    assert grading.bonus(s, D("70"), **month) == D("800.00")
    assert grading.bonus(s, D("10"), **month) == D("500.00")  # −1400 capped at −500
    assert grading.bonus(scheme(subject_kind="staff", bonus_enabled=False), D("99"), **month) is None


@pytest.mark.parametrize(
    ("subject_kind", "period_kind"), [("staff", "quarter"), ("staff", "year"), ("department", "month")]
)
def test_the_monthly_bonus_is_paid_to_people_for_months_only(subject_kind, period_kind):
    s = scheme(subject_kind=subject_kind, bonus_enabled=True, bonus_base=D("2000"), bonus_baseline=D("80"),
               bonus_per_point=D("30"), bonus_add_cap=D("600"), bonus_deduct_cap=D("1000"))  # fmt: skip
    assert grading.bonus(s, D("90"), period_kind=period_kind) is None
