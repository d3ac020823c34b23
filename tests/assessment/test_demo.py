"""The demo loads a published quarter and an open month per scheme, and a second load changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest

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

pytestmark = pytest.mark.django_db

MODELS = (Scheme, Period, EvaluationForm, EvaluationEntry, Result, ScoreLine, AdjustmentEntry, VetoEntry)


def snapshot() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_loads_and_is_idempotent():
    from efficiency_portal.org import demo as org_demo
    from efficiency_portal.workdays import demo as calendar_demo

    calendar_demo.load(StringIO())
    org_demo.load(StringIO())
    out = StringIO()
    demo.load(out)
    assert "2 schemes" in out.getvalue()
    for scheme in Scheme.objects.all():
        quarter = Period.objects.get(scheme=scheme, kind=PeriodKind.QUARTER)
        month = Period.objects.get(scheme=scheme, kind=PeriodKind.MONTH)
        assert quarter.status == PeriodStatus.PUBLISHED and quarter.results.exists()
        assert month.status == PeriodStatus.OPEN and month.forms.filter(status="open").exists()
        for result in quarter.results.prefetch_related("lines")[:20]:
            assert sum(line.points for line in result.lines.all()) == result.total
    first = snapshot()
    demo.load(StringIO())
    assert snapshot() == first
