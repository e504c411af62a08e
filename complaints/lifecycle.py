"""The case lifecycle, declared once.

Each transition is one `Transition` row below: its states, the permission it
needs, the inputs it takes, the list its reason code comes from, its clock
effects, its label and confirmation, and what a consumer may see of it. The
django-fsm graph on `Case` is built from these rows (models/cases.py), and
the transition service, the console, the API, the generated state-machine
document and the import's replay all read them; a test checks the graph
against them. Adding a transition is one row here and, when it changes
fields, one method on Case.

Legal basis: docs/legal-basis.md §1–§3 (市场监督管理投诉举报处理办法;
消费者权益保护法第四十六条; 市场监督管理行政处罚程序规定第十八条).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.clocks.engine import ClockEffect, Op


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    REPORT = "report", _("report")


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    # Complaint states
    MATERIALS_REQUESTED = "materials_requested", _("identity materials requested")
    ACCEPTED = "accepted", _("accepted")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    TRANSFERRED = "transferred", _("transferred")
    RETURNED = "returned", _("returned")
    MEDIATING = "mediating", _("mediating")
    INSPECTION_PENDING = "inspection_pending", _("inspection pending")
    AGREEMENT_REACHED = "agreement_reached", _("agreement reached")
    MEDIATION_TERMINATED = "mediation_terminated", _("mediation terminated")
    FULFILMENT = "fulfilment", _("fulfilment")
    FOLLOW_UP = "follow_up", _("follow-up")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    # Report states
    VERIFYING = "verifying", _("verifying")
    CASE_OPENED = "case_opened", _("case opened")
    NOT_OPENED = "not_opened", _("no case opened")
    INVESTIGATING = "investigating", _("investigating")
    DECIDED = "decided", _("decided")
    MERGED = "merged", _("merged as a repeat")


class ClockKind(models.TextChoices):
    """The clocks of a case, by the kind its rule set names them (their
    lengths, units and labels are rule-set data)."""

    ACCEPTANCE = "acceptance", _("acceptance decision")
    MEDIATION = "mediation", _("mediation")
    TERMINATION_NOTICE = "termination_notice", _("notice of mediation termination")
    RETURN_MISROUTED = "return_misrouted", _("return of a misrouted work order")
    REPORT_VERIFICATION = "report_verification", _("report verification")
    REPORT_VERIFICATION_EXTENSION = (
        "report_verification_extension",
        _("report verification extension"),
    )
    REPORT_DECISION = "report_decision", _("report case decision")
    REPORT_DECISION_EXTENSION = "report_decision_extension", _("report case decision extension")


class GroundKind(models.TextChoices):
    """Which list of grounds a transition's reason code comes from."""

    NOT_ACCEPTED = "not_accepted", _("not accepted")
    MEDIATION_TERMINATED = "mediation_terminated", _("mediation terminated")
    TRANSFER = "transfer", _("transfer")
    RETURN = "return", _("return of work order")
    REPORT_NOT_OPENED = "report_not_opened", _("report: no case opened")


#: States in which nothing may change any more.
FINAL_STATES = frozenset(
    {
        Status.CLOSED,
        Status.WITHDRAWN,
        Status.RETURNED,
        Status.DECIDED,
        Status.MERGED,
        Status.NOT_OPENED,
    }
)
COMPLAINT_OPEN_STATES = (
    Status.REGISTERED,
    Status.MATERIALS_REQUESTED,
    Status.TRANSFERRED,
    Status.ACCEPTED,
    Status.MEDIATING,
    Status.INSPECTION_PENDING,
)

# Permission codenames; roles (groups) get them in core/roles.py.
PERM_REGISTER = "complaints.register_case"
PERM_HANDLE = "complaints.handle_case"
PERM_MEDIATE = "complaints.mediate_case"
PERM_INVESTIGATE = "complaints.investigate_case"
# Mediators and inspectors: the mediation clock stops while a quality
# inspection or appraisal runs, and whoever works the inspection ends the pause.
PERM_INSPECTION_PAUSE = "complaints.pause_for_inspection"

