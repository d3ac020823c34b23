"""Forms of the credit pages: they only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models import CreditRule, ObjectionOutcome, RuleKind, Source
from credit.services.rules import check_rule
from efficiency_portal.org.models import Department, Staff


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ManualEntryForm(forms.Form):
    staff = forms.ModelChoiceField(
        label=_("Civil servant"), queryset=Staff.objects.filter(is_active=True), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    rule = forms.ModelChoiceField(label=_("Rule"), queryset=CreditRule.objects.filter(is_active=True))
    points = forms.IntegerField(label=_("Points"), required=False, help_text=_("Leave empty to use the rule's points."))
    fact_date = forms.DateField(label=_("Date of the fact"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.MANUAL)
    detail = forms.CharField(
        label=_("Description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A neutral description of the fact; never the name or contact of a complainant."),
    )
    evidence = MultipleFileField(label=_("Evidence"))

    def clean(self):
        data = super().clean()
        if bool(data.get("staff")) == bool(data.get("department")):
            raise forms.ValidationError(_("Choose either one civil servant or one department."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    reasons = forms.CharField(label=_("Your reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    papers = MultipleFileField(label=_("Supporting papers"))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class RuleForm(forms.ModelForm):
    class Meta:
        model = CreditRule
        fields = [
            "code",
            "name",
            "kind",
            "points",
            "downgrade_to",
            "validity_years",
            "for_staff",
            "for_departments",
            "is_active",
            "sort_order",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "code" in self.fields:
            # Entries and other apps find a rule by its code: it is fixed once the rule exists.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Fixed once the rule exists.")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RuleKind.DOWNGRADE and not data.get("downgrade_to"):
            self.add_error("downgrade_to", _("A direct downgrade names the grade it imposes."))
        if kind and kind != RuleKind.DOWNGRADE and data.get("downgrade_to"):
            self.add_error("downgrade_to", _("Only a direct downgrade imposes a grade."))
        return data

    def _post_clean(self):
        super()._post_clean()
        try:
            check_rule(self.instance)
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages)


def today():
    return timezone.localdate()
