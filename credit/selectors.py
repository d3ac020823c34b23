"""Reads of credit: scores and grades as of any date in one query, timelines, lists, dashboard figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, Max, Model, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from credit.conf import grade_for, grade_names, grade_rank, setting, worse_grade
from credit.models import COUNTING_STATUSES, CreditEntry, CreditObjection, EntryStatus, ObjectionStatus
from efficiency_portal.org.models import Department, Staff


@dataclass(frozen=True)
class CreditScore:
    points: int
    grade: str
    downgraded_to: str = ""  # the grade a direct downgrade imposes, if one is valid
    entries: int = 0  # entries counting on that day

    @property
    def blacklisted(self) -> bool:
        return grade_rank(self.grade) >= grade_rank(setting("CREDIT_BLACKLIST_GRADE"))


def counting_on(on: dt.date) -> Q:
    """Entries that count on ``on``: confirmed (or disputed, or since expired) and valid that day."""
    return Q(status__in=COUNTING_STATUSES, fact_date__lte=on, valid_until__gt=on)


def _downgrade_rank() -> Case:
    # The worst imposed grade as a number, so that MAX() picks it inside the same query.
    return Case(
        *[When(downgrade_to=grade, then=Value(rank + 1)) for rank, grade in enumerate(grade_names())],
        default=Value(0),
        output_field=IntegerField(),
    )


def _score(total: int | None, worst_rank: int | None, count: int) -> CreditScore:
    points = setting("CREDIT_BASE_POINTS") + (total or 0)
    imposed = grade_names()[worst_rank - 1] if worst_rank else ""
    return CreditScore(
        points=points, grade=worse_grade(grade_for(points), imposed), downgraded_to=imposed, entries=count
    )


def base_score() -> CreditScore:
    return _score(0, 0, 0)


def _subject(staff: Staff | None, department: Department | None) -> Q:
    if (staff is None) == (department is None):
        raise ValueError("Give exactly one of staff and department.")
    return Q(staff=staff) if staff is not None else Q(department=department)


def score_on(*, staff: Staff | None = None, department: Department | None = None, on: dt.date) -> CreditScore:
    """Score and grade of one subject on ``on``, whatever its number of entries, in one query."""
    row = CreditEntry.objects.filter(_subject(staff, department), counting_on(on)).aggregate(
        total=Sum("points"), worst=Max(_downgrade_rank()), count=Count("id")
    )
    return _score(row["total"], row["worst"], row["count"])


def scores_on(
    on: dt.date, *, staff_ids: Iterable[int] | None = None, department_ids: Iterable[int] | None = None
) -> dict[int, CreditScore]:
    """Scores of many subjects in one query. Every id asked for is in the result (with the base score when it has
    no counting entry). With no ids at all: every civil servant with a counting entry."""
    by = "department_id" if department_ids is not None else "staff_id"
    ids = (
        list(department_ids if department_ids is not None else staff_ids or [])
        if (staff_ids is not None or department_ids is not None)
        else None
    )
    rows = CreditEntry.objects.filter(counting_on(on), **{f"{by}__isnull": False})
    if ids is not None:
        if not ids:
            return {}
        rows = rows.filter(**{f"{by}__in": ids})
    rows = rows.order_by().values(by).annotate(total=Sum("points"), worst=Max(_downgrade_rank()), count=Count("id"))
    result = {row[by]: _score(row["total"], row["worst"], row["count"]) for row in rows}
    if ids is not None:
        base = base_score()
        for pk in ids:
            result.setdefault(pk, base)
    return result


def department_scores_with_entries(on: dt.date) -> dict[int, CreditScore]:
    rows = (
        CreditEntry.objects.filter(counting_on(on), department__isnull=False)
        .order_by()
        .values("department_id")
        .annotate(total=Sum("points"), worst=Max(_downgrade_rank()), count=Count("id"))
    )
    return {row["department_id"]: _score(row["total"], row["worst"], row["count"]) for row in rows}


def entries_between(
    start: dt.date, end: dt.date, *, staff: Staff | None = None, department: Department | None = None
) -> QuerySet[CreditEntry]:
    """Confirmed entries (also those disputed or expired since) whose fact lies in [start, end]."""
    rows = CreditEntry.objects.filter(status__in=COUNTING_STATUSES, fact_date__range=(start, end))
    if staff is not None:
        rows = rows.filter(staff=staff)
    if department is not None:
        rows = rows.filter(department=department)
    return rows.select_related("rule", "staff", "department")


def _overdue_cutoff(on: dt.date) -> dt.datetime:
    now = timezone.now()
    if on >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))


def open_objection_clocks() -> QuerySet:
    from django.contrib.contenttypes.models import ContentType

    from credit.services.objections import ACCEPT_CLOCK, DECIDE_CLOCK
    from efficiency_portal.supervision.models import Deadline, DeadlineStatus

    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(CreditObjection),
        kind__in=[ACCEPT_CLOCK, DECIDE_CLOCK],
    ).exclude(status=DeadlineStatus.FINISHED)


def pending_entries() -> QuerySet[CreditEntry]:
    """Entries waiting for a supervisor to confirm or dismiss them (the ``pending`` figure and its list)."""
    return CreditEntry.objects.filter(status=EntryStatus.PENDING)


OBJECTION_STATES = ("open", "overdue", "all")


def objections(state: str = "open", *, on: dt.date | None = None) -> QuerySet[CreditObjection]:
    """Objections by state: ``open`` (not yet decided), ``overdue`` (an open clock past its due moment as of ``on``,
    default today) or ``all``. The dashboard's figures count exactly these rows."""
    rows = CreditObjection.objects.all()
    if state == "open":
        return rows.exclude(status=ObjectionStatus.DECIDED)
    if state == "overdue":
        on = on or timezone.localdate()
        late = open_objection_clocks().filter(due_at__lt=_overdue_cutoff(on)).values("object_id")
        return rows.exclude(status=ObjectionStatus.DECIDED).filter(pk__in=late)
    return rows


