"""Page forms: they only parse input; the services check the rules and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department, Staff

from .models import (
    AdjustmentRule,
    EvaluationForm,
    Grade,
    Indicator,
    IndicatorKind,
    Period,
    PeriodStatus,
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


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["scheme", "kind", "name", "start", "end", "forms_close_at", "appeal_days"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "forms_close_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last day cannot come before the first."))
        return cleaned


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
        if self.period.status == PeriodStatus.OPEN and timezone.now() >= self.period.forms_close_at:
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
