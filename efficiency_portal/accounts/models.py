from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .validators import validate_credit_code

mainland_mobile = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number."))


class User(AbstractUser):
    """Anyone who signs in: staff (linked to org.Staff) or a citizen/enterprise user."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CITIZEN = "citizen", _("Citizen")
        ENTERPRISE = "enterprise", _("Enterprise")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, default="", validators=[mainland_mobile])
    display_name = models.CharField(_("display name"), max_length=64, blank=True, default="")
    # Filled for enterprise users only: the enterprise they act for.
    enterprise_name = models.CharField(_("enterprise name"), max_length=200, blank=True, default="")
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, default="", validators=[validate_credit_code]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="accounts_user_phone_unique"),
            # An e-mail address is a login, so it must point at one user whatever its case.
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)
