"""Efficiency complaints: the complaint, its files, notes, events and the sanctions of its finding."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from efficiency_portal.common.storage import private_storage
from efficiency_portal.org.models import Department, Staff


class Category(models.TextChoices):
    BUCK_PASSING = "buck_passing", _("Passing the buck (推诿扯皮)")
    KICKBACKS = "kickbacks", _("Asking for favours or gifts (吃拿卡要)")
    RUDENESS = "rudeness", _("Rude attitude (态度粗暴)")
    ABSENT = "absent", _("Nobody at the post (空岗)")
    DELAY = "delay", _("Slow or late handling (办事拖拉/超时)")
    ILLEGAL_FEES = "illegal_fees", _("Unlawful fees (违规收费)")
    NOT_TOLD_AT_ONCE = "not_told_at_once", _("Not told everything at once (不一次性告知)")
    OTHER = "other", _("Other (其他)")


class ComplaintChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("In person")
    OPEN311 = "open311", _("Open311 client")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Not accepted")
    TRANSFERRED = "transferred", _("Sent on to the competent authority")
    INVESTIGATING = "investigating", _("Being investigated")
    WITH_DEPARTMENT = "with_department", _("Being investigated by the department")
    CONCLUDED = "concluded", _("Finding recorded")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# States in which a supervisor decides how the complaint is handled.
HANDLING_STATES = (ComplaintStatus.ACCEPTED, ComplaintStatus.REOPENED)
OPEN_STATES = (
    ComplaintStatus.SUBMITTED,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.WITH_DEPARTMENT,
    ComplaintStatus.CONCLUDED,
    ComplaintStatus.REOPENED,
)


class HandlingMode(models.TextChoices):
    SELF = "self", _("Handled by the supervision office (自办)")
    ASSIGNED = "assigned", _("Assigned to a supervisor (交办)")
    DEPARTMENT = "department", _("Handed to the department (转办)")


class Finding(models.TextChoices):
    UPHELD = "upheld", _("Upheld (属实)")
    PARTLY = "partly", _("Partly upheld (部分属实)")
    NOT_UPHELD = "not_upheld", _("Not upheld (不属实)")


UPHELD_FINDINGS = (Finding.UPHELD, Finding.PARTLY)


class Sanction(models.TextChoices):
    REMINDER = "reminder", _("Reminder (提醒)")
    ADMONITION = "admonition", _("Admonition (诫勉)")
    EFFICIENCY_CAUTION = "efficiency_caution", _("Efficiency caution (效能告诫)")
    PUBLIC_CRITICISM = "public_criticism", _("Public criticism (通报批评)")
    TRANSFER = "transfer", _("Transfer (调离)")
    DISMISSAL_PROPOSAL = "dismissal_proposal", _("Proposal of dismissal (辞退建议)")
    BONUS_WITHHELD = "bonus_withheld", _("Bonus withheld (扣发奖金)")


# The credit rule each sanction records (none for a withheld bonus).
SANCTION_CREDIT_RULES: dict[str, str] = {
    Sanction.REMINDER: "talk_reminder",
    Sanction.ADMONITION: "admonition",
    Sanction.EFFICIENCY_CAUTION: "efficiency_caution",
    Sanction.PUBLIC_CRITICISM: "public_criticism_1",
    Sanction.TRANSFER: "transfer",
    Sanction.DISMISSAL_PROPOSAL: "dismissal_proposal",
}


class ExtensionState(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking number"), max_length=20, unique=True)
    # Only a hash is kept: the secret is shown once, like a password.
    tracking_secret_hash = models.CharField(_("tracking secret (hash)"), max_length=128)
    # The filing form's one-time token: a reload, double click or retry finds this row instead of adding one.
    submission_key = models.CharField(_("submission key"), max_length=64, null=True, blank=True, unique=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=ComplaintChannel.choices, default=ComplaintChannel.ONLINE
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("complainant's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_filed",
    )
    # Encrypted with Fernet (see complaints/crypto.py); read only through the services that log the reveal.
    name_encrypted = models.TextField(_("complainant's name (encrypted)"), blank=True, default="")
    phone_encrypted = models.TextField(_("complainant's phone (encrypted)"), blank=True, default="")
    email_encrypted = models.TextField(_("complainant's e-mail (encrypted)"), blank=True, default="")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department complained about"), on_delete=models.PROTECT, related_name="complaints"
    )
    staff = models.ForeignKey(
        Staff,
        verbose_name=_("civil servant complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    case = models.ForeignKey(
        "approvals.Case",
        verbose_name=_("approval case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    description = models.TextField(_("what happened"))
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    place = models.CharField(_("where it happened"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.SUBMITTED
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for not accepting"), blank=True, default="")
    transferred_to = models.CharField(_("sent on to"), max_length=200, blank=True, default="")
    handling_mode = models.CharField(_("handling"), max_length=12, choices=HandlingMode.choices, blank=True, default="")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handling supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    investigating_department = models.ForeignKey(
        Department,
        verbose_name=_("investigating department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_investigated",
    )
    extension_state = models.CharField(
        _("extension"), max_length=10, choices=ExtensionState.choices, blank=True, default=""
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.CharField(_("reason for extension"), max_length=300, blank=True, default="")
    # Who asked for the extension: another supervisor must approve it.
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extension asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finding = models.CharField(_("finding"), max_length=12, choices=Finding.choices, blank=True, default="")
    finding_text = models.TextField(_("grounds of the finding"), blank=True, default="")
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    reply_text = models.TextField(_("reply to the complainant"), blank=True, default="")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    feedback_level = models.PositiveSmallIntegerField(_("complainant's rating"), null=True, blank=True)
    feedback_comment = models.CharField(_("complainant's comment"), max_length=500, blank=True, default="")
    feedback_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reopen_count__lte=1), name="complaints_reopen_once"),
        ]
        indexes = [
            models.Index(fields=["status", "-received_at", "-id"], name="complaints_status_recv"),
            models.Index(fields=["department", "received_at"], name="complaints_dept_recv"),
            models.Index(fields=["investigating_department", "status"], name="complaints_invest_dept"),
            models.Index(fields=["concluded_at"], name="complaints_concluded"),
            models.Index(fields=["complainant", "-received_at"], name="complaints_complainant"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class ComplaintFinding(Complaint):
    """The same complaint seen as its finding: the neutral page the people and departments at fault may read
    (no complainant, no evidence). Credit entries and other apps' links point here, not to the office's page."""

    class Meta:
        proxy = True
        verbose_name = _("complaint finding")
        verbose_name_plural = _("complaint findings")

    def get_absolute_url(self) -> str:
        return reverse("complaints:finding", args=[self.pk])


class ComplaintAttachment(models.Model):
    """Evidence; stored outside the web root and served only through a checked view."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["complaint", "id"]

    def __str__(self) -> str:
        return self.original_name