def dashboard_counts(on: dt.date) -> dict[str, int]:
    """The command centre's figures; ``credit:pending_list`` and ``credit:objection_list?state=open|overdue`` list
    exactly the rows counted here."""
    return {
        "pending": pending_entries().count(),
        "objections_open": objections("open").count(),
        "objections_overdue": objections("overdue", on=on).count(),
    }


def source_has_entry(
    model: type[Model], *, rule_code: str, source_id=None, department_id=None, staff_id=None
) -> Exists:
    """EXISTS an entry of ``rule_code`` linked to a row of ``model``, for another app to filter its source rows in
    SQL, e.g. ``Card.objects.exclude(source_has_entry(Card, rule_code=..., department_id=OuterRef("department_id")))``.
    ``source_id`` defaults to the outer row's primary key; the subject ids, when given, narrow it further."""
    from django.contrib.contenttypes.models import ContentType

    rows = CreditEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(model),
        source_id=OuterRef("pk") if source_id is None else source_id,
        rule__code=rule_code,
    )
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if staff_id is not None:
        rows = rows.filter(staff_id=staff_id)
    return Exists(rows)


def blacklist(user, on: dt.date) -> list[dict]:
    """Subjects in ``user``'s scope graded at the blacklist grade or worse on ``on``: civil servants, then departments.
    One grouped query per kind of subject, one query per kind for the names."""
    from credit.permissions import scope_department_ids

    scope = scope_department_ids(user)
    worst = grade_rank(setting("CREDIT_BLACKLIST_GRADE"))
    staff_scores = {pk: s for pk, s in scores_on(on).items() if grade_rank(s.grade) >= worst}
    department_scores = {pk: s for pk, s in department_scores_with_entries(on).items() if grade_rank(s.grade) >= worst}
    staff = Staff.objects.filter(pk__in=staff_scores).select_related("department").order_by("name")
    departments = Department.objects.filter(pk__in=department_scores).order_by("name")
    if scope is not None:
        staff = staff.filter(department_id__in=scope)
        departments = departments.filter(pk__in=scope)
    return [{"subject": s, "score": staff_scores[s.pk], "kind": "staff"} for s in staff] + [
        {"subject": d, "score": department_scores[d.pk], "kind": "department"} for d in departments
    ]


