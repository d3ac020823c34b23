"""Forms of the complaints pages. They parse input; the services decide."""

from __future__ import annotations

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints import captcha
from complaints.models import (
    Category,
    ComplaintChannel,
    Finding,
    RatingLevel,
    ResponseTemplate,
    Sanction,
)
from efficiency_portal.accounts.forms import BootstrapFormMixin
from efficiency_portal.org.models import Department, Staff

LEVEL_CHOICES = [(str(value), label) for value, label in RatingLevel.choices]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (unknown fields go to the top)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class _OptionsOnly:
    """A radio or checkbox group whose class (and aria-invalid) go to each option, not to the group's wrapper."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for key in ("class", "aria-invalid"):
            context["widget"]["attrs"].pop(key, None)
        return context


class GroupedRadioSelect(_OptionsOnly, forms.RadioSelect):
    pass


class GroupedCheckboxes(_OptionsOnly, forms.CheckboxSelectMultiple):
    pass


class CitizenFormMixin(BootstrapFormMixin):
    """Bootstrap classes on the citizens' forms (so the larger-text rules apply). The options of a radio or
    checkbox group sit in their labels, not in .form-check boxes: they are kept inline there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):  # CheckboxSelectMultiple too
                field.widget.attrs["class"] = "form-check-input float-none ms-0 me-2"


