"""Withdrawing an entry when its source changes its mind (e.g. a reopened complaint found 不属实)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from credit.models import CreditEntry, CreditObjection, EntryAction, EntryStatus, ObjectionOutcome, ObjectionStatus
from credit.services.common import now_or, record_event, subject_users
from credit.services.objections import ACCEPT_CLOCK, DECIDE_CLOCK, finish_clock

# Whatever may still be taken back; dismissed, expired and withdrawn entries are final.
WITHDRAWABLE = (EntryStatus.PENDING, EntryStatus.CONFIRMED, EntryStatus.DISPUTED)


def withdraw_entry(entry: CreditEntry | int, actor, reason: str, *, at: dt.datetime | None = None) -> CreditEntry:
    """A pending, confirmed or disputed entry stops counting for good; an open objection on it is closed (its
    clocks finished) and the subject is told. Withdrawing an entry already withdrawn returns it unchanged."""
    at = now_or(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for withdrawing the entry.")})
    pk = entry.pk if isinstance(entry, CreditEntry) else entry
    with transaction.atomic():
        current = (
            CreditEntry.objects.select_for_update(of=("self",))
            .select_related("rule", "staff__user", "department__head__user")
            .get(pk=pk)
        )
        if current.status == EntryStatus.WITHDRAWN:
            return current
        if current.status not in WITHDRAWABLE:
            raise ValidationError(
                {
                    "status": _(
                        "This entry is %(status)s; only a pending, confirmed or disputed entry can be withdrawn."
                    )
                    % {"status": current.get_status_display()}
                }
            )
        from_status = current.status
        updated = CreditEntry.objects.filter(pk=pk, status=from_status).update(
            status=EntryStatus.WITHDRAWN, decision_reason=reason[:500]
        )
        if not updated:  # pragma: no cover - the row is locked above
            raise ValidationError(_("The entry was changed meanwhile; please reload and try again."))
        record_event(
            current,
            EntryAction.WITHDRAWN,
            actor,
            at=at,
            from_status=from_status,
            to_status=EntryStatus.WITHDRAWN,
            reason=reason,
        )
        objector = _close_objection(current, actor, reason, at)
        current.refresh_from_db()
        _tell(current, reason, objector)
    return current


def _close_objection(entry: CreditEntry, actor, reason: str, at: dt.datetime):
    """The objection has nothing left to decide: it ends as withdrawn, and its clocks stop."""
    objection = (
        CreditObjection.objects.select_for_update()
        .filter(entry=entry)
        .exclude(status=ObjectionStatus.DECIDED)
        .select_related("objector")
        .first()
    )
    if objection is None:
        return None
    CreditObjection.objects.filter(pk=objection.pk, status=objection.status).update(
        status=ObjectionStatus.DECIDED,
        outcome=ObjectionOutcome.WITHDRAWN,
        decided_at=at,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decision_reason=reason,
    )
    finish_clock(objection, ACCEPT_CLOCK, actor, at)
    finish_clock(objection, DECIDE_CLOCK, actor, at)
    return objection.objector


def _tell(entry: CreditEntry, reason: str, objector) -> None:
    from efficiency_portal.notifications.services import notify

    users = subject_users(entry)
    if objector is not None and all(user.pk != objector.pk for user in users):
        users.append(objector)
    for user in users:
        notify(
            user,
            kind="credit_entry",
            title=str(_("A credit entry was withdrawn")),
            body=str(_("%(rule)s of %(date)s no longer counts. %(reason)s"))
            % {"rule": entry.rule.name, "date": entry.fact_date.isoformat(), "reason": reason},
            link=entry.get_absolute_url(),
            dedupe_key=f"credit:entry:{entry.pk}:withdrawn:{user.pk}",
        )