#: The import's record dates a replayed step may be dated by.
RECEIVED_ON, ACCEPTED_ON, OPENED_ON = "received_on", "accepted_on", "case_opened_on"


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    permission: str
    label: Promise
    #: Complaints only, reports only, or None for both.
    kind: str | None = None
    #: The rule set's ground list the reason code must come from.
    ground_kind: str | None = None
    #: Parameters besides reason and note, parsed by complaints.services.inputs.
    inputs: tuple[str, ...] = ()
    clocks: tuple[ClockEffect, ...] = ()
    #: Case fields the model method changes (status and version always).
    fields: tuple[str, ...] = ()
    #: The complainant may take it on their own case.
    consumer: bool = False
    #: Irreversible for the complainant: the console asks for confirmation.
    confirm: Promise | None = None
    #: The handler who takes this step first becomes the case's handler.
    claims_handler: bool = False
    #: The import dates this step by this record date when it has one.
    replay_on: str | None = None

    @property
    def danger(self) -> bool:
        return self.confirm is not None

    def fsm_kwargs(self) -> dict[str, Any]:
        conditions = []
        if self.kind == CaseKind.COMPLAINT:
            conditions.append(is_complaint)
        elif self.kind == CaseKind.REPORT:
            conditions.append(is_report)
        source: Any = list(self.source) if len(self.source) > 1 else self.source[0]
        return {
            "field": "status",
            "source": source,
            "target": self.target,
            "conditions": conditions,
            "permission": self.permission,
        }


# django-fsm types conditions as taking any model.
def is_complaint(case: models.Model) -> bool:
    return getattr(case, "kind", None) == CaseKind.COMPLAINT


def is_report(case: models.Model) -> bool:
    return getattr(case, "kind", None) == CaseKind.REPORT


S, K = Status, ClockKind


def _e(op: Op, kind: str | None = None) -> ClockEffect:
    return ClockEffect(op, kind)


# Once the office acts on a 12345 work order it has taken it on, so the
# window to return it as misrouted closes.
_ENGAGED = _e(Op.STOP, K.RETURN_MISROUTED)


def _t(
    name: str, source: Any, target: str, permission: str, label: Promise, **kw: Any
) -> Transition:
    src = tuple(source) if isinstance(source, list | tuple) else (source,)
    return Transition(name, src, target, permission, label, **kw)


# Labels take the context "case action": short verbs such as "Close" mean
# something else in other catalogues (the admin's "Close" is a window's).
_C, _R = CaseKind.COMPLAINT, CaseKind.REPORT

TRANSITIONS: tuple[Transition, ...] = (
    # --- Complaints ---------------------------------------------------------
    _t("request_materials", S.REGISTERED, S.MATERIALS_REQUESTED, PERM_HANDLE,
       pgettext_lazy("case action", "Request identity materials"), kind=_C,
       clocks=(_ENGAGED, _e(Op.PAUSE, K.ACCEPTANCE))),
    _t("receive_materials", S.MATERIALS_REQUESTED, S.REGISTERED, PERM_HANDLE,
       pgettext_lazy("case action", "Materials received"),
       kind=_C, clocks=(_e(Op.RESUME, K.ACCEPTANCE),)),
    # Mediation counts from acceptance.
    _t("accept", S.REGISTERED, S.ACCEPTED, PERM_HANDLE,
       pgettext_lazy("case action", "Accept"),
       kind=_C,
       fields=("status_reason",), claims_handler=True, replay_on=ACCEPTED_ON,
       clocks=(_ENGAGED, _e(Op.STOP, K.ACCEPTANCE), _e(Op.START, K.MEDIATION))),
    _t("decline", [S.REGISTERED, S.MATERIALS_REQUESTED], S.NOT_ACCEPTED, PERM_HANDLE,
       pgettext_lazy("case action", "Do not accept"), kind=_C, ground_kind=GroundKind.NOT_ACCEPTED,
       fields=("status_reason",), claims_handler=True,
       confirm=_("The complainant will be told the complaint is not accepted."),
       clocks=(_ENGAGED, _e(Op.STOP, K.ACCEPTANCE))),
    _t("transfer", [S.REGISTERED, S.MATERIALS_REQUESTED], S.TRANSFERRED, PERM_HANDLE,
       pgettext_lazy("case action", "Transfer to another office"),
       kind=_C, ground_kind=GroundKind.TRANSFER,
       inputs=("to_office",), fields=("status_reason", "office", "handler"),
       clocks=(_ENGAGED, _e(Op.STOP, K.ACCEPTANCE))),
    # The receiving office's acceptance clock runs from its own receipt.
    _t("take_over", S.TRANSFERRED, S.REGISTERED, PERM_HANDLE,
       pgettext_lazy("case action", "Take over the transferred case"),
       kind=_C, fields=("status_reason",),
       claims_handler=True, clocks=(_e(Op.START, K.ACCEPTANCE),)),
    _t("return_work_order", S.REGISTERED, S.RETURNED, PERM_HANDLE,
       pgettext_lazy("case action", "Return the misrouted work order"),
       ground_kind=GroundKind.RETURN,
       fields=("status_reason",),
       confirm=_("The work order goes back to the 12345 hotline and the case ends here."),
       clocks=(_e(Op.STOP, K.RETURN_MISROUTED), _e(Op.STOP_ALL))),
    _t("start_mediation", S.ACCEPTED, S.MEDIATING, PERM_HANDLE,
       pgettext_lazy("case action", "Start mediation"),
       kind=_C, inputs=("mediator",), fields=("mediator",)),
    _t("request_inspection", S.MEDIATING, S.INSPECTION_PENDING, PERM_INSPECTION_PAUSE,
       pgettext_lazy("case action", "Request an inspection"),
       kind=_C, clocks=(_e(Op.PAUSE_FOR_INSPECTION),)),
    _t("resume_mediation", S.INSPECTION_PENDING, S.MEDIATING, PERM_INSPECTION_PAUSE,
       pgettext_lazy("case action", "Resume mediation"),
       kind=_C, clocks=(_e(Op.RESUME_AFTER_INSPECTION),)),
    _t("reach_agreement", S.MEDIATING, S.AGREEMENT_REACHED, PERM_MEDIATE,
       pgettext_lazy("case action", "Record the agreement"), kind=_C, inputs=("amount", "payer"),
       fields=("compensation_amount", "compensation_payer"),
       clocks=(_e(Op.STOP, K.MEDIATION),)),
    _t("terminate_mediation", [S.MEDIATING, S.INSPECTION_PENDING], S.MEDIATION_TERMINATED,
       PERM_MEDIATE, pgettext_lazy("case action", "Terminate mediation"), kind=_C,
       ground_kind=GroundKind.MEDIATION_TERMINATED, fields=("status_reason",),
       confirm=_("Mediation ends without agreement; the parties must be notified."),
       clocks=(_e(Op.STOP, K.MEDIATION), _e(Op.START, K.TERMINATION_NOTICE))),
    _t("start_fulfilment", S.AGREEMENT_REACHED, S.FULFILMENT, PERM_MEDIATE,
       pgettext_lazy("case action", "Start fulfilment"), kind=_C),
    _t("confirm_fulfilment", S.FULFILMENT, S.FOLLOW_UP, PERM_MEDIATE,
       pgettext_lazy("case action", "Confirm fulfilment"), kind=_C),
    _t("close", [S.FOLLOW_UP, S.MEDIATION_TERMINATED, S.NOT_ACCEPTED], S.CLOSED, PERM_HANDLE,
       pgettext_lazy("case action", "Close"),
       kind=_C, inputs=("satisfaction",), fields=("satisfaction",),
       clocks=(_e(Op.STOP_ALL),)),
    _t("withdraw", list(COMPLAINT_OPEN_STATES), S.WITHDRAWN, PERM_HANDLE,
       pgettext_lazy("case action", "Withdrawn by the complainant"), kind=_C, consumer=True,
       confirm=_("The complaint is withdrawn and the case ends here."),
       clocks=(_e(Op.STOP_ALL),)),
    # --- Reports ------------------------------------------------------------
    _t("start_verification", S.REGISTERED, S.VERIFYING, PERM_HANDLE,
       pgettext_lazy("case action", "Start verification"),
       kind=_R, claims_handler=True, replay_on=RECEIVED_ON,
       clocks=(_ENGAGED,)),
    _t("open_case", S.VERIFYING, S.CASE_OPENED, PERM_HANDLE,
       pgettext_lazy("case action", "Open a case"),
       kind=_R,
       fields=("status_reason",), replay_on=OPENED_ON,
       clocks=(_e(Op.STOP, K.REPORT_VERIFICATION),
               _e(Op.STOP, K.REPORT_VERIFICATION_EXTENSION),
               _e(Op.START, K.REPORT_DECISION))),
    _t("decline_case", S.VERIFYING, S.NOT_OPENED, PERM_HANDLE,
       pgettext_lazy("case action", "Do not open a case"),
       kind=_R, ground_kind=GroundKind.REPORT_NOT_OPENED, fields=("status_reason",),
       confirm=_("No case is opened and the report ends here."),
       clocks=(_e(Op.STOP_ALL),)),
    _t("start_investigation", S.CASE_OPENED, S.INVESTIGATING, PERM_INVESTIGATE,
       pgettext_lazy("case action", "Start the investigation"), kind=_R),
    _t("decide", S.INVESTIGATING, S.DECIDED, PERM_INVESTIGATE,
       pgettext_lazy("case action", "Record the decision"),
       kind=_R, clocks=(_e(Op.STOP_ALL),)),
    _t("merge_into", [S.REGISTERED, S.VERIFYING], S.MERGED, PERM_HANDLE,
       pgettext_lazy("case action", "Merge into the original report"),
       kind=_R, inputs=("original",),
       fields=("merged_into",),
       confirm=_("This report is closed as a repeat of the original."),
       clocks=(_e(Op.STOP_ALL),)),
)  # fmt: skip