class FilingForm(CitizenFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("What is the complaint about?"),
        choices=[("", _("Please choose")), *list(Category.choices)],
        error_messages={"required": _("Please choose what the complaint is about.")},
    )
    department = forms.ModelChoiceField(
        label=_("Which department?"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "name"),
        error_messages={
            "required": _("Please choose the department."),
            "invalid_choice": _("Please choose a department that exists."),
        },
    )
    staff_name = forms.CharField(
        label=_("Name or staff number of the person (if you know it)"), max_length=50, required=False
    )
    case = forms.TypedChoiceField(
        label=_("Which of your applications? (optional)"), required=False, coerce=int, empty_value=None
    )
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Please tell us what happened.")},
    )
    happened_on = forms.DateField(
        label=_("When did it happen?"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Where did it happen?"), max_length=200, required=False)
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 5 files; the type is checked from the content."),
    )
    anonymous = forms.BooleanField(
        label=_("Complain without giving my name"),
        required=False,
        help_text=_(
            "Anonymous complaints are handled too, but we cannot contact you; keep the tracking number and secret "
            "to read the reply."
        ),
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        required=False,
        help_text=_("A mobile number, or a landline with its area code (0571-88886666)."),
    )
    email = forms.EmailField(label=_("Your e-mail"), required=False)
    send_secret = forms.BooleanField(label=_("Send me the tracking number and secret by SMS or e-mail"), required=False)
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha_answer = forms.CharField(label=_("Please solve this sum"), max_length=5, required=False)

    def __init__(self, *args, cases=None, need_captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.need_captcha = need_captcha
        if not self.is_bound:
            self.initial.setdefault("form_token", secrets.token_urlsafe(24))
        self.fields["case"].choices = [("", _("None"))] + [
            (case.pk, f"{case.tracking_code} {case.item.name}") for case in (cases or [])
        ]
        if not cases:
            del self.fields["case"]
        self.captcha_question = ""
        if need_captcha:
            question, token = captcha.new_challenge()
            self.captcha_question = question
            self.fields["captcha_answer"].label = _("Please solve this sum: %(q)s") % {"q": question}
            self.fields["captcha_answer"].required = True
            self.initial["captcha_token"] = token
            if self.is_bound:
                data = self.data.copy()
                self.submitted_captcha_token = data.get("captcha_token", "")
                data["captcha_token"] = token
                self.data = data
        else:
            del self.fields["captcha_token"]
            del self.fields["captcha_answer"]

    def clean_phone(self) -> str:
        from complaints.services.filing import normalise_phone

        return normalise_phone(self.cleaned_data.get("phone") or "")

    def clean(self):
        cleaned = super().clean()
        if self.need_captcha and not captcha.check(
            getattr(self, "submitted_captcha_token", ""), cleaned.get("captcha_answer", "")
        ):
            self.add_error("captcha_answer", _("The answer to the sum is not right; please try the new one."))
        if not cleaned.get("anonymous") and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Please give your name, or tick “without giving my name”."))
        return cleaned

    def staff(self) -> Staff | None:
        wanted = (self.cleaned_data.get("staff_name") or "").strip()
        department = self.cleaned_data.get("department")
        if not wanted or department is None:
            return None
        return (
            Staff.objects.filter(department=department, is_active=True).filter(models_q(wanted)).order_by("pk").first()
        )


def models_q(wanted: str):
    from django.db.models import Q

    return Q(name=wanted) | Q(employee_no=wanted)


class IntakeForm(FilingForm):
    channel = forms.ChoiceField(
        label=_("How did the complaint come in?"),
        choices=[
            (ComplaintChannel.HOTLINE, ComplaintChannel.HOTLINE.label),
            (ComplaintChannel.LETTER, ComplaintChannel.LETTER.label),
            (ComplaintChannel.WALK_IN, ComplaintChannel.WALK_IN.label),
        ],
    )


class TrackForm(CitizenFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking number"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=40, widget=forms.PasswordInput(render_value=False))


class RateHandlingForm(CitizenFormMixin, forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=GroupedRadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(CitizenFormMixin, forms.Form):
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        help_text=_("PDF, JPEG or PNG; the type is checked from the content."),
        error_messages={"required": _("Please choose at least one file.")},
    )


class ReopenForm(CitizenFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why are you not satisfied?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    transfer_to = forms.CharField(label=_("Send on to (competent authority, optional)"), max_length=200, required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class AssignForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from efficiency_portal.org.models import Role

        self.fields["supervisor"].queryset = (
            get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True).order_by("pk")
        )


class HandForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True).order_by("sort_order", "name")
    )
    instructions = forms.CharField(
        label=_("Instructions"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class StaffChoiceField(forms.CharField):
    """A civil servant typed or picked from the page's list (employee number, or a name that is unique among
    the active staff). The list is a <datalist>: searchable without any script."""

    default_error_messages = {
        "unknown": _("No active civil servant has this employee number or name."),
        "ambiguous": _("Several civil servants have this name; please give the employee number."),
    }

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        number = value.split(" ", 1)[0]
        found = Staff.objects.filter(is_active=True, employee_no=number).select_related("department").first()
        if found is not None:
            return found
        named = list(Staff.objects.filter(is_active=True, name=value).select_related("department")[:2])
        if len(named) == 1:
            return named[0]
        raise ValidationError(self.error_messages["ambiguous" if named else "unknown"])


class SanctionLineForm(forms.Form):
    """One line of a finding: a civil servant OR a department, and its own sanction."""

    staff = StaffChoiceField(
        label=_("Civil servant"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={"list": "finding-staff-list", "autocomplete": "off", "class": "form-control form-control-sm"}
        ),
        help_text=_("Employee number or name"),
    )
    department = forms.ModelChoiceField(
        label=_("or department"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "name"),
        required=False,
        error_messages={"invalid_choice": _("Please choose a department that exists.")},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    sanction = forms.ChoiceField(
        label=_("Sanction"),
        choices=[("", "—"), *list(Sanction.choices)],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        staff, department, sanction = cleaned.get("staff"), cleaned.get("department"), cleaned.get("sanction")
        if self.errors:
            return cleaned
        if staff is not None and department is not None:
            raise ValidationError(_("A line names a civil servant or a department, not both: use two lines."))
        if (staff is not None or department is not None) and not sanction:
            self.add_error("sanction", _("Please choose the sanction."))
        if sanction and staff is None and department is None:
            raise ValidationError(_("Please name the civil servant or the department this sanction is for."))
        return cleaned

    def sanction_input(self):
        from complaints.services.handling import SanctionInput

        data = self.cleaned_data
        if not data.get("sanction"):
            return None
        return SanctionInput(data["sanction"], staff=data.get("staff"), department=data.get("department"))


SANCTION_LINES = 4
MORE_LINES = 3

SanctionLineFormSet = forms.formset_factory(SanctionLineForm, extra=SANCTION_LINES, max_num=30, absolute_max=30)


class FindingForm(forms.Form):
    """The finding, its grounds, and as many sanction lines as needed (a formset under the prefix
    ``sanction``): 推诿扯皮 between two departments is two department lines."""

    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Grounds"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, complaint=None, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        if lines is not None:
            self.lines = lines
        else:
            self.lines = SanctionLineFormSet(self.data if self.is_bound else None, prefix="sanction")

    @classmethod
    def with_more_lines(cls, data, *, complaint=None, prefix: str = "finding") -> FindingForm:
        """The form as posted, unbound (no errors shown yet), with MORE_LINES empty lines added."""
        finding_initial = {name: data.get(f"{prefix}-{name}", "") for name in ("finding", "text")}
        try:
            total = min(int(data.get("sanction-TOTAL_FORMS", SANCTION_LINES)), 30)
        except (TypeError, ValueError):
            total = SANCTION_LINES
        initial = [
            {name: data.get(f"sanction-{index}-{name}", "") for name in ("staff", "department", "sanction")}
            for index in range(total)
        ]
        formset_class = forms.formset_factory(SanctionLineForm, extra=MORE_LINES, max_num=30, absolute_max=30)
        lines = formset_class(initial=initial, prefix="sanction")
        return cls(initial=finding_initial, complaint=complaint, lines=lines, prefix=prefix)

    def is_valid(self) -> bool:
        form_ok = super().is_valid()
        lines_ok = self.lines.is_valid()
        return form_ok and lines_ok

    def sanctions(self) -> list:
        return [item for form in self.lines.forms if (item := form.sanction_input()) is not None]


class ReplyForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=ResponseTemplate.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("This template does not exist (any more).")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    text = forms.CharField(label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None:
            # The templates of the complaint's category first, then the general ones; others are not offered.
            from django.db.models import Case, IntegerField, Q, Value, When

            self.fields["template"].queryset = (
                ResponseTemplate.objects.filter(Q(category="") | Q(category=complaint.category))
                .annotate(own=Case(When(category="", then=Value(1)), default=Value(0), output_field=IntegerField()))
                .order_by("own", "title")
            )

    @classmethod
    def from_template(cls, data, *, complaint=None, prefix: str = "reply") -> tuple[ReplyForm, bool]:
        """The reply form pre-filled with the chosen template's text (unbound, so nothing is sent yet);
        the flag says whether a template was found."""
        offered = cls(complaint=complaint, prefix=prefix).fields["template"].queryset
        template = offered.filter(pk=_int(data.get(f"{prefix}-template"))).first()
        if template is None:
            return cls(initial={"text": data.get(f"{prefix}-text", "")}, complaint=complaint, prefix=prefix), False
        return cls(initial={"template": template.pk, "text": template.body}, complaint=complaint, prefix=prefix), True


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RateServiceForm(CitizenFormMixin, forms.Form):
    level = forms.TypedChoiceField(label=_("Overall"), choices=LEVEL_CHOICES, coerce=int, widget=GroupedRadioSelect)
    service_level = forms.TypedChoiceField(
        label=_("The service"), choices=[("", "—"), *LEVEL_CHOICES], coerce=int, required=False, empty_value=None
    )
    window_level = forms.TypedChoiceField(
        label=_("The window"), choices=[("", "—"), *LEVEL_CHOICES], coerce=int, required=False, empty_value=None
    )
    tags = forms.MultipleChoiceField(
        label=_("What stood out"),
        required=False,
        widget=GroupedCheckboxes,
        choices=[(t, t) for t in ("办事快", "态度好", "一次办好", "等待久", "态度差", "多次跑腿", "告知不清")],
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateWindowForm(RateServiceForm):
    department = forms.ModelChoiceField(
        label=_("Which window or department?"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "name"),
    )
    handler = forms.ModelChoiceField(
        label=_("Who served you? (optional)"),
        queryset=Staff.objects.none(),
        required=False,
        empty_label=_("I do not know / rather not say"),
    )

    field_order = ["department", "handler", "level", "window_level", "tags", "comment"]

    def __init__(self, *args, department: Department | None = None, **kwargs):
        """``department``: the window the visitor came from; its staff are offered as the handler."""
        if department is not None:
            kwargs.setdefault("initial", {}).setdefault("department", department.pk)
        super().__init__(*args, **kwargs)
        del self.fields["service_level"]
        if department is None:
            del self.fields["handler"]
        else:
            self.fields["handler"].queryset = Staff.objects.filter(department=department, is_active=True).order_by(
                "name", "pk"
            )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this rating malicious?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealDecisionForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("Set the rating aside")), ("0", _("The rating stands"))],
    )
    decision = forms.CharField(label=_("Grounds"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
