"""Forms of the catalogue pages: search, the item's guide, one material, the steps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from approvals.models import Item, StepCode, Topic
from efficiency_portal.org.models import Department

TEXT_INPUT = {"class": "form-control"}
SEARCH_PLACEHOLDER = _("For example: start a company, business licence, subsistence allowance, birth certificate")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.filter(is_active=True),
        empty_label=_("All departments"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all(), empty_label=_("All topics")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "type": "search", "placeholder": SEARCH_PLACEHOLDER, "maxlength": "100"}
        )
        self.fields["department"].widget.attrs["class"] = "form-select"
        self.fields["topic"].widget.attrs["class"] = "form-select"


def bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class ItemForm(forms.ModelForm):
    """The guide's fields; the rules that tie fields together live in the service and come back as field errors."""

    class Meta:
        model = Item
        fields = [
            "department",
            "code",
            "name",
            "topic",
            "kind",
            "summary",
            "legal_basis",
            "procedure",
            "conditions",
            "fee_amount",
            "fee_standard",
            "fee_basis",
            "statutory_limit_days",
            "promised_limit_days",
            "complaint_channel",
            "window_address",
            "online",
            "supplement_mode",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "procedure": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments
        bootstrap(self)

    def clean(self):
        data = super().clean()
        from django.db.models import Sum

        from approvals.services.catalogue import validate_item_values

        steps_total = 0
        if self.instance.pk:
            steps_total = self.instance.steps.aggregate(total=Sum("limit_days"))["total"] or 0
        values = dict(data)
        if values.get("kind") == "instant" and values.get("promised_limit_days") is None:
            values["promised_limit_days"] = 0
        try:
            # Field errors here also keep the model's check constraint from adding a vaguer message.
            validate_item_values(values, steps_total=steps_total)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    for message in messages:
                        self.add_error(field, message)
        return data


class MaterialForm(forms.Form):
    name = forms.CharField(label=_("Material"), max_length=150)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    sample = forms.FileField(
        label=_("Sample or template"), required=False, help_text=_("PDF, JPEG or PNG; checked by its content.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class StepForm(forms.Form):
    code = forms.ChoiceField(label=_("Step"), choices=[("", "---------"), *StepCode.choices], required=False)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    limit_days = forms.IntegerField(label=_("Limit (working days)"), min_value=0, max_value=365, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("code") and data.get("limit_days") is None and "limit_days" not in self.errors:
            self.add_error("limit_days", _("Give the step's limit."))
        if not data.get("code") and data.get("limit_days") is not None:
            self.add_error("code", _("Choose the step."))
        return data


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        codes = [form.cleaned_data.get("code") for form in self.forms if form.cleaned_data.get("code")]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("Each step appears once."))


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=0, max_num=len(StepCode.values))
