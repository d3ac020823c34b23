"""Forms of intake: applying online and at the window, tracking, supplementing, pre-review decisions."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from approvals.models import Channel, Item, ItemMaterial


def material_field_name(material: ItemMaterial) -> str:
    return f"material_{material.pk}"


def _material_field(material: ItemMaterial, *, required: bool) -> forms.FileField:
    label = material.name
    if material.required:
        label = _("%(name)s (required)") % {"name": material.name}
    # Required-ness is checked by the service, which knows the channel; the browser only marks it.
    field = forms.FileField(label=label, required=False, help_text=material.description)
    field.widget.attrs.update({"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"})
    if required:
        field.widget.attrs["required"] = "required"
    field.widget.attrs["data-material"] = str(material.pk)
    return field


class _Styled:
    def _style(self) -> None:
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.FileInput | forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-control")


class ApplyForm(_Styled, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=100)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20)
    applicant_email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    enterprise_name = forms.CharField(label=_("Enterprise (if applying for one)"), max_length=150, required=False)

    def __init__(self, *args, item: Item, online: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.materials = list(item.materials.all())
        for material in self.materials:
            self.fields[material_field_name(material)] = _material_field(
                material, required=online and material.required
            )
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)
        self._style()

    def clean_applicant_phone(self) -> str:
        phone = self.cleaned_data["applicant_phone"].strip()
        digits = [ch for ch in phone if ch.isdigit()]
        if len(digits) < 7 or any(not (ch.isdigit() or ch in "+- ") for ch in phone):
            raise ValidationError(_("Please give a phone number of digits (at least 7)."))
        return phone

    def files_by_material(self) -> dict[int, list]:
        result: dict[int, list] = {}
        for material in self.materials:
            upload = self.cleaned_data.get(material_field_name(material))
            if upload:
                result[material.pk] = [upload]
        return result

    def material_fields(self) -> list:
        return [self[material_field_name(m)] for m in self.materials]

    def contact_fields(self) -> list:
        return [self[name] for name in ("applicant_name", "applicant_phone", "applicant_email", "enterprise_name")]


class WindowIntakeForm(ApplyForm):
    channel = forms.ChoiceField(
        label=_("How the application came"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.ONLINE],
        initial=Channel.WINDOW,
    )

    def __init__(self, *args, item: Item, **kwargs) -> None:
        super().__init__(*args, item=item, online=False, **kwargs)

    def contact_fields(self) -> list:
        return [self["channel"], *super().contact_fields()]


class TrackForm(_Styled, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    proof = forms.CharField(
        label=_("Secret or the applicant's phone"),
        max_length=40,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The secret you were given when you applied, or the phone number on the application."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class SupplementForm(forms.Form):
    def __init__(self, *args, missing: list[ItemMaterial], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.missing = missing
        for material in missing:
            self.fields[material_field_name(material)] = _material_field(material, required=True)

    def files_by_material(self) -> dict[int, list]:
        return {
            m.pk: [self.cleaned_data[material_field_name(m)]]
            for m in self.missing
            if self.cleaned_data.get(material_field_name(m))
        }


class RefuseForm(_Styled, forms.Form):
    reason = forms.CharField(label=_("Reason for not accepting"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class NoticeForm(_Styled, forms.Form):
    missing = forms.ModelMultipleChoiceField(
        label=_("Missing materials"), queryset=ItemMaterial.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("What is missing and how to put it right"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item: Item, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missing"].queryset = item.materials.all()
        self._style()


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to the matching fields; the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)
