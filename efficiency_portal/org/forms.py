"""Forms parse input only; the rules live in services and come back as field errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import AwayNotice, Department, Post, Staff

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name} · {obj.department.short_name or obj.department.name}"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's field errors next to the form's fields (the rest above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field_name, messages in error.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, messages)


class BootstrapMixin:
    """Bootstrap classes on every widget, and the invalid state on fields with errors."""

    def style_fields(self) -> None:
        for name, bound_field in self.fields.items():
            widget = bound_field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()
        self.style_fields()


class AwayNoticeForm(BootstrapMixin, forms.Form):
    staff = StaffChoiceField(label=_("Who is away"), queryset=Staff.objects.none(), empty_label=None)
    reason = forms.ChoiceField(label=_("Reason"), choices=AwayNotice.Reason.choices)
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
    )
    destination = forms.CharField(
        label=_("Where (shown to colleagues, not on the public board)"), max_length=100, required=False
    )
    note = forms.CharField(label=_("Note (private)"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["staff"].queryset = selectors.registrable_staff(user)
        if self.fields["staff"].queryset.count() <= 1:
            self.fields["staff"].widget = forms.HiddenInput()
        if not self.is_bound and getattr(user, "staff", None) is not None:
            self.initial.setdefault("staff", user.staff.pk)
        self.fields["ends_at"].help_text = _(
            "An absence from your post of more than %(minutes)d minutes must be registered; "
            "shorter ones may be registered too."
        ) % {"minutes": services.min_minutes()}
        self.style_fields()

    def save(self) -> AwayNotice | None:
        """Register through the service; on refusal the errors land on the form and None is returned."""
        data = self.cleaned_data
        try:
            return services.register_away_notice(
                data["staff"],
                reason=data["reason"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                destination=data["destination"],
                note=data["note"],
                actor=self.user,
            )
        except ValidationError as error:
            apply_service_errors(self, error)
        except PermissionDenied as error:
            self.add_error("staff", str(error))
        self.style_fields()
        return None


class PostForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Post"), max_length=80)
    duties = forms.CharField(label=_("Duties"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    holder = StaffChoiceField(label=_("A post holder"), queryset=Staff.objects.none())
    backup = StaffChoiceField(label=_("B post (stands in when A is away)"), queryset=Staff.objects.none())

    def __init__(self, *args, department: Department, user, post: Post | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.department, self.user, self.post = department, user, post
        candidates = (
            Staff.objects.filter(department_id__in=selectors.post_unit_ids(department), is_active=True)
            .select_related("department")
            .order_by("department__sort_order", "name")
        )
        self.fields["holder"].queryset = candidates
        self.fields["backup"].queryset = candidates
        if post is not None and not self.is_bound:
            self.initial.update(
                {"name": post.name, "duties": post.duties, "holder": post.holder_id, "backup": post.backup_id}
            )
        self.style_fields()

    def save(self) -> Post | None:
        data = self.cleaned_data
        try:
            return services.assign_post(
                self.department,
                data["name"],
                data["holder"],
                data["backup"],
                duties=data["duties"],
                post=self.post,
                must_be_new=self.post is None,
                actor=self.user,
            )
        except ValidationError as error:
            apply_service_errors(self, error)
        self.style_fields()
        return None
