"""Computed indicators as a registry of providers.

Each provider reads one selector of another app for the whole population of a period in a constant number of
queries and returns, per subject, the raw value, its score out of 100 and the facts behind it with links. A provider
whose source app does not offer its selector yet reports itself unavailable; adding one later touches only this
registry, never the engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from efficiency_portal.org.models import Department

from .models import SubjectKind

if TYPE_CHECKING:
    from .models import Indicator, Period

HUNDRED = Decimal("100")
MAX_LINKS = 50
ZERO = Decimal("0")
FOUR = Decimal("0.0001")


@dataclass
class Population:
    """Who is assessed in a run: subject ids, and for people their user id (case clocks and cards name users)."""

    kind: str
    ids: list[int]
    user_of: dict[int, int] = field(default_factory=dict)

    @cached_property
    def by_user(self) -> dict[int, int]:
        return {user_id: staff_id for staff_id, user_id in self.user_of.items()}


@dataclass
class Value:
    raw: Decimal | None
    text: str
    score: Decimal
    facts: list[dict[str, str]] = field(default_factory=list)


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    return max(low, min(high, value))


def fact(label: str, url: str = "") -> dict[str, str]:
    return {"label": str(label), "url": url}


class Provider:
    code: str = ""
    label: Any = ""
    module: str = ""
    function: str = ""

    def source(self) -> Callable | None:
        """The selector this provider reads, or None while its app does not offer it."""
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return None
        return getattr(module, self.function, None)

    def available(self) -> bool:
        return self.source() is not None

    def compute(self, period: Period, indicator: Indicator, population: Population) -> dict[int, Value]:
        raise NotImplementedError

    def missing(self, indicator: Indicator) -> Value:
        """The value of a subject without any fact in the period."""
        raise NotImplementedError


REGISTRY: dict[str, Provider] = {}


def register(provider_class: type[Provider]) -> type[Provider]:
    REGISTRY[provider_class.code] = provider_class()
    return provider_class


def get(code: str) -> Provider | None:
    return REGISTRY.get(code)


def choices(available_only: bool = False) -> list[tuple[str, Any]]:
    return [(p.code, p.label) for p in REGISTRY.values() if not available_only or p.available()]


def _rate(part: int, whole: int) -> Decimal:
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(FOUR)


class _CaseRate(Provider):
    module = "approvals.selectors.assessment_facts"
    function = "case_outcomes_by_handler"
    part = "on_time"
    missed: tuple[str, ...] = ("late",)

    def compute(self, period: Period, indicator: Indicator, population: Population) -> dict[int, Value]:
        from approvals.selectors import assessment_facts

        values: dict[int, Value] = {}
        links: dict[int, list[dict[str, str]]] = {}
        if population.kind == SubjectKind.STAFF:
            outcomes = assessment_facts.case_outcomes_by_handler(period.start, period.end)
            keyed = {population.by_user[uid]: o for uid, o in outcomes.items() if uid in population.by_user}
            # The cases that cost points are linked one by one: those not counted in the rate.
            for uid, cases in assessment_facts.case_links_by_handler(
                period.start, period.end, outcomes=self.missed, limit=MAX_LINKS
            ).items():
                if uid in population.by_user:
                    links[population.by_user[uid]] = [
                        fact(_("Case %(title)s: %(outcome)s") % {"title": c.title, "outcome": c.outcome}, c.url)
                        for c in cases
                    ]
        else:
            keyed = assessment_facts.case_outcomes_by_department(period.start, period.end)
            codes = dict(Department.objects.filter(pk__in=keyed).values_list("pk", "code"))
            for pk, code in codes.items():
                url = assessment_facts.department_statistics_url(code, period.start, period.end)
                links[pk] = [fact(_("Statistics of the period by item"), url)]
        for subject_id, outcome in keyed.items():
            if not outcome.finished:
                continue
            part = getattr(outcome, self.part)
            rate = _rate(part, outcome.finished)
            text = self.describe(part, outcome.finished, rate)
            values[subject_id] = Value(rate, text, clamp(rate), [fact(text), *links.get(subject_id, [])])
        return values

    def describe(self, part: int, whole: int, rate: Decimal) -> str:
        raise NotImplementedError


@register
class OnTimeRate(_CaseRate):
    code = "on_time_rate"
    label = gettext_lazy("On-time completion rate")
    part = "on_time"

    def describe(self, part: int, whole: int, rate: Decimal) -> str:
        return _("%(part)s of %(whole)s cases finished within the time limit (%(rate)s%%)") % {
            "part": part,
            "whole": whole,
            "rate": rate.quantize(Decimal("0.01")),
        }

    def missing(self, indicator: Indicator) -> Value:
        # Nobody is marked down for having had no case to finish.
        return Value(None, _("No case finished in the period: full marks"), HUNDRED, [])


@register
class EarlyRate(_CaseRate):
    code = "early_rate"
    label = gettext_lazy("Early completion rate")
    part = "early"
    missed = ("on_time", "late")

    def describe(self, part: int, whole: int, rate: Decimal) -> str:
        return _("%(part)s of %(whole)s cases finished before their due day (%(rate)s%%)") % {
            "part": part,
            "whole": whole,
            "rate": rate.quantize(Decimal("0.01")),
        }

    def missing(self, indicator: Indicator) -> Value:
        return Value(None, _("No case finished in the period"), ZERO, [])


def _count_value(count: int, per_unit: Decimal, text: str, facts: list[dict[str, str]]) -> Value:
    return Value(Decimal(count), text, clamp(HUNDRED - per_unit * count), facts)


@register
class RedCards(Provider):
    code = "red_cards"
    label = gettext_lazy("Red cards")
    module = "approvals.selectors.assessment_facts"
    function = "red_cards"

    def compute(self, period: Period, indicator: Indicator, population: Population) -> dict[int, Value]:
        from approvals.selectors import assessment_facts

        values: dict[int, Value] = {}
        if population.kind == SubjectKind.STAFF:
            grouped = assessment_facts.red_cards(period.start, period.end, by="handler")
            keyed = {population.by_user[uid]: cards for uid, cards in grouped.items() if uid in population.by_user}
        else:
            keyed = assessment_facts.red_cards(period.start, period.end, by="department")
        for subject_id, cards in keyed.items():
            facts = [fact(_("Red card on case %(code)s") % {"code": card.tracking_code}, card.url) for card in cards]
            text = _("%(count)s red card(s), %(per)s points off each") % {
                "count": len(cards),
                "per": indicator.per_unit,
            }
            values[subject_id] = _count_value(len(cards), indicator.per_unit, text, facts)
        return values

    def missing(self, indicator: Indicator) -> Value:
        return Value(ZERO, _("No red card in the period"), HUNDRED, [])


@register
class ComplaintsUpheld(Provider):
    code = "complaints_upheld"
    label = gettext_lazy("Complaints upheld")
    module = "complaints.selectors"
    function = "upheld_findings"

    def compute(self, period: Period, indicator: Indicator, population: Population) -> dict[int, Value]:
        selectors = importlib.import_module(self.module)
        by = "staff" if population.kind == SubjectKind.STAFF else "department"
        # Every upheld finding of the period in one query, grouped by the person or department at fault.
        findings = selectors.upheld_findings(period.start, period.end, by=by)
        wanted = set(population.ids)
        values: dict[int, Value] = {}
        for subject_id, rows in findings.items():
            if subject_id not in wanted or not rows:
                continue
            facts = [fact(str(row), _url(row)) for row in rows[:MAX_LINKS]]
            text = _("%(count)s complaint(s) upheld, %(per)s points off each") % {
                "count": len(rows),
                "per": indicator.per_unit,
            }
            values[subject_id] = _count_value(len(rows), indicator.per_unit, text, facts)
        return values

    def missing(self, indicator: Indicator) -> Value:
        return Value(ZERO, _("No complaint upheld in the period"), HUNDRED, [])


@register
class Satisfaction(Provider):
    code = "satisfaction"
    label = gettext_lazy("Satisfaction from ratings")
    module = "complaints.selectors"
    function = "satisfaction"

    def compute(self, period: Period, indicator: Indicator, population: Population) -> dict[int, Value]:
        selectors = importlib.import_module(self.module)
        by = "staff" if population.kind == SubjectKind.STAFF else "department"
        wanted = set(population.ids)
        values: dict[int, Value] = {}
        links = self._rating_links(selectors, period, by)
        for subject_id, result in selectors.satisfaction(period.start, period.end, by=by).items():
            if subject_id not in wanted or not result.count:
                continue
            score = Decimal(result.score).quantize(FOUR)
            text = _("%(count)s rating(s), satisfaction %(score)s of 100") % {
                "count": result.count,
                "score": score.quantize(Decimal("0.01")),
            }
            values[subject_id] = Value(score, text, clamp(score), [fact(text), *links.get(subject_id, [])])
        return values

    def _rating_links(self, selectors: Any, period: Period, by: str) -> dict[int, list]:
        """Each rating of the period, linked, in one query (the first ``MAX_LINKS`` per subject; the count and the
        mean stand in the line's first fact)."""
        from django.core.exceptions import FieldError
        from django.urls import NoReverseMatch, reverse

        field = "handler_id" if by == "staff" else "department_id"
        try:
            rows = selectors.ratings_between(period.start, period.end).values_list("pk", field, "level", "rated_at")
            pattern = reverse("complaints:rating_detail", args=[0]).replace("/0/", "/{}/")
            listed = list(rows)
        except (FieldError, NoReverseMatch, AttributeError):
            # Links are an extra: the score does not depend on them.
            return {}
        links: dict[int, list] = {}
        for pk, subject_id, level, rated_at in listed:
            if subject_id is None:
                continue
            bucket = links.setdefault(subject_id, [])
            if len(bucket) < MAX_LINKS:
                label = _("Rating %(level)s of 5 on %(day)s") % {"level": level, "day": rated_at.date().isoformat()}
                bucket.append(fact(label, pattern.format(pk)))
        return links

    def missing(self, indicator: Indicator) -> Value:
        return Value(None, _("No rating in the period: full marks"), HUNDRED, [])


@register
class CreditScore(Provider):
    code = "credit_score"
    label = gettext_lazy("Credit score and grade")
    module = "credit.selectors"
    function = "scores_on"

    def compute(self, period: Period, indicator: Indicator, population: Population) -> dict[int, Value]:
        selectors = importlib.import_module(self.module)
        if population.kind == SubjectKind.STAFF:
            scores = selectors.scores_on(period.end, staff_ids=population.ids)
        else:
            scores = selectors.scores_on(period.end, department_ids=population.ids)
        links = self._entry_links(selectors, period, population)
        base = Decimal(str(_credit_base()))
        values: dict[int, Value] = {}
        for subject_id, score in scores.items():
            points = Decimal(score.points)
            text = _("Credit score %(points)s, grade %(grade)s on %(day)s") % {
                "points": score.points,
                "grade": score.grade,
                "day": period.end.isoformat(),
            }
            # The base score (everyone starts from it) is full marks; each point below it costs in proportion.
            ratio = clamp((points * HUNDRED / base).quantize(FOUR))
            values[subject_id] = Value(points, text, ratio, [fact(text), *links.get(subject_id, [])])
        return values

    def _entry_links(self, selectors: Any, period: Period, population: Population) -> dict[int, list]:
        attribute = "staff_id" if population.kind == SubjectKind.STAFF else "department_id"
        links: dict[int, list] = {}
        try:
            entries = selectors.entries_between(period.start, period.end)
        except TypeError:
            return links
        for entry in entries:
            subject_id = getattr(entry, attribute, None)
            if subject_id is None:
                continue
            bucket = links.setdefault(subject_id, [])
            # The score is read as of the period's end; the entries behind it are linked, the first MAX_LINKS.
            if len(bucket) < MAX_LINKS:
                bucket.append(fact(str(entry), _url(entry)))
        return links

    def missing(self, indicator: Indicator) -> Value:
        return Value(None, _("No credit record: full marks"), HUNDRED, [])


def _credit_base() -> int:
    try:
        from credit.conf import setting
    except ImportError:
        return 1000
    return int(setting("CREDIT_BASE_POINTS"))


def _url(row: Any) -> str:
    method = getattr(row, "get_absolute_url", None)
    from django.urls import NoReverseMatch

    try:
        return method() if method else ""
    except NoReverseMatch:
        # A link that cannot be built is left out; the fact stays.
        return ""