@dataclass
class TimelineStep:
    day: dt.date
    entry: CreditEntry
    change: int  # points added that day (negative when a deduction starts, positive when it lapses)
    starts: bool  # True: the entry starts counting; False: its validity ended
    points_after: int = 0
    grade_after: str = ""
    downgrades: list[str] = field(default_factory=list)


def timeline(*, staff: Staff | None = None, department: Department | None = None, on: dt.date) -> list[TimelineStep]:
    """Every change of the subject's score up to ``on``, oldest first, with the score and grade after each."""
    entries = list(
        CreditEntry.objects.filter(_subject(staff, department), status__in=COUNTING_STATUSES, fact_date__lte=on)
        .select_related("rule")
        .order_by("fact_date", "id")
    )
    steps = [TimelineStep(entry.fact_date, entry, entry.points, True) for entry in entries]
    steps += [
        TimelineStep(entry.valid_until, entry, -entry.points, False) for entry in entries if entry.valid_until <= on
    ]
    steps.sort(key=lambda step: (step.day, not step.starts, step.entry.pk))
    points = setting("CREDIT_BASE_POINTS")
    active_downgrades: dict[int, str] = {}
    for step in steps:
        points += step.change
        if step.entry.downgrade_to:
            if step.starts:
                active_downgrades[step.entry.pk] = step.entry.downgrade_to
            else:
                active_downgrades.pop(step.entry.pk, None)
        grade = grade_for(points)
        for imposed in active_downgrades.values():
            grade = worse_grade(grade, imposed)
        step.points_after, step.grade_after = points, grade
    return steps


def grade_distribution(scores: Iterable[CreditScore]) -> dict[str, int]:
    counts = dict.fromkeys(grade_names(), 0)
    for score in scores:
        counts[score.grade] += 1
    return counts


def subject_scores(
    user, *, on: dt.date, kind: str = "staff", q: str = "", department_id: int | None = None, grade: str = ""
) -> list[dict]:
    """Every subject in ``user``'s scope with its score, filtered: one query for the subjects, one for the scores."""
    from credit.permissions import scope_department_ids

    scope = scope_department_ids(user)
    q = (q or "").strip()
    if kind == "staff":
        subjects = Staff.objects.filter(is_active=True).select_related("department")
        subjects = subjects.order_by("department__name", "name")
        if scope is not None:
            subjects = subjects.filter(department_id__in=scope)
        if department_id:
            subjects = subjects.filter(department_id=department_id)
        if q:
            subjects = subjects.filter(name__icontains=q)
        subjects = list(subjects)
        scores = scores_on(on, staff_ids=[subject.pk for subject in subjects])
    else:
        subjects = Department.objects.filter(is_active=True).order_by("sort_order", "name")
        if scope is not None:
            subjects = subjects.filter(pk__in=scope)
        if department_id:
            subjects = subjects.filter(pk=department_id)
        if q:
            subjects = subjects.filter(name__icontains=q)
        subjects = list(subjects)
        scores = scores_on(on, department_ids=[subject.pk for subject in subjects])
    rows = [{"subject": subject, "score": scores[subject.pk], "kind": kind} for subject in subjects]
    if grade in grade_names():
        rows = [row for row in rows if row["score"].grade == grade]
    return rows


@dataclass
class EntryPage:
    items: list[CreditEntry]
    next_cursor: str | None


def entry_page(rows: QuerySet[CreditEntry], cursor: str | None, size: int = 50) -> EntryPage:
    """Entries newest fact first after ``cursor`` (keyset, never an OFFSET: a deep page costs what the first does).

    A cursor that cannot be read starts again from the first page.
    """
    rows = rows.order_by("-fact_date", "-id")
    if cursor:
        try:
            day, pk = cursor.split("_")
            day, pk = dt.date.fromisoformat(day), int(pk)
        except ValueError:
            pass
        else:
            rows = rows.filter(Q(fact_date__lt=day) | Q(fact_date=day, id__lt=pk))
    items = list(rows[: size + 1])
    next_cursor = None
    if len(items) > size:
        last = items[size - 1]
        next_cursor = f"{last.fact_date.isoformat()}_{last.pk}"
    return EntryPage(items[:size], next_cursor)
