"""Notices sent to a party: every one logged with its time, channel and proof
(RULES.md §3: reporters sue over missed notices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, CaseEvent, Notice
from complaints.selectors import user_may_act_on_office
from search.services import search_outbox_enqueue

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
    """Logs a notice. A final case keeps its row unchanged (it is immutable);
    the notice and its audit event are still recorded, since notices of the
    outcome follow the closing."""
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
        if not case.is_final:
            case.version += 1
            case.save(update_fields=["version", "updated_at"])
            search_outbox_enqueue(model="complaints.case", object_id=case.pk, version=case.version)
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            action="notice",
            from_status=case.status,
            to_status=case.status,
            note=proof,
            rule_set=case.rule_set.code,
            data={"notice": notice.pk, "kind": kind, "via": via, "sent_at": sent_at.isoformat()},
        )
    return notice
