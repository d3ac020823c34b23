"""Application cases (办件): intake, materials, the one-time notice, steps, joint departments and the event trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from efficiency_portal.common.storage import private_storage
from efficiency_portal.org.models import Department

from .catalogue import Item, ItemMaterial, ItemStep


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a service window")
    PHONE = "phone", _("By phone")
    MAIL = "mail", _("By mail")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting pre-review")
    SUPPLEMENT = "supplement", _("Waiting for missing materials")
    ACCEPTED = "accepted", _("Accepted")
    PROCESSING = "processing", _("Being processed")
    PAUSED = "paused", _("Paused for a special procedure")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    DELIVERED = "delivered", _("Result delivered")
    REFUSED = "refused", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


OPEN_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.SUPPLEMENT,
    CaseStatus.ACCEPTED,
    CaseStatus.PROCESSING,
    CaseStatus.PAUSED,
)


class Case(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="cases"
    )
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    # Only a hash is kept: the secret is shown once to the applicant, like a password.
    tracking_secret_hash = models.CharField(_("tracking secret (hash)"), max_length=128)
    # The form's one-time token (or an API client's key) scoped to its sender: sent twice, it creates one case.
    submission_key = models.CharField(_("submission key"), max_length=64, null=True, blank=True, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20)
    applicant_email = models.EmailField(_("applicant's e-mail"), blank=True, default="")
    enterprise_name = models.CharField(_("enterprise"), max_length=150, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    first_receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first receiver (首问负责人)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_first_received",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler (承办人)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_handled",
    )
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    materials_complete_at = models.DateTimeField(_("materials complete at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    auto_accepted = models.BooleanField(
        _("accepted by law"),
        default=False,
        help_text=_("No decision or notice within the pre-review window: accepted from the day the materials came."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True, default="")
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True, default="")
    result_document = models.FileField(
        _("result document"), upload_to="cases/results/%Y/%m/", storage=private_storage, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=60, blank=True, default="")
    fee_charged = models.DecimalField(_("fee charged (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    is_joint = models.BooleanField(_("joint approval (并联审批)"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["handler", "status"], name="approvals_case_handler"),
            models.Index(fields=["department", "status", "submitted_at"], name="approvals_case_dept"),
            models.Index(fields=["applicant", "-submitted_at"], name="approvals_case_applicant"),
            # The daily figures are rebuilt per day of receipt, acceptance and decision.
            models.Index(fields=["submitted_at"], name="approvals_case_submitted"),
            models.Index(fields=["accepted_at"], name="approvals_case_accepted"),
            models.Index(fields=["decided_at"], name="approvals_case_decided"),
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="submitted"),
                name="approvals_case_prereview",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.item}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseMaterial(models.Model):
    """A file handed in for a case; stored outside the web root and served only through a checked view."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        ItemMaterial, verbose_name=_("material"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="cases/materials/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    round = models.PositiveSmallIntegerField(_("submission round"), default=1)

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        ordering = ["case", "round", "id"]

    def __str__(self) -> str:
        return self.original_name


class SupplementNotice(models.Model):
    """一次性告知: one notice listing everything missing, issued within the pre-review window."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notices")
    missing = models.ManyToManyField(ItemMaterial, verbose_name=_("missing materials"), blank=True, related_name="+")
    note = models.TextField(_("what is missing and how to fix it"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    supplemented_at = models.DateTimeField(_("supplemented at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice of missing materials (一次性告知)")
        verbose_name_plural = _("notices of missing materials")
        ordering = ["case", "issued_at"]

    def __str__(self) -> str:
        return f"{self.case.tracking_code} {self.issued_at:%Y-%m-%d}"


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")


class CaseStep(models.Model):
    """A case's run through one step of its item's procedure; its clock is a supervision Deadline."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(ItemStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True, on_delete=models.PROTECT
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True, default="")

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["case", "step__sort_order"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="approvals_casestep_unique")]

    def __str__(self) -> str:
        return f"{self.case.tracking_code} · {self.step.name}"


class CaseDepartment(models.Model):
    """并联审批: the lead department and each co-department run their own clock under the case's overall clock."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="joint_parts")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT)
    is_lead = models.BooleanField(_("lead department"), default=False)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True, on_delete=models.PROTECT
    )
    limit_days = models.PositiveSmallIntegerField(_("limit (working days)"))
    opinion = models.TextField(_("opinion"), blank=True, default="")
    agreed = models.BooleanField(_("agrees"), null=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint department")
        verbose_name_plural = _("joint departments")
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="approvals_joint_unique"),
            models.UniqueConstraint(fields=["case"], condition=Q(is_lead=True), name="approvals_joint_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.case.tracking_code} · {self.department}"


class CaseEvent(models.Model):
    """全程留痕: every action on a case. ``public_text`` is what the applicant reads; ``note`` stays internal."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=12, blank=True, default="")
    at = models.DateTimeField(_("at"))
    public_text = models.CharField(_("what the applicant is told"), max_length=500, blank=True, default="")
    note = models.TextField(_("internal note"), blank=True, default="")

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="approvals_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the leader in charge")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExtensionRequest(models.Model):
    """A request to extend a case (up to the statutory limit + 10 working days), approved by the leader in charge."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="approvals_one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.tracking_code} +{self.days}"
