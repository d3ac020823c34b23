"""Forms of the staff case page: one small form per action; the services do the checking that needs the case."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, SpecialProcedure
from approvals.selectors.cases import unit_ids
from efficiency_portal.org.models import Department, Staff

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class WorkForm(forms.Form):
    """Bootstrap classes on every widget, and a service error put next to its field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.FileInput):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    def apply_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields else None, messages)


class AssignForm(WorkForm):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=Staff.objects.none())

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = Staff.objects.filter(
            department_id__in=unit_ids(case.department), is_active=True
        ).order_by("name")

    def run_args(self) -> dict:
        return {"handler": self.cleaned_data["handler"]}


class CompleteStepForm(WorkForm):
    opinion = forms.CharField(
        label=_("Opinion"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PauseForm(WorkForm):
    procedure = forms.ChoiceField(label=_("Special procedure"), choices=SpecialProcedure.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    expected_days = forms.IntegerField(label=_("Expected length (working days)"), min_value=1, max_value=365)


class ResumeForm(WorkForm):
    pass


class ExtensionForm(WorkForm):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(WorkForm):
    approve = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Deny"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required for a denial)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("approve") == "no" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A denial needs a written reason."))
        return data


class ResultForm(WorkForm):
    licence_number = forms.CharField(label=_("Licence number"), required=False, max_length=60)
    document = forms.FileField(label=_("Decision document"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("licence_number") or "").strip() and not data.get("document"):
            raise ValidationError(_("Give the licence number or upload the document."))
        return data


class DeliverForm(WorkForm):
    method = forms.CharField(label=_("Delivery method"), max_length=60)
    fee_charged = forms.DecimalField(
        label=_("Fee charged (yuan)"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )


class JointForm(WorkForm):
    departments = forms.ModelMultipleChoiceField(
        label=_("Co-departments"), queryset=Department.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    limit_days = forms.IntegerField(label=_("Their limit (working days)"), min_value=1, max_value=365)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = (
            Department.objects.filter(is_active=True)
            .exclude(kind=Department.Kind.WINDOW)
            .exclude(pk=case.department_id)
            .order_by("sort_order", "name")
        )


class OpinionForm(WorkForm):
    agreed = forms.ChoiceField(label=_("Does your department agree?"), choices=YES_NO, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(WorkForm):
    approve = forms.ChoiceField(
        label=_("Decision"), choices=[("yes", _("Approve")), ("no", _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note (required for a rejection)"), required=False, max_length=300)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("approve") == "no" and not (data.get("note") or "").strip():
            self.add_error("note", _("A rejection needs a note."))
        return data
