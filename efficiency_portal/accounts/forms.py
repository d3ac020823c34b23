from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import User, mainland_mobile
from .validators import normalise_credit_code, validate_credit_code


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on those with errors after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Username, phone or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The login or password is not correct. Note that the password is case-sensitive."),
    }


def clean_phone_value(value: str) -> str:
    phone = value.strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone:
        mainland_mobile(phone)
    return phone


class ContactFieldsMixin:
    """Phone and e-mail: at least one, each unique among users (e-mail regardless of case)."""

    instance_pk: int | None = None

    def clean_phone(self) -> str:
        phone = clean_phone_value(self.cleaned_data.get("phone", ""))
        if phone and selectors.login_taken(phone, exclude_pk=self.instance_pk):
            raise forms.ValidationError(
                _("This mobile number is already registered. Sign in with it, or use another number."),
                code="phone_taken",
            )
        return phone

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "").strip()
        if email and selectors.login_taken(email, exclude_pk=self.instance_pk):
            raise forms.ValidationError(
                _("This e-mail address is already registered. Sign in with it, or use another address."),
                code="email_taken",
            )
        return email

    def require_phone_or_email(self, cleaned: dict) -> None:
        if "phone" in cleaned and "email" in cleaned and not cleaned["phone"] and not cleaned["email"]:
            raise forms.ValidationError(
                _("Give a mobile number or an e-mail address (or both): you sign in with it."),
                code="no_contact",
            )


class RegistrationForm(BootstrapFormMixin, ContactFieldsMixin, forms.Form):
    KIND_CHOICES = [
        (User.Kind.CITIZEN, _("Citizen (个人)")),
        (User.Kind.ENTERPRISE, _("Enterprise (企业)")),
    ]

    kind = forms.ChoiceField(
        label=_("I register as"), choices=KIND_CHOICES, initial=User.Kind.CITIZEN, widget=forms.RadioSelect
    )
    display_name = forms.CharField(label=_("Name"), max_length=64, help_text=_("Your name as it appears to staff."))
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("An 11-digit mainland mobile number."),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=200, required=False)
    # The length is checked with the check character, so that one message explains what is wrong.
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("18 characters, as on the business licence."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so that it is in the language of the request.
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        if code:
            validate_credit_code(code)
        return code

    def clean(self) -> dict:
        cleaned = super().clean()
        self.require_phone_or_email(cleaned)
        if cleaned.get("kind") == User.Kind.ENTERPRISE:
            if not cleaned.get("enterprise_name", "").strip() and "enterprise_name" not in self.errors:
                self.add_error("enterprise_name", _("An enterprise registers with its name."))
            if not cleaned.get("credit_code") and "credit_code" not in self.errors:
                self.add_error("credit_code", _("An enterprise registers with its unified social credit code."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            # Validate against a user built from what was typed, so "too similar to your name/phone" works.
            probe = User(
                username=cleaned.get("phone") or cleaned.get("email") or "",
                email=cleaned.get("email") or "",
                display_name=cleaned.get("display_name") or "",
                phone=cleaned.get("phone") or "",
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(BootstrapFormMixin, ContactFieldsMixin, forms.ModelForm):
    # Wider than the column: "+86 138-0000-0000" is accepted and normalised to 11 digits in clean_phone.
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("An 11-digit mainland mobile number."),
    )

    class Meta:
        model = User
        fields = ["display_name", "phone", "email"]
        labels = {"display_name": _("Name"), "email": _("E-mail")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance_pk = self.instance.pk
        self.fields["display_name"].required = True

    def clean(self) -> dict:
        cleaned = super().clean()
        # Staff sign in with their username; citizens and enterprises need a phone or an e-mail to sign in.
        if self.instance.kind != User.Kind.STAFF:
            self.require_phone_or_email(cleaned)
        return cleaned


class PortalPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass
