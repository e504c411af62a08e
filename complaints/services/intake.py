"""Intake: one call or filing becomes a complaint, a report, or a linked pair
(处理办法第九条), each routed, pinned to its rule set, with its
own clocks, audit event and search outbox entry."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.clocks import clocks_on_intake
from complaints.models import Case, CaseKind, Channel
from complaints.selectors import cases_visible_to, duplicate_candidates
from complaints.services.evidence import (
    evidence_discard,
    evidence_pending_sweep_due,
    evidence_store,
)
from complaints.services.intake_clean import (
    KINDS,
    CleanIntake,
    IntakeData,
    intake_clean,
    rule_set_for,
)
from core.events import event_write

__all__ = ["KINDS", "IntakeData", "IntakeResult", "intake_create", "rule_set_for"]

# Crockford-style alphabet: no I, L, O or U, so codes read back over the phone.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PERM_REGISTER = "complaints.register_case"


@dataclass
class IntakeResult:
    complaint: Case | None
    report: Case | None
    cases: list[Case]
    duplicates: list[Case] = field(default_factory=list)


def new_tracking_code(kind: str) -> str:
    """C-XXXX-XXXX-XXXX: 60 random bits, unguessable yet easy to read back."""
    prefix = "C" if kind == CaseKind.COMPLAINT else "R"
    while True:
        body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
        code = f"{prefix}-{body[:4]}-{body[4:8]}-{body[8:]}"
        if not Case.objects.filter(tracking_code=code).exists():
            return code


def intake_create(
    *, data: IntakeData, evidence: Sequence[UploadedFile] = (), actor: Any
) -> IntakeResult:
    """Registers an intake. Staff need the register permission; anyone else
    files online as a consumer and owns the resulting cases."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to file a complaint."))
    is_staff_user = getattr(actor, "staff_profile", None) is not None
    consumer = None
    if not actor.has_perm(PERM_REGISTER):
        if is_staff_user:
            raise PermissionDenied(_("Your role may not register cases."))
        # Consumers file online, for themselves.
        data.channel = Channel.WEB
        data.work_order_no = ""
        data.received_at = None
        data.related_to = ()
        consumer = actor
    clean = intake_clean(data, evidence, actor)
    if clean.files:
        # Files of earlier intakes that rolled back (complaints/services/evidence.py).
        evidence_pending_sweep_due()
    try:
        return _create(clean, actor=actor, consumer=consumer)
    except IntegrityError:
        # Two operators registering the same work order at once: the unique
        # constraint decides, the loser gets the same message as a late caller.
        if (
            clean.fields["work_order_no"]
            and Case.objects.filter(work_order_no=clean.fields["work_order_no"]).exists()
        ):
            raise ValidationError(
                {"work_order_no": _("A case with this work-order number already exists.")}
            ) from None
        raise


def _create(clean: CleanIntake, *, actor: Any, consumer: Any) -> IntakeResult:
    receipt_day = timezone.localdate(clean.received_at)
    stored: list[str] = []
    try:
        with transaction.atomic():
            result = _create_rows(
                clean, actor=actor, consumer=consumer, receipt_day=receipt_day, stored=stored
            )
    except BaseException:
        # Files are not transactional: drop what this failed intake wrote.
        # A rollback further out, after this block succeeded, is the pending
        # sweep's to clean up (complaints/services/evidence.py).
        evidence_discard(stored)
        raise
    return result


def _create_rows(
    clean: CleanIntake, *, actor: Any, consumer: Any, receipt_day: dt.date, stored: list[str]
) -> IntakeResult:
    duplicates = list(
        duplicate_candidates(
            phone=clean.fields["complainant_phone"],
            seller_key=clean.fields["seller_key"],
            category=clean.fields["category"],
            received_at=clean.received_at,
        ).filter(pk__in=cases_visible_to(user=actor).values("pk"))[:20]
    )
    cases: list[Case] = []
    for kind in clean.kinds:
        fields = dict(clean.fields)
        if kind == CaseKind.REPORT and len(clean.kinds) == 2:
            # The work order stays on the complaint; the report links to it.
            fields["work_order_no"] = None
        case = Case.objects.create(
            kind=kind,
            tracking_code=new_tracking_code(kind),
            rule_set=clean.rule_set,
            registered_by=actor if consumer is None else None,
            consumer=consumer,
            **fields,
        )
        cases.append(case)
    if len(cases) == 2:
        complaint, report = cases
        complaint.linked_case = report
        complaint.save(update_fields=["linked_case"])
        report.linked_case = complaint
        report.save(update_fields=["linked_case"])
    for case in cases:
        if clean.related:
            case.related_cases.add(*clean.related)
        clocks = clocks_on_intake(case=case, on=receipt_day)
        event_write(
            owner=case,
            action="registered",
            actor=actor,
            created=True,
            from_status="",
            to_status=case.status,
            data={
                "channel": case.channel,
                "office": case.office_id,
                "linked_case": case.linked_case_id,
                "related_cases": [c.pk for c in clean.related],
                "clocks": sorted(c.kind for c in clocks),
            },
        )
    if clean.related:
        # The relation is symmetric: an open case marked as related records
        # the link in its own trail, as case_link does.
        for other in (
            Case.objects.select_for_update(of=("self",))
            .filter(pk__in=[c.pk for c in clean.related])
            .order_by("pk")
        ):
            if not other.is_final:
                event_write(
                    owner=other,
                    action="linked",
                    actor=actor,
                    data={"related_case": cases[0].pk, "related_cases": [c.pk for c in cases]},
                )
    if clean.files:
        evidence_store(cases=cases, files=clean.files, actor=actor, written=stored)
    by_kind = {c.kind: c for c in cases}
    return IntakeResult(
        complaint=by_kind.get(CaseKind.COMPLAINT),
        report=by_kind.get(CaseKind.REPORT),
        cases=cases,
        duplicates=duplicates,
    )
