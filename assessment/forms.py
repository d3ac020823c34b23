"""Page forms: they only parse input; the services check the rules and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department, Staff

from . import providers
from .models import (
    AdjustmentRule,
    EvaluationForm,
    EvaluatorRole,
    Grade,
    Indicator,
    IndicatorKind,
    Period,
    PeriodKind,
    Scheme,
    SubjectKind,
    VetoRule,
)
from .services.forms import UNKNOWN

SCORE_CHOICES = [
    ("", "—"),
    ("5", "5"),
    ("4", "4"),
    ("3", "3"),
    ("2", "2"),
    ("1", "1"),
    (UNKNOWN, _("Not known (不了解)")),
]


class PeriodForm(forms.Form):
    """A new period: the dates follow from the kind, the year and the month or quarter (the service checks)."""

    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Month or quarter"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("1–12 for a month, 1–4 for a quarter; empty for a year."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("Empty: named after the month, quarter or year.")
    )
    forms_close_at = forms.DateTimeField(
        label=_("Evaluation forms close at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    appeal_days = forms.IntegerField(label=_("Appeal window (working days)"), min_value=1, max_value=30, initial=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(is_active=True)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = today.month
        self.fields["appeal_days"].initial = Period._meta.get_field("appeal_days").get_default()
        _bootstrap(self)


class SchemeSettingsForm(forms.Form):
    """A scheme's settings; the service checks the quota, the thresholds and the bonus."""

    name = forms.CharField(label=_("Name"), max_length=100)
    subject_kind = forms.ChoiceField(label=_("Assessed"), choices=SubjectKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    excellent_quota = forms.DecimalField(
        label=_("Quota on excellent (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    excellent_min = forms.DecimalField(
        label=_("Excellent from (points)"), min_value=0, max_value=100, max_digits=6, decimal_places=2
    )
    good_min = forms.DecimalField(
        label=_("Competent/good from (points)"), min_value=0, max_value=100, max_digits=6, decimal_places=2
    )
    pass_min = forms.DecimalField(
        label=_("Basic/pass from (points)"), min_value=0, max_value=100, max_digits=6, decimal_places=2
    )
    bonus_enabled = forms.BooleanField(
        label=_("Pays a monthly performance bonus"),
        required=False,
        help_text=_("Civil servants' schemes only; paid for monthly periods."),
    )
    bonus_base = forms.DecimalField(label=_("Bonus base (yuan)"), min_value=0, max_digits=10, decimal_places=2)
    bonus_baseline = forms.DecimalField(
        label=_("Bonus baseline (points)"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        help_text=_("Points above this add to the base, points below deduct from it."),
    )
    bonus_per_point = forms.DecimalField(label=_("Yuan per point"), min_value=0, max_digits=10, decimal_places=2)
    bonus_add_cap = forms.DecimalField(label=_("Largest addition (yuan)"), min_value=0, max_digits=10, decimal_places=2)
    bonus_deduct_cap = forms.DecimalField(
        label=_("Largest deduction (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, instance: Scheme | None = None, **kwargs):
        template = instance or Scheme()
        kwargs.setdefault("initial", {name: getattr(template, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
        _bootstrap(self)


class DeleteInputForm(forms.Form):
    reason = forms.CharField(label=_("Why delete it?"), min_length=5, max_length=300)


class AdjustGradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    reason = forms.CharField(label=_("Reason"), min_length=5, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you appeal?"), min_length=10, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecideAppealForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Uphold")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    grade = forms.ChoiceField(label=_("New grade (if upheld)"), choices=[("", "—"), *Grade.choices], required=False)
    decision = forms.CharField(
        label=_("Reasons"), min_length=5, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SubjectChoiceMixin:
    def set_subjects(self, period: Period) -> None:
        if period.scheme.subject_kind == "staff":
            choices = Staff.objects.filter(is_active=True).values_list("id", "name")
        else:
            choices = Department.objects.filter(is_active=True).exclude(kind="window").values_list("id", "name")
        self.fields["subject"].choices = list(choices)  # type: ignore[attr-defined]


class AdjustmentEntryForm(SubjectChoiceMixin, forms.Form):
    rule = forms.ModelChoiceField(label=_("Add/deduct item"), queryset=AdjustmentRule.objects.none())
    subject = forms.TypedChoiceField(label=_("Assessed"), coerce=int)
    quantity = forms.DecimalField(label=_("Units"), min_value=0.01, max_value=1000, decimal_places=2, initial=1)
    fact_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, period: Period, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = period.scheme.adjustment_rules.all()
        self.set_subjects(period)


class VetoEntryForm(SubjectChoiceMixin, forms.Form):
    rule = forms.ModelChoiceField(label=_("Veto (一票否决)"), queryset=VetoRule.objects.none())
    subject = forms.TypedChoiceField(label=_("Assessed"), coerce=int)
    reason = forms.CharField(label=_("Reason"), min_length=5, max_length=300)

    def __init__(self, period: Period, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = period.scheme.veto_rules.all()
        self.set_subjects(period)


class WeightsForm(forms.Form):
    excellent_quota = forms.DecimalField(label=_("Quota on excellent (%)"), min_value=0, max_digits=5, decimal_places=2)

    def __init__(self, scheme: Scheme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["excellent_quota"].initial = scheme.excellent_quota
        for indicator in scheme.indicators.all():
            self.fields[f"weight_{indicator.pk}"] = forms.DecimalField(
                label=indicator.name, min_value=0, max_value=100, decimal_places=2, initial=indicator.weight
            )

    def weights(self) -> dict[int, object]:
        return {
            int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items() if name.startswith("weight_")
        }


class ScoreSheet(forms.Form):
    """One choice per assigned person or department: 1–5 or not known."""

    def __init__(self, form: EvaluationForm, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(form.entries.all())
        for entry in self.entries:
            initial = UNKNOWN if entry.unknown else (str(entry.score) if entry.score else "")
            self.fields[f"score_{entry.subject_id}"] = forms.ChoiceField(
                label=entry.subject_name,
                choices=SCORE_CHOICES,
                initial=initial,
                required=True,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def scores(self) -> dict[int, str]:
        return {int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items()}


class AssignForm(forms.Form):
    """Which evaluator scores whom on which evaluated indicator; a whole department may be picked at once."""

    indicator = forms.ModelChoiceField(label=_("Evaluated indicator"), queryset=Indicator.objects.none())
    evaluator = forms.ModelChoiceField(label=_("Evaluator"), queryset=Staff.objects.none())
    subjects = forms.TypedMultipleChoiceField(
        label=_("Assessed"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    whole_department = forms.ModelChoiceField(
        label=_("Or everyone in a department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Adds every active member of the department except the evaluator."),
    )

    def __init__(self, period: Period, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.staff_scheme = period.scheme.subject_kind == SubjectKind.STAFF
        self.fields["indicator"].queryset = period.scheme.indicators.filter(kind=IndicatorKind.EVALUATED)
        self.fields["evaluator"].queryset = Staff.objects.filter(is_active=True).select_related("department")
        self.fields["evaluator"].label_from_instance = lambda staff: f"{staff.name} · {staff.department.name}"
        if self.staff_scheme:
            rows = Staff.objects.filter(is_active=True).select_related("department").order_by("department", "name")
            self.fields["subjects"].choices = [(s.pk, f"{s.name} · {s.department.name}") for s in rows]
            self.fields["whole_department"].queryset = Department.objects.filter(is_active=True)
        else:
            rows = Department.objects.filter(is_active=True).exclude(kind=Department.Kind.WINDOW)
            self.fields["subjects"].choices = list(rows.values_list("id", "name"))
            del self.fields["whole_department"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def clean(self):
        cleaned = super().clean()
        if timezone.now() >= self.period.forms_close_at:
            raise forms.ValidationError(_("The evaluation forms of this period have closed."))
        ids = set(cleaned.get("subjects") or [])
        department = cleaned.get("whole_department")
        evaluator = cleaned.get("evaluator")
        if department is not None:
            members = Staff.objects.filter(is_active=True, department=department)
            if evaluator is not None:
                members = members.exclude(pk=evaluator.pk)
            ids |= set(members.values_list("id", flat=True))
        if not ids and not self.errors:
            self.add_error("subjects", _("Choose at least one person or department to evaluate."))
        cleaned["subject_ids"] = sorted(ids)
        return cleaned


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class IndicatorEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    provider = forms.ChoiceField(
        label=_("Source (computed)"), required=False, help_text=_("Which fact a computed indicator reads.")
    )
    evaluator_role = forms.ChoiceField(
        label=_("Evaluators (scored)"), required=False, choices=[("", "—"), *EvaluatorRole.choices]
    )
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    per_unit = forms.DecimalField(
        label=_("Points off per unit"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        initial=20,
        help_text=_("For counting indicators (red cards, complaints upheld): 100 less this for each one."),
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args, instance: Indicator | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(instance, name)
                    for name in ("name", "kind", "provider", "evaluator_role", "weight", "per_unit", "sort_order")
                },
            )
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, object]] = [("", "—")]
        for code, label in providers.choices():
            source = providers.get(code)
            if source is not None and not source.available():
                label = _("%(label)s (source not available yet)") % {"label": label}
            choices.append((code, label))
        self.fields["provider"].choices = choices
        _bootstrap(self)


class RuleEditForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. “late”."))
    name = forms.CharField(label=_("Name"), max_length=100)
    points = forms.DecimalField(
        label=_("Points per unit"),
        min_value=-1000,
        max_value=1000,
        max_digits=6,
        decimal_places=2,
        help_text=_("Negative deducts, positive adds."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="次")
    free_units = forms.DecimalField(
        label=_("Units free of charge"), min_value=0, max_value=1000, max_digits=6, decimal_places=2, initial=0
    )
    tier_after = forms.DecimalField(
        label=_("Second tier after (units)"),
        min_value=0,
        max_value=1000,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    tier_points = forms.DecimalField(
        label=_("Points per unit in the second tier"),
        min_value=-1000,
        max_value=1000,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    cap = forms.DecimalField(
        label=_("Largest total (points, absolute)"),
        min_value=0,
        max_value=1000,
        max_digits=6,
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args, instance: AdjustmentRule | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class VetoEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    cap_grade = forms.ChoiceField(
        label=_("Grade at most"), choices=[choice for choice in Grade.choices if choice[0] != Grade.EXCELLENT]
    )

    def __init__(self, *args, instance: VetoRule | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {"name": instance.name, "cap_grade": instance.cap_grade})
        super().__init__(*args, **kwargs)
        _bootstrap(self)
