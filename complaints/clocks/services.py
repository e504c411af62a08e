"""Which clocks each case event starts, stops, pauses or resumes (RULES.md §3).

The mapping from Case transitions to clock effects is the data table
TRANSITION_EFFECTS; the functions here only apply it. They run inside the
caller's transaction (the caller holds the case row lock) and write nothing but
CaseClock rows.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from complaints.clocks.calendar import Deadline, WorkCalendar, add_days
from complaints.models.cases import CaseClock, CaseKind, Channel
from complaints.models.rules import ClockKind, ClockRule

if TYPE_CHECKING:
    from complaints.models.cases import Case


class Op(enum.StrEnum):
    START = "start"
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    # Testing and appraisal time: every clock whose rule excludes it (RULES.md §3).
    PAUSE_FOR_INSPECTION = "pause_for_inspection"
    RESUME_AFTER_INSPECTION = "resume_after_inspection"
    STOP_ALL = "stop_all"


@dataclass(frozen=True)
class ClockEffect:
    op: Op
    kind: str | None = None


def _e(op: Op, kind: str | None = None) -> ClockEffect:
    return ClockEffect(op, kind)


K = ClockKind
#: Clocks each new case starts from its receipt (RULES.md §3).
INTAKE_CLOCKS: Mapping[str, tuple[str, ...]] = {
    CaseKind.COMPLAINT: (K.ACCEPTANCE,),
    CaseKind.REPORT: (K.REPORT_VERIFICATION,),
}
#: Extra clocks by intake channel: a 12345 work order may be returned as
#: misrouted within 1 WD (local practice, RULES.md §3).
CHANNEL_CLOCKS: Mapping[str, tuple[str, ...]] = {
    Channel.HOTLINE_12345: (K.RETURN_MISROUTED,),
}

# Once the office acts on a 12345 work order it has taken it on, so the window
# to return it as misrouted closes.
_ENGAGED = _e(Op.STOP, K.RETURN_MISROUTED)

#: Clock effects of each Case transition, applied in order.
TRANSITION_EFFECTS: Mapping[str, tuple[ClockEffect, ...]] = {
    # Complaints
    "request_materials": (_ENGAGED, _e(Op.PAUSE, K.ACCEPTANCE)),
    "receive_materials": (_e(Op.RESUME, K.ACCEPTANCE),),
    # Mediation counts from acceptance (RULES.md §3).
    "accept": (_ENGAGED, _e(Op.STOP, K.ACCEPTANCE), _e(Op.START, K.MEDIATION)),
    "decline": (_ENGAGED, _e(Op.STOP, K.ACCEPTANCE)),
    "transfer": (_ENGAGED, _e(Op.STOP, K.ACCEPTANCE)),
    # The receiving office's acceptance clock runs from its own receipt.
    "take_over": (_e(Op.START, K.ACCEPTANCE),),
    "return_work_order": (_e(Op.STOP, K.RETURN_MISROUTED), _e(Op.STOP_ALL)),
    "start_mediation": (),
    "request_inspection": (_e(Op.PAUSE_FOR_INSPECTION),),
    "resume_mediation": (_e(Op.RESUME_AFTER_INSPECTION),),
    "reach_agreement": (_e(Op.STOP, K.MEDIATION),),
    "terminate_mediation": (
        _e(Op.STOP, K.MEDIATION),
        _e(Op.START, K.TERMINATION_NOTICE),
    ),
    "start_fulfilment": (),
    "confirm_fulfilment": (),
    "close": (_e(Op.STOP_ALL),),
    "withdraw": (_e(Op.STOP_ALL),),
    # Reports
    "start_verification": (_ENGAGED,),
    "open_case": (
        _e(Op.STOP, K.REPORT_VERIFICATION),
        _e(Op.STOP, K.REPORT_VERIFICATION_EXTENSION),
        _e(Op.START, K.REPORT_DECISION),
    ),
    "decline_case": (_e(Op.STOP_ALL),),
    "start_investigation": (),
    "decide": (_e(Op.STOP_ALL),),
    "merge_into": (_e(Op.STOP_ALL),),
}


#: Extensions granted with approval (RULES.md §3): the extension clock runs on
#: from the base clock's due date.
EXTENSIONS: Mapping[str, str] = {
    K.REPORT_VERIFICATION: K.REPORT_VERIFICATION_EXTENSION,
    K.REPORT_DECISION: K.REPORT_DECISION_EXTENSION,
}


#: Clocks that a notice, once sent, satisfies (Notice.Kind -> clock effects):
#: the termination clock is a deadline for the notice itself (RULES.md §3).
NOTICE_EFFECTS: Mapping[str, tuple[ClockEffect, ...]] = {
    "termination": (_e(Op.STOP, K.TERMINATION_NOTICE),),
}


def clocks_on_intake(*, case: Case, on: dt.date, calendar: WorkCalendar | None = None) -> None:
    """Starts the clocks a newly received case needs; `on` is the local
    receipt date (not counted, Civil Code art. 201)."""
    cal = calendar if calendar is not None else WorkCalendar.load()
    kinds = INTAKE_CLOCKS.get(case.kind, ()) + CHANNEL_CLOCKS.get(case.channel, ())
    for kind in kinds:
        clock_start(case=case, kind=kind, on=on, calendar=cal)


def clocks_on_transition(
    *, case: Case, action: str, on: dt.date, calendar: WorkCalendar | None = None
) -> None:
    """Applies the clock effects of transition `action` taken on local date
    `on`. Names without clock effects (other apps' events) are ignored."""
    effects = TRANSITION_EFFECTS.get(action, ())
    if not effects:
        return
    cal = calendar if calendar is not None else WorkCalendar.load()
    for effect in effects:
        _apply(case=case, effect=effect, on=on, calendar=cal)


def clocks_on_notice(
    *, case: Case, notice_kind: str, on: dt.date, calendar: WorkCalendar | None = None
) -> None:
    """Applies the clock effects of a notice of `notice_kind` sent on `on`."""
    effects = NOTICE_EFFECTS.get(notice_kind, ())
    if not effects:
        return
    cal = calendar if calendar is not None else WorkCalendar.load()
    for effect in effects:
        _apply(case=case, effect=effect, on=on, calendar=cal)


def _apply(*, case: Case, effect: ClockEffect, on: dt.date, calendar: WorkCalendar) -> None:
    op, kind = effect.op, effect.kind
    if op is Op.START:
        assert kind is not None
        clock_start(case=case, kind=kind, on=on, calendar=calendar)
        return
    running = list(CaseClock.objects.filter(case=case, stopped_on__isnull=True))
    if op in (Op.PAUSE_FOR_INSPECTION, Op.RESUME_AFTER_INSPECTION):
        excluded = _inspection_kinds(case)
        targets = [c for c in running if c.kind in excluded]
    elif op is Op.STOP_ALL:
        targets = running
    else:
        targets = [c for c in running if c.kind == kind]
    for clock in targets:
        if op in (Op.PAUSE, Op.PAUSE_FOR_INSPECTION):
            clock_pause(clock=clock, on=on)
        elif op in (Op.RESUME, Op.RESUME_AFTER_INSPECTION):
            clock_resume(clock=clock, on=on, calendar=calendar)
        else:
            clock_stop(clock=clock, on=on, calendar=calendar)


def _inspection_kinds(case: Case) -> set[str]:
    return set(
        ClockRule.objects.filter(
            rule_set_id=case.rule_set_id, pauses_for_inspection=True
        ).values_list("kind", flat=True)
    )


def clock_start(
    *, case: Case, kind: str, on: dt.date, calendar: WorkCalendar | None = None
) -> CaseClock | None:
    """Starts clock `kind` from `on` under the case's pinned rule set; None
    when that rule set has no such clock."""
    rule = ClockRule.objects.filter(rule_set_id=case.rule_set_id, kind=kind).first()
    if rule is None:
        return None
    cal = calendar if calendar is not None else WorkCalendar.load()
    # A clock of the same kind still running (e.g. data imported half-way)
    # ends here: only one may run per kind.
    for stale in CaseClock.objects.filter(case=case, kind=kind, stopped_on__isnull=True):
        clock_stop(clock=stale, on=on, calendar=cal)
    deadline = add_days(start=on, amount=rule.amount, unit=rule.unit, calendar=cal)
    return CaseClock.objects.create(
        case=case,
        kind=kind,
        unit=rule.unit,
        amount=rule.amount,
        started_on=on,
        due_on=deadline.due_on,
        provisional=deadline.provisional,
    )


def clock_extend(
    *, case: Case, kind: str, on: dt.date, calendar: WorkCalendar | None = None
) -> CaseClock | None:
    """Grants the approved extension of running clock `kind` on date `on`: the
    base clock ends as met and the extension clock counts its own length from
    the base clock's due date, staying paused if the base clock was. None when
    there is nothing to extend (no running clock, no extension rule, or
    already extended)."""
    extension_kind = EXTENSIONS.get(kind)
    if extension_kind is None:
        return None
    base = CaseClock.objects.filter(case=case, kind=kind, stopped_on__isnull=True).first()
    rule = ClockRule.objects.filter(rule_set_id=case.rule_set_id, kind=extension_kind).first()
    if base is None or rule is None:
        return None
    if CaseClock.objects.filter(case=case, kind=extension_kind).exists():
        return None
    cal = calendar if calendar is not None else WorkCalendar.load()
    was_paused = base.paused_on is not None
    clock_stop(clock=base, on=on, calendar=cal)
    deadline = add_days(start=base.due_on, amount=rule.amount, unit=rule.unit, calendar=cal)
    return CaseClock.objects.create(
        case=case,
        kind=extension_kind,
        unit=rule.unit,
        amount=rule.amount,
        started_on=base.due_on,
        due_on=deadline.due_on,
        paused_on=on if was_paused else None,
        provisional=base.provisional or deadline.provisional,
    )


def clock_pause(*, clock: CaseClock, on: dt.date) -> None:
    if clock.stopped_on is not None or clock.paused_on is not None:
        return
    clock.paused_on = on
    clock.save(update_fields=["paused_on"])


def clock_resume(*, clock: CaseClock, on: dt.date, calendar: WorkCalendar | None = None) -> None:
    """Adds the paused span (paused_on, on], counted in the clock's own unit,
    to paused_days and derives the due date afresh, so that the clock does
    not run while paused."""
    if clock.paused_on is None:
        return
    cal = calendar if calendar is not None else WorkCalendar.load()
    paused = cal.units_between(clock.paused_on, on, clock.unit)
    fields = ["paused_on"]
    if paused:
        clock.paused_days += paused
        deadline = clock_deadline(clock, calendar=cal)
        # An extension inherits the provisional start of its base clock, which
        # its own window cannot see; only a recount on a new calendar clears it.
        clock.provisional = clock.provisional or deadline.provisional
        clock.due_on = deadline.due_on
        fields += ["paused_days", "due_on", "provisional"]
    clock.paused_on = None
    clock.save(update_fields=fields)


def clock_deadline(clock: CaseClock, *, calendar: WorkCalendar) -> Deadline:
    """The clock's due date from first principles: its length plus the days
    it spent paused, counted from its start. Extending the current due date
    instead would apply art. 203 at every pause: a calendar-day period whose
    end was moved off a rest day would then be extended from the moved day,
    or lose the move, depending on the pauses."""
    return add_days(
        start=clock.started_on,
        amount=clock.amount + clock.paused_days,
        unit=clock.unit,
        calendar=calendar,
    )


def clock_stop(*, clock: CaseClock, on: dt.date, calendar: WorkCalendar | None = None) -> None:
    if clock.stopped_on is not None:
        return
    if clock.paused_on is not None:
        clock_resume(clock=clock, on=on, calendar=calendar)
    clock.stopped_on = on
    clock.save(update_fields=["stopped_on"])


#: The states clock_state() returns; lists show due_soon and overdue.
RUNNING, PAUSED, DUE_SOON, OVERDUE, MET, MET_LATE = (
    "running",
    "paused",
    "due_soon",
    "overdue",
    "met",
    "met_late",
)


def clock_state(clock: CaseClock, *, today: dt.date, calendar: WorkCalendar | None = None) -> str:
    """One of running, paused, due_soon, overdue, met, met_late. Due soon is
    at CLOCK_REMINDER_FRACTION of the clock's length, counted in its unit."""
    if clock.stopped_on is not None:
        return MET if clock.stopped_on <= clock.due_on else MET_LATE
    if clock.paused_on is not None:
        return OVERDUE if clock.paused_on > clock.due_on else PAUSED
    if today > clock.due_on:
        return OVERDUE
    if clock_elapsed_fraction(clock, today=today, calendar=calendar) >= reminder_fraction():
        return DUE_SOON
    return RUNNING


def clock_elapsed_fraction(
    clock: CaseClock, *, today: dt.date, calendar: WorkCalendar | None = None
) -> float:
    cal = calendar if calendar is not None else WorkCalendar.load()
    total = cal.units_between(clock.started_on, clock.due_on, clock.unit)
    if total <= 0:
        return 1.0
    return cal.units_between(clock.started_on, today, clock.unit) / total


def reminder_fraction() -> float:
    return float(getattr(settings, "CLOCK_REMINDER_FRACTION", 0.8))
