"""The demo assessment: a published quarter and an open month per scheme; a second load changes nothing."""

from __future__ import annotations

from io import StringIO

from assessment import demo
from assessment.models import (
    AdjustmentEntry,
    EvaluationEntry,
    EvaluationForm,
    Period,
    PeriodKind,
    PeriodStatus,
    Result,
    Scheme,
    ScoreLine,
    VetoEntry,
)

MODELS = (Scheme, Period, EvaluationForm, EvaluationEntry, Result, ScoreLine, AdjustmentEntry, VetoEntry)


def snapshot() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_a_published_quarter_and_an_open_month_per_scheme(demo_city):
    assert "2 schemes" in demo_city
    for scheme in Scheme.objects.all():
        quarter = Period.objects.get(scheme=scheme, kind=PeriodKind.QUARTER)
        month = Period.objects.get(scheme=scheme, kind=PeriodKind.MONTH)
        assert quarter.status == PeriodStatus.PUBLISHED and quarter.results.exists()
        assert month.status == PeriodStatus.OPEN and month.forms.filter(status="open").exists()
        for result in quarter.results.prefetch_related("lines")[:20]:
            assert sum(line.points for line in result.lines.all()) == result.total


def test_a_second_load_changes_nothing():
    first = snapshot()
    demo.load(StringIO())
    assert snapshot() == first