BY_NAME: Mapping[str, Transition] = {t.name: t for t in TRANSITIONS}

#: Clocks each new case starts from its receipt.
INTAKE_CLOCKS: Mapping[str, tuple[str, ...]] = {
    CaseKind.COMPLAINT: (K.ACCEPTANCE,),
    CaseKind.REPORT: (K.REPORT_VERIFICATION,),
}
#: Extra clocks by intake channel: a 12345 work order may be returned as
#: misrouted within 1 working day (local practice).
CHANNEL_CLOCKS: Mapping[str, tuple[str, ...]] = {"12345": (K.RETURN_MISROUTED,)}
#: Clocks that a notice, once sent, satisfies (Notice.Kind -> clock effects):
#: the termination clock is a deadline for the notice itself.
NOTICE_CLOCKS: Mapping[str, tuple[ClockEffect, ...]] = {
    "termination": (_e(Op.STOP, K.TERMINATION_NOTICE),),
}

#: Labels of the other events of a case's trail (not transitions).
EVENT_LABELS: Mapping[str, Promise] = {
    "registered": pgettext_lazy("case action", "Registered"),
    "imported": pgettext_lazy("case action", "Imported from a historical work order"),
    "notice": pgettext_lazy("case action", "Notice recorded"),
    "linked": pgettext_lazy("case action", "Linked to a related case"),
    "merged": pgettext_lazy("case action", "Merged"),
    "clock_extended": pgettext_lazy("case action", "Deadline extended"),
    "clock_reminder": pgettext_lazy("case action", "Deadline reminder"),
    "clock_escalation": pgettext_lazy("case action", "Deadline escalated"),
    "clock_recalculated": pgettext_lazy("case action", "Deadline recounted on the new calendar"),
}


def get(name: str) -> Transition | None:
    return BY_NAME.get(name)


def label(action: str) -> str:
    spec = BY_NAME.get(action)
    if spec is not None:
        return str(spec.label)
    other = EVENT_LABELS.get(action)
    return str(other) if other is not None else action


def for_kind(kind: str) -> Iterator[Transition]:
    return (t for t in TRANSITIONS if t.kind in (None, kind))


def path_to(kind: str, status: str) -> tuple[Transition, ...] | None:
    """The shortest path of transitions from registration to `status` for a
    case of `kind`, in declaration order among equals; None if unreachable."""
    start = str(Status.REGISTERED)
    if status == start:
        return ()
    seen = {start}
    queue: deque[tuple[str, tuple[Transition, ...]]] = deque([(start, ())])
    while queue:
        state, path = queue.popleft()
        for t in for_kind(kind):
            if state not in t.source or t.target in seen:
                continue
            step = (*path, t)
            if t.target == status:
                return step
            seen.add(t.target)
            queue.append((t.target, step))
    return None
