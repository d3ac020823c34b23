"""Forms of the card pages: the handler's explanation, the supervisor's review, talks and flagged refusals."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from approvals.models.cards import CardLevel, ExplanationStatus
from approvals.services.cards import MIN_EXPLANATION_CHARS
from efficiency_portal.org.models import Department


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so the templates stay plain."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class ExplanationForm(StyledForm):
    explanation = forms.CharField(
        label=_("Written explanation"),
        min_length=MIN_EXPLANATION_CHARS,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the case went wrong, and what you did or will do about it."),
    )


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the explanation")), ("reject", _("Send it back to the handler"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the explanation is sent back."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the explanation is not accepted."))
        return data


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class TalkHeldForm(StyledForm):
    note = forms.CharField(
        label=_("What was said and agreed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


MONTH_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Enter a month as YYYY-MM."))


def parse_month(value: str) -> dt.date:
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)


class ReviewFilterForm(StyledForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All")), *CardLevel.choices], required=False)
    month = forms.CharField(
        label=_("Month"), required=False, validators=[MONTH_VALIDATOR], widget=forms.TextInput(attrs={"type": "month"})
    )
    status = forms.ChoiceField(
        label=_("Explanation"),
        choices=[("", _("All")), *ExplanationStatus.choices],
        required=False,
        initial=ExplanationStatus.SUBMITTED,
    )

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month")
        return parse_month(value) if value else None


class MonthForm(StyledForm):
    month = forms.CharField(
        label=_("Month"), required=False, validators=[MONTH_VALIDATOR], widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month")
        return parse_month(value) if value else None
