"""Forms of supervised tasks: assigning, reporting progress, closing out, returning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department, Staff

from .models import TaskKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.SelectMultiple, forms.Select)):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.FileInput):
            widget.attrs.setdefault("class", "form-control")


class AssignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial=TaskKind.OTHER)
    description = forms.CharField(label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 4}))
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    responsible = forms.ModelChoiceField(
        label=_("Responsible person (in the lead department)"), queryset=Staff.objects.none()
    )
    co_departments = forms.ModelMultipleChoiceField(
        label=_("Co-departments"), queryset=Department.objects.none(), required=False
    )
    limit_days = forms.IntegerField(label=_("Time limit (working days)"), min_value=1, max_value=750, initial=20)
    is_public = forms.BooleanField(label=_("Show on the public disclosure pages"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True).order_by("sort_order", "name")
        self.fields["lead_department"].queryset = departments
        self.fields["co_departments"].queryset = departments
        self.fields["responsible"].queryset = (
            Staff.objects.filter(is_active=True).select_related("department").order_by("department__sort_order", "name")
        )
        self.fields["responsible"].label_from_instance = lambda s: f"{s.name} · {s.department.name}"
        _style(self)


class ReportForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Reporting for"), queryset=Department.objects.none(), empty_label=None)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    files = MultipleFileField(label=_("Attachments (PDF, JPEG, PNG)"), required=False)
    asks_close_out = forms.BooleanField(
        label=_("Done: ask the supervisor to close it out (co-departments: our part is done)"), required=False
    )

    def __init__(self, *args, departments: list[Department], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
        if departments:
            self.fields["department"].initial = departments[0].pk
        _style(self)


class CloseOutForm(forms.Form):
    note = forms.CharField(label=_("Acceptance opinion"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What is still missing"), max_length=500)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=250)
    reason = forms.CharField(label=_("Why the extension is granted"), max_length=500)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "extend")
        super().__init__(*args, **kwargs)
        _style(self)


class PublicNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Progress summary for the public"),
        max_length=300,
        required=False,
        help_text=_("Shown on the public disclosure pages. No names or personal data."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .models import TaskStatus

        self.fields["status"].choices = [("", _("All")), *list(TaskStatus.choices)]
        self.fields["kind"].choices = [("", _("All")), *list(TaskKind.choices)]
        _style(self)
