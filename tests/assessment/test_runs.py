"""A run against hand-computed expectations: each indicator kind, add/deduct, vetoes, blocks, quota, idempotency,
and explanations whose parts add up to the total exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from approvals.models.cards import Card, CardLevel, CardTrigger
from assessment.models import (
    EvaluatorRole,
    Grade,
    IndicatorKind,
    PeriodStatus,
    Result,
    ScoreLine,
    SubjectKind,
)
from assessment.services import forms, publishing, runs
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_accepted_case, seed_calendar

from .factories import finished_case_clock, local, make_period, make_rule, make_scheme, make_veto_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    dept = DepartmentFactory(name="登记注册科")
    alice, bob, carol = (StaffFactory(department=dept, name=name) for name in ("张三", "李四", "王五"))
    scheme = make_scheme()
    period = make_period(scheme)
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    # Alice: 7 cases finished in March, 6 within the limit (2 of them early); one in February does not count.
    for outcome in ["early", "early", "on_time", "on_time", "on_time", "on_time", "late"]:
        finished_case_clock(alice.user, dept, outcome=outcome, finished_at=local(2026, 3, 10))
    finished_case_clock(alice.user, dept, outcome="late", finished_at=local(2026, 2, 27))
    # Bob: 2 cases, both late, and one red card in March.
    for _ in range(2):
        finished_case_clock(bob.user, dept, outcome="late", finished_at=local(2026, 3, 20))
    case = make_accepted_case(clerk=bob)
    Card.objects.create(
        case=case,
        department=dept,
        handler=bob.user,
        level=CardLevel.RED,
        trigger=CardTrigger.OVERDUE,
        raised_at=local(2026, 3, 15),
    )
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    evaluators = [StaffFactory(department=dept) for _ in range(2)]
    for evaluator, score in zip(evaluators, ({alice.pk: 5, bob.pk: 3}, {alice.pk: 4, bob.pk: "unknown"}), strict=True):
        form = forms.assign_form(period, indicator=indicator, evaluator=evaluator, subject_ids=[alice.pk, bob.pk])
        forms.submit_form(form, user=evaluator.user, scores=score)
    return {
        "dept": dept,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "scheme": scheme,
        "period": period,
        "supervisor": supervisor,
        "evaluators": evaluators,
    }


def result_of(period, staff) -> Result:
    return Result.objects.get(period=period, subject_id=staff.pk)


def lines(result: Result) -> dict[str, ScoreLine]:
    return {line.label: line for line in result.lines.all()}


def test_each_indicator_kind_against_hand_computed_points(world):
    runs.run_period(world["period"], actor=world["supervisor"])
    alice = lines(result_of(world["period"], world["alice"]))
    # On time 6/7 = 85.7143% × 40 = 34.29; no red card 100 × 20 = 20; evaluations (5+4)/2 = 4.5 → 90 × 40 = 36.
    assert alice["按时办结率"].raw_value == D("85.7143")
    assert alice["按时办结率"].points == D("34.29")
    # The one late case of March is linked; February's is not a fact of this period.
    late_links = [f["url"] for f in alice["按时办结率"].facts if f["url"]]
    assert len(late_links) == 1 and "/work/" in late_links[0]
    assert alice["红牌"].points == D("20.00")
    assert alice["民主测评"].raw_value == D("4.5000")
    assert alice["民主测评"].points == D("36.00")
    assert result_of(world["period"], world["alice"]).total == D("90.29")
    bob = lines(result_of(world["period"], world["bob"]))
    # 0/2 on time → 0; one red card → 100 − 20 = 80 × 20% = 16, linked to the card; one score of 3 (unknown left out).
    assert bob["按时办结率"].points == D("0.00")
    assert bob["红牌"].raw_value == D("1") and bob["红牌"].points == D("16.00")
    assert bob["红牌"].facts[0]["url"].startswith("/")
    assert bob["民主测评"].raw_value == D("3.0000") and bob["民主测评"].points == D("24.00")
    # Carol: no cases (full marks), no card, nobody scored her (neutral 3 → 60).
    assert result_of(world["period"], world["carol"]).total == D("40.00") + D("20.00") + D("24.00")


def test_explanations_add_up_to_the_total_exactly(world):
    make_rule(world["scheme"], "late", "-5", name="迟到")
    forms.record_adjustment(
        world["period"],
        rule=world["scheme"].adjustment_rules.get(),
        subject_id=world["alice"].pk,
        quantity="3",
        fact_date=dt.date(2026, 3, 5),
        note="考勤",
        actor=world["supervisor"],
    )
    runs.run_period(world["period"], actor=world["supervisor"])
    for result in Result.objects.filter(period=world["period"]).prefetch_related("lines"):
        assert sum(line.points for line in result.lines.all()) == result.total
        assert all(line.raw_text for line in result.lines.all())
    alice = result_of(world["period"], world["alice"])
    assert lines(alice)["迟到"].points == D("-15.00")
    assert alice.total == D("75.29")


def test_rerun_changes_nothing_it_should_not(world):
    period, supervisor = world["period"], world["supervisor"]
    runs.run_period(period, actor=supervisor)
    bob = result_of(period, world["bob"])
    publishing.adjust_grade(bob, grade=Grade.PASS, reason="复核后调整等次", actor=supervisor)
    snapshot = {
        r.subject_id: (
            r.total,
            r.rank,
            r.proposed_grade,
            r.adjusted_grade,
            r.adjusted_reason,
            [(line.label, line.points, line.raw_value, line.facts) for line in r.lines.all()],
        )
        for r in Result.objects.filter(period=period)
    }
    run = runs.run_period(period, actor=supervisor)
    again = {
        r.subject_id: (
            r.total,
            r.rank,
            r.proposed_grade,
            r.adjusted_grade,
            r.adjusted_reason,
            [(line.label, line.points, line.raw_value, line.facts) for line in r.lines.all()],
        )
        for r in Result.objects.filter(period=period)
    }
    assert again == snapshot
    assert run.number == 2 and run.changed == 0
    assert result_of(period, world["bob"]).grade == Grade.PASS
    assert period.forms.filter(status="submitted").count() == 2


def test_a_run_freezes_its_facts_until_rerun(world):
    period = world["period"]
    runs.run_period(period)
    finished_case_clock(world["carol"].user, world["dept"], outcome="late", finished_at=local(2026, 3, 25))
    assert result_of(period, world["carol"]).total == D("84.00")
    runs.run_period(period)
    assert result_of(period, world["carol"]).total == D("44.00")


def test_published_period_cannot_be_rerun(world):
    runs.run_period(world["period"])
    publishing.publish_period(world["period"], actor=world["supervisor"])
    with pytest.raises(ValidationError, match="published"):
        runs.run_period(world["period"])


def test_weights_not_summing_to_100_refuse_the_run(world):
    world["scheme"].indicators.filter(name="红牌").update(weight=25)
    with pytest.raises(ValidationError, match="sum to 100"):
        runs.run_period(world["period"])
    assert not Result.objects.exists()


def test_veto_caps_the_grade_whatever_the_score(world):
    veto = make_veto_rule(world["scheme"], cap_grade=Grade.PASS)
    forms.record_veto(
        world["period"], rule=veto, subject_id=world["alice"].pk, reason="严重违反工作纪律", actor=world["supervisor"]
    )
    runs.run_period(world["period"])
    alice = result_of(world["period"], world["alice"])
    assert alice.computed_grade == Grade.EXCELLENT
    assert alice.proposed_grade == Grade.PASS
    assert any("一票否决" in note for note in alice.notes)


def test_quota_by_rank_in_a_run(world):
    # 5 assessed (three people and the two evaluators): 20% → 1 place, Alice's 90.29 keeps excellent.
    runs.run_period(world["period"])
    alice = result_of(world["period"], world["alice"])
    assert alice.computed_grade == Grade.EXCELLENT and alice.proposed_grade == Grade.EXCELLENT
    assert alice.rank == 1
    # At 10%, 0.5 → no place: excellent by points, competent by the quota, and told why.
    world["scheme"].excellent_quota = D("10")
    world["scheme"].save()
    runs.run_period(world["period"])
    alice = result_of(world["period"], world["alice"])
    assert alice.computed_grade == Grade.EXCELLENT and alice.proposed_grade == Grade.GOOD
    assert any("quota" in note for note in alice.notes)


def test_quota_over_the_hard_maximum_refuses_the_run(world):
    world["scheme"].excellent_quota = D("30")
    world["scheme"].save()
    with pytest.raises(ValidationError, match="between 0 and 25"):
        runs.run_period(world["period"])


def test_efficiency_cautions_block_excellent_and_propose_incompetent(world, monkeypatch):
    from complaints import selectors

    def sanction_counts(start, end, *, sanction):
        assert sanction == "efficiency_caution" and start == dt.date(2026, 1, 1)
        return {world["alice"].pk: 1, world["bob"].pk: 2}

    monkeypatch.setattr(selectors, "sanction_counts", sanction_counts)
    world["scheme"].excellent_quota = D("25")
    world["scheme"].save()
    runs.run_period(world["period"])
    assert result_of(world["period"], world["alice"]).proposed_grade == Grade.GOOD
    assert result_of(world["period"], world["bob"]).proposed_grade == Grade.FAIL


def test_department_scheme_reads_the_daily_figures(world):
    from approvals.models import DailyCaseStat

    scheme = make_scheme(
        SubjectKind.DEPARTMENT,
        indicators=[
            ("按时办结率", IndicatorKind.COMPUTED, "on_time_rate", 60),
            ("提前办结率", IndicatorKind.COMPUTED, "early_rate", 20),
            ("领导评价", IndicatorKind.EVALUATED, EvaluatorRole.LEADER, 20),
        ],
    )
    period = make_period(scheme)
    item = Card.objects.get().case.item
    DailyCaseStat.objects.create(
        day=dt.date(2026, 3, 3),
        department=world["dept"],
        item=item,
        finished=10,
        finished_on_time=6,
        finished_early=3,
        finished_late=1,
    )
    DailyCaseStat.objects.create(
        day=dt.date(2026, 4, 1), department=world["dept"], item=item, finished=10, finished_late=10
    )
    runs.run_period(period)
    result = Result.objects.get(period=period, subject_id=world["dept"].pk)
    explained = lines(result)
    assert explained["按时办结率"].raw_value == D("90.0000") and explained["按时办结率"].points == D("54.00")
    assert "start=2026-03-01&end=2026-03-31" in explained["按时办结率"].facts[1]["url"]
    assert explained["提前办结率"].points == D("6.00")
    assert result.total == D("72.00")  # + neutral 60 × 20%
    period.refresh_from_db()
    assert period.status == PeriodStatus.COMPUTED


def test_a_rerun_removes_the_results_of_people_no_longer_assessed(world):
    from assessment.models import AssessmentEvent

    period, supervisor, carol = world["period"], world["supervisor"], world["carol"]
    runs.run_period(period, actor=supervisor)
    carols = result_of(period, carol)
    publishing.adjust_grade(carols, grade=Grade.PASS, reason="复核后调整等次", actor=supervisor)
    carol.is_active = False
    carol.save()
    run = runs.run_period(period, actor=supervisor)
    assert not Result.objects.filter(period=period, subject_id=carol.pk).exists()
    assert not ScoreLine.objects.filter(result_id=carols.pk).exists()
    assert run.subjects == 4 and run.changed >= 1
    # Everyone left still adds up, and the ranks count only those assessed.
    remaining = Result.objects.filter(period=period).prefetch_related("lines")
    assert remaining.count() == 4
    for result in remaining:
        assert sum(line.points for line in result.lines.all()) == result.total
    assert sorted(r.rank for r in remaining) == sorted(grading_ranks(remaining))
    # The adjustment's event stays in the period's history, detached; the run says what it removed.
    adjusted = AssessmentEvent.objects.get(period=period, action="grade_adjusted")
    assert adjusted.result_id is None and adjusted.reason == "复核后调整等次"
    assert "1 result(s) of people or departments no longer assessed removed" in (
        AssessmentEvent.objects.filter(period=period, action="run").latest("id").reason
    )
    # Publishing tells only those assessed.
    from efficiency_portal.notifications.models import Notification

    publishing.publish_period(period, actor=supervisor)
    assert not Notification.objects.filter(recipient=carol.user).exists()
    assert Notification.objects.filter(kind="assessment_published").count() == 4


def grading_ranks(results) -> list[int]:
    from assessment.services import grading

    return list(grading.ranks({r.subject_id: r.total for r in results}).values())


def test_explanations_are_written_in_the_default_language_whoever_runs(world, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    veto = make_veto_rule(world["scheme"], cap_grade=Grade.PASS)
    forms.record_veto(world["period"], rule=veto, subject_id=world["alice"].pk, reason="严重违反工作纪律", actor=None)
    with translation.override("en"):  # a supervisor reading the English pages starts the run
        runs.run_period(world["period"], actor=world["supervisor"])
        carol = lines(result_of(world["period"], world["carol"]))
        alice = result_of(world["period"], world["alice"])
    with translation.override("zh-hans"):
        expected_case = translation.gettext("No case finished in the period: full marks")
        expected_card = translation.gettext("No red card in the period")
        veto_note = translation.gettext("Veto (一票否决) “%(name)s”: %(reason)s")
    assert expected_case != "No case finished in the period: full marks"  # the catalogue translates it
    assert carol["按时办结率"].raw_text == expected_case
    assert carol["红牌"].raw_text == expected_card
    assert alice.notes == [veto_note % {"name": veto.name, "reason": "严重违反工作纪律"}]
    # The language of the request is left as it was.
    with translation.override("en"):
        assert translation.get_language() == "en"


def test_a_quota_of_exactly_the_hard_maximum_runs_and_a_hair_above_is_refused(world):
    for _ in range(3):
        StaffFactory(department=world["dept"])
    # 8 assessed × 25 % = 2 places.
    world["scheme"].excellent_quota = D("25")
    world["scheme"].save()
    run = runs.run_period(world["period"])
    assert run.subjects == 8
    world["scheme"].excellent_quota = D("25.01")
    world["scheme"].save()
    with pytest.raises(ValidationError, match="between 0 and 25"):
        runs.run_period(world["period"])
    assert world["period"].runs.count() == 1
