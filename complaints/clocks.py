"""The legal clocks of a case: which clocks its intake, transitions and
notices start, stop or pause, as declared in complaints/lifecycle.py, applied
by the core clock engine under the case's pinned rule set."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from complaints import lifecycle
from core.clocks.calendar import WorkCalendar, add_days
from core.clocks.engine import ClockEffect, Op, clock_state, clocks_apply
from core.models import Clock

if TYPE_CHECKING:
    from complaints.models import Case

__all__ = [
    "WorkCalendar",
    "add_days",
    "case_clocks",
    "clock_state",
    "clocks_on_intake",
    "clocks_on_notice",
    "clocks_on_transition",
]


def clocks_on_intake(
    *, case: Case, on: dt.date, calendar: WorkCalendar | None = None
) -> list[Clock]:
    """Starts the clocks a newly received case needs; `on` is the local
    receipt date (not counted, 民法典第二百零一条)."""
    kinds = lifecycle.INTAKE_CLOCKS.get(case.kind, ()) + lifecycle.CHANNEL_CLOCKS.get(
        case.channel, ()
    )
    effects = [ClockEffect(Op.START, kind) for kind in kinds]
    return clocks_apply(owner=case, effects=effects, on=on, calendar=calendar)


def clocks_on_transition(
    *, case: Case, action: str, on: dt.date, calendar: WorkCalendar | None = None
) -> list[Clock]:
    """Applies the clock effects declared for transition `action`."""
    spec = lifecycle.get(action)
    effects = spec.clocks if spec is not None else ()
    return clocks_apply(owner=case, effects=effects, on=on, calendar=calendar)


def clocks_on_notice(
    *, case: Case, notice_kind: str, on: dt.date, calendar: WorkCalendar | None = None
) -> list[Clock]:
    """Applies the clock effects of a notice of `notice_kind` sent on `on`."""
    effects = lifecycle.NOTICE_CLOCKS.get(notice_kind, ())
    return clocks_apply(owner=case, effects=effects, on=on, calendar=calendar)


def case_clocks() -> QuerySet[Clock]:
    """Clocks whose owner is a case; filter them by `owner_id`."""
    from complaints.models import Case

    return Clock.objects.filter(owner_type=ContentType.objects.get_for_model(Case))
