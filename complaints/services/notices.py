"""Notices sent to a party: every one logged with its time, channel and proof
(docs/legal-basis.md §4: complainants sue over missed notices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.clocks import clocks_on_notice
from complaints.models import Case, Notice
from complaints.selectors import user_may_act_on_office
from core.events import event_write

PERMS = ("complaints.handle_case", "complaints.mediate_case", "complaints.investigate_case")


def case_notice_record(
    *,
    case_id: int,
    kind: str,
    via: str,
    actor: Any,
    sent_at: dt.datetime | None = None,
    proof: str = "",
) -> Notice:
    """Logs a notice as one event of the case. Notices of the outcome follow
    the closing, so a final case records them too (its state stays)."""
    errors: dict[str, Any] = {}
    if kind not in Notice.Kind.values:
        errors["kind"] = _("Choose a valid kind of notice.")
    if via not in Notice.Via.values:
        errors["via"] = _("Choose how the notice was sent.")
    sent_at = sent_at or timezone.now()
    if timezone.is_naive(sent_at):
        sent_at = timezone.make_aware(sent_at)
    if sent_at > timezone.now() + dt.timedelta(minutes=5):
        errors["sent_at"] = _("A notice cannot have been sent in the future.")
    if len(proof) > 255 or "\x00" in proof:
        errors["proof"] = _("Keep the proof reference under 255 characters.")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("rule_set").get(pk=case_id)
        )
        if not any(actor.has_perm(p) for p in PERMS) or not user_may_act_on_office(
            user=actor, office_id=case.office_id
        ):
            raise PermissionDenied(_("Your role may not send notices for this case."))
        if sent_at < case.received_at:
            errors["sent_at"] = _("A notice cannot precede the receipt of the case.")
        if errors:
            raise ValidationError(errors)
        notice = Notice.objects.create(
            case=case, kind=kind, via=via, sent_at=sent_at, proof=proof, actor=actor
        )
        # A notice that satisfies a deadline (the termination notice) stops
        # its clock on the day it was sent.
        clocks = (
            []
            if case.is_final
            else clocks_on_notice(case=case, notice_kind=kind, on=timezone.localdate(sent_at))
        )
        event_write(
            owner=case,
            action="notice",
            actor=actor,
            note=proof,
            data={
                "notice": notice.pk,
                "kind": kind,
                "via": via,
                "sent_at": sent_at,
                "clocks": sorted(c.kind for c in clocks),
            },
        )
    return notice