class NoteKind(models.TextChoices):
    NOTE = "note", _("Investigation note")
    REPORT = "report", _("Department's report")
    RETURN = "return", _("Returned by the department (退单)")
    INSTRUCTIONS = "instructions", _("Instructions to the department")


class ComplaintNote(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NoteKind.choices, default=NoteKind.NOTE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("investigation note")
        verbose_name_plural = _("investigation notes")
        ordering = ["complaint", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


def _status_label(code: str) -> str:
    return str(ComplaintStatus(code).label) if code in ComplaintStatus.values else code


# What the office reads in a complaint's history for each ``ComplaintEvent.action``.
EVENT_LABELS: dict[str, str] = {
    "filed": _("Filed"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "handle_self": _("Handled by the office"),
    "assigned": _("Assigned to a supervisor"),
    "handed_to_department": _("Handed to the department"),
    "returned": _("Returned by the department"),
    "department_reported": _("Department reported"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_rejected": _("Extension rejected"),
    "concluded": _("Finding recorded"),
    "replied": _("Replied"),
    "rated": _("Rated by the complainant"),
    "reopened": _("Reopened"),
    "sanction_withdrawn": _("Sanction withdrawn by the new finding"),
    "evidence_added": _("Evidence added by the complainant"),
}


class ComplaintEvent(models.Model):
    """Every action on a complaint. ``public_text`` is what the complainant reads; ``note`` stays internal.

    ``public_text`` holds the untranslated (English) message and ``public_params`` its placeholders, so the
    complainant reads it in their own language whatever language the supervisor worked in (``public_message``).
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=16, blank=True, default="")
    at = models.DateTimeField(_("at"))
    public_text = models.CharField(_("what the complainant is told"), max_length=500, blank=True, default="")
    public_params = models.JSONField(_("placeholders of the message"), default=dict, blank=True)
    note = models.TextField(_("internal note"), blank=True, default="")

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["complaint", "at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaints_event_at")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"

    def get_action_display(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    def get_from_status_display(self) -> str:
        return _status_label(self.from_status)

    @property
    def public_message(self) -> str:
        """What the complainant reads, translated into the language active now (the reader's)."""
        if not self.public_text:
            return ""
        text = gettext(self.public_text)
        if not self.public_params:
            return text
        # A translation that lost a placeholder falls back to the untranslated message, which still reads.
        for candidate in (text, self.public_text):
            try:
                return candidate % self.public_params
            except (KeyError, ValueError, TypeError):
                continue
        return text

    def get_to_status_display(self) -> str:
        return _status_label(self.to_status)


class SanctionQuerySet(models.QuerySet):
    def active(self) -> SanctionQuerySet:
        """The sanctions that stand: not withdrawn by a later finding after a reopening."""
        return self.filter(withdrawn_at__isnull=True)


class ComplaintSanction(models.Model):
    """One person or department at fault in an upheld finding, with the sanction and its credit entry.

    A finding after a reopening replaces the earlier one: a sanction it repeats is kept (same row, same credit
    entry); one it leaves out is withdrawn (``withdrawn_at``) together with its credit entry."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="sanctions"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("civil servant"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sanction = models.CharField(_("sanction"), max_length=20, choices=Sanction.choices)
    credit_entry_id = models.BigIntegerField(_("credit entry"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["complaint", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False, department__isnull=True)
                | Q(staff__isnull=True, department__isnull=False),
                name="complaints_sanction_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "sanction", "decided_at"], name="complaints_sanction_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.sanction}"


class ResponseTemplate(models.Model):
    """Standard wording a supervisor starts a reply from."""

    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True, default="")
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
