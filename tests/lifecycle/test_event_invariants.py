"""Random sequences of case operations against the promises of the one event
writer (core/events.py): every change of a case is one event numbered with
the case's new version, without gaps (an operation writes one event per case
it changes; the clock sweep and a holiday import, one per clock they mark or
recount); the search outbox carries the same numbers; clocks never move
without an event that names them; and the trail of statuses replays, through
the transition declaration, to the case's current status. A refused
operation leaves no trace at all."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints import lifecycle
from complaints.clocks import case_clocks
from complaints.lifecycle import FINAL_STATES, Status
from complaints.models import Case, Notice
from complaints.services import (
    TransitionNotAllowedError,
    case_clock_extend,
    case_link,
    case_merge,
    case_notice_record,
    case_transition,
    intake_create,
)
from complaints.services.inputs import PARSERS, PAYERS
from core import documents
from core.clocks.holidays import HolidayRow, calendar_import
from core.clocks.notifications import ESCALATION, REMINDER
from core.clocks.recalculate import RECALCULATED
from core.clocks.sweep import clock_sweep_run
from core.models import ClockRule, Event, Ground, Office, OutboxEntry
from core.roles import Role
from tests.cases.factories import make_intake_data, make_staff

CASE_LABEL = Case._meta.label_lower
CITY_OFFICE = "amr-430100"
#: Years the reference calendar does not cover yet: clocks reaching into them
#: are provisional until a holiday import settles them.
UNLOADED_YEARS = (2027, 2028)
CLOCK_FIELDS = (
    "owner_id",
    "kind",
    "unit",
    "amount",
    "started_on",
    "due_on",
    "paused_on",
    "paused_days",
    "stopped_on",
    "provisional",
    "reminded_at",
    "escalated_at",
)
EVENT_FIELDS = (
    "id",
    "owner_id",
    "version",
    "actor_id",
    "action",
    "from_status",
    "to_status",
    "reason_code",
    "note",
    "data",
    "created_at",
)
_work_orders = itertools.count(1)

Draw = Callable[..., Any]


@dataclass(frozen=True)
class Staff:
    operator: Any
    handler: Any
    mediator: Any
    investigator: Any
    head: Any

    def for_permission(self, permission: str) -> Any:
        for user in (self.handler, self.mediator, self.investigator):
            if user.has_perm(permission):
                return user
        raise AssertionError(f"no staff user holds {permission}")


@pytest.fixture
def staff(postgres: None) -> Staff:
    # Everyone works at the city bureau, so that a transfer between two of its
    # counties leaves the case within everyone's reach.
    city = Office.objects.get(code=CITY_OFFICE)
    head = make_staff(Role.CASE_HANDLER, city)
    city.head = head
    city.save(update_fields=["head"])
    return Staff(
        operator=make_staff(Role.HOTLINE_OPERATOR, "hotline-12345"),
        handler=make_staff(Role.CASE_HANDLER, city),
        mediator=make_staff(Role.MEDIATOR, city),
        investigator=make_staff(Role.ENFORCEMENT_OFFICER, city),
        head=head,
    )


@dataclass
class World:
    staff: Staff
    ids: list[int] = field(default_factory=list)
    #: Per case, the transitions still to take on the shortest path to the
    #: state it was given at intake (complaints.lifecycle.path_to).
    plans: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Trail:
    """What the database holds for the cases of one example."""

    cases: dict[int, tuple[int, str]]
    events: dict[int, list[dict[str, Any]]]
    outbox: dict[int, list[int]]
    clocks: dict[int, tuple[Any, ...]]


def read_trail(ids: Iterable[int]) -> Trail:
    ids = list(ids)
    case_type = ContentType.objects.get_for_model(Case)
    cases = {
        pk: (version, status)
        for pk, version, status in Case.objects.filter(pk__in=ids).values_list(
            "pk", "version", "status"
        )
    }
    events: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for row in (
        Event.objects.filter(owner_type=case_type, owner_id__in=ids)
        .order_by("id")
        .values(*EVENT_FIELDS)
    ):
        events[row["owner_id"]].append(row)
    outbox: dict[int, list[int]] = {pk: [] for pk in ids}
    for object_id, version in (
        OutboxEntry.objects.filter(model=CASE_LABEL, object_id__in=ids)
        .order_by("id")
        .values_list("object_id", "version")
    ):
        outbox[object_id].append(version)
    clocks = {
        row[0]: row[1:]
        for row in case_clocks().filter(owner_id__in=ids).values_list("pk", *CLOCK_FIELDS)
    }
    return Trail(cases, events, outbox, clocks)


@dataclass
class Expected:
    """The events one operation should have written, by case."""

    actions: dict[int, Counter[str]] = field(default_factory=dict)
    actor: Any = None

    def add(self, case_id: int, action: str) -> None:
        self.actions.setdefault(case_id, Counter())[action] += 1


def recorded_clock_kinds(data: dict[str, Any]) -> set[str]:
    """The clock kinds an event says it moved."""
    kinds = set(data.get("clocks", ()))
    for key in ("clock", "extension"):
        if data.get(key):
            kinds.add(data[key])
    return kinds


def changed_clock_kinds(before: Trail, after: Trail) -> dict[int, set[str]]:
    changed: dict[int, set[str]] = {}
    kind_at = CLOCK_FIELDS.index("kind")
    for pk, row in after.clocks.items():
        if before.clocks.get(pk) != row:
            changed.setdefault(row[0], set()).add(row[kind_at])
    # Clocks are stopped, never deleted.
    assert set(before.clocks) <= set(after.clocks)
    return changed


def assert_change(before: Trail, after: Trail, expected: Expected) -> None:
    moved = changed_clock_kinds(before, after)
    for pk, events in after.events.items():
        old = before.events.get(pk, [])
        # Events are immutable: what was there is still there, unchanged.
        assert events[: len(old)] == old, pk
        new = events[len(old) :]
        want = expected.actions.get(pk, Counter())
        assert Counter(e["action"] for e in new) == want, (pk, [e["action"] for e in new])
        old_version = before.cases[pk][0] if pk in before.cases else 0
        version = after.cases[pk][0]
        # One version per event: nothing bumps a case without recording why.
        assert version - old_version == len(new), (pk, old_version, version, len(new))
        assert [e["version"] for e in new] == list(range(old_version + 1, version + 1))
        for event in new:
            assert event["actor_id"] == getattr(expected.actor, "pk", None), event
        # A clock moves only with an event of its case that names it.
        recorded = set().union(*(recorded_clock_kinds(e["data"]) for e in new))
        assert moved.get(pk, set()) == recorded, (pk, moved.get(pk), recorded)
        if not new:
            assert before.cases.get(pk) == after.cases[pk]


def assert_trail(trail: Trail) -> None:
    for pk, (version, status) in trail.cases.items():
        events = trail.events[pk]
        versions = [e["version"] for e in events]
        # Numbered 1, 2, 3… without gaps; the case is at its latest number.
        assert versions == list(range(1, len(events) + 1)), (pk, versions)
        assert version == versions[-1], (pk, version, versions)
        # Every change reached the search outbox with its own version.
        assert trail.outbox[pk] == versions, (pk, trail.outbox[pk], versions)
        first, *rest = events
        assert first["action"] == "registered" and first["version"] == 1
        replayed = first["to_status"]
        assert replayed == Status.REGISTERED
        ended = False
        for event in rest:
            assert event["from_status"] == replayed, (pk, event)
            spec = lifecycle.get(event["action"])
            if spec is not None:
                assert replayed in spec.source and event["to_status"] == spec.target, event
            else:
                assert event["to_status"] == replayed, event
            if ended:
                # A final case only hears of the notices that follow its end.
                assert event["action"] == "notice", (pk, event)
            replayed = event["to_status"]
            ended = replayed in FINAL_STATES
        assert replayed == status, (pk, replayed, status)


# --- Operations ------------------------------------------------------------------


def op_intake(draw: Draw, world: World) -> Expected:
    ids, staff = world.ids, world.staff
    # "both" first: the simplest example then already holds both kinds of case.
    kind = draw(st.sampled_from(["both", "report", "complaint"]), label="intake kind")
    channel = draw(st.sampled_from(["phone", "12345"]), label="channel")
    days_ago = draw(st.integers(0, 300), label="received days ago")
    data = make_intake_data(
        kind=kind,
        channel=channel,
        work_order_no=f"WO-EVT-{next(_work_orders):06d}" if channel == "12345" else "",
        received_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    result = intake_create(data=data, actor=staff.operator)
    expected = Expected(actor=staff.operator)
    for case in result.cases:
        ids.append(case.pk)
        expected.add(case.pk, "registered")
        goals = sorted({t.target for t in lifecycle.for_kind(case.kind)})
        goal = draw(st.sampled_from(goals), label="goal")
        world.plans[case.pk] = [t.name for t in lifecycle.path_to(case.kind, goal) or ()]
    assert len(result.cases) == (2 if kind == "both" else 1)
    return expected


def declared_names(case: Case) -> list[str]:
    return [t.name for t in lifecycle.for_kind(case.kind) if case.status in t.source]


def transition_params(
    draw: Draw, spec: lifecycle.Transition, case: Case, staff: Staff
) -> dict[str, Any] | None:
    """Valid values for the inputs the transition declares; None when the
    example holds no valid value (no report to merge into)."""
    params: dict[str, Any] = {}
    for name in spec.inputs:
        assert name in PARSERS, name
        if name == "to_office":
            offices = list(
                Office.objects.filter(parent__code=CITY_OFFICE, kind="county_amr")
                .exclude(pk=case.office_id)
                .order_by("code")[:3]
            )
            params[name] = draw(st.sampled_from(offices), label="to office").pk
        elif name == "mediator":
            params[name] = staff.mediator.pk
        elif name == "amount":
            amount = draw(st.decimals(0, 100_000, places=2), label="amount")
            params[name] = str(amount)
        elif name == "payer":
            params[name] = draw(st.sampled_from(PAYERS), label="payer")
        elif name == "satisfaction":
            params[name] = draw(st.none() | st.integers(1, 5), label="satisfaction")
        elif name == "original":
            originals = sorted(
                Case.objects.filter(kind=case.kind)
                .exclude(pk=case.pk)
                .exclude(status=Status.MERGED)
                .values_list("pk", flat=True)
            )
            if not originals:
                return None
            params[name] = draw(st.sampled_from(originals), label="original")
        else:
            raise AssertionError(f"no valid value known for the declared input {name!r}")
    return params


def movable_cases(ids: list[int]) -> list[int]:
    return [pk for pk in ids if declared_names(Case.objects.get(pk=pk))]


def op_transition(draw: Draw, world: World) -> Expected | None:
    ids, staff = world.ids, world.staff
    movable = movable_cases(ids)
    if not movable:
        return None
    case = Case.objects.get(pk=draw(st.sampled_from(movable), label="case"))
    names = declared_names(case)
    plan = world.plans.get(case.pk, [])
    if plan and plan[0] in names:
        name = plan.pop(0)
    else:
        # Goal reached, or another operation took the case elsewhere: from
        # here on it wanders.
        world.plans.pop(case.pk, None)
        name = draw(st.sampled_from(names), label="transition")
    spec = lifecycle.BY_NAME[name]
    params = transition_params(draw, spec, case, staff)
    if params is None:
        return None
    reason = ""
    if spec.ground_kind is not None:
        codes = sorted(
            Ground.objects.filter(rule_set_id=case.rule_set_id, kind=spec.ground_kind).values_list(
                "code", flat=True
            )
        )
        reason = draw(st.sampled_from(codes), label="reason code")
    actor = staff.for_permission(spec.permission)
    case_transition(case_id=case.pk, name=name, actor=actor, reason_code=reason, params=params)
    expected = Expected(actor=actor)
    expected.add(case.pk, name)
    return expected


def op_refused(draw: Draw, world: World) -> Expected:
    ids, staff = world.ids, world.staff
    case = Case.objects.get(pk=draw(st.sampled_from(ids), label="case"))
    refusals = ["not_in_this_state"]
    if case.kind == "report" and case.status in lifecycle.BY_NAME["merge_into"].source:
        refusals.append("merge_into_itself")
    if case.status in lifecycle.BY_NAME["transfer"].source and case.kind == "complaint":
        refusals.append("transfer_to_own_office")
    refusal = draw(st.sampled_from(refusals), label="refusal")
    with pytest.raises((TransitionNotAllowedError, ValidationError)):
        if refusal == "merge_into_itself":
            case_merge(case_id=case.pk, into_id=case.pk, actor=staff.handler)
        elif refusal == "transfer_to_own_office":
            case_transition(
                case_id=case.pk,
                name="transfer",
                actor=staff.handler,
                reason_code="competent-office",
                params={"to_office": case.office_id},
            )
        else:
            allowed = set(declared_names(case))
            names = [t.name for t in lifecycle.TRANSITIONS if t.name not in allowed]
            name = draw(st.sampled_from(names), label="refused transition")
            case_transition(case_id=case.pk, name=name, actor=staff.handler)
    return Expected()


def op_link(draw: Draw, world: World) -> Expected | None:
    ids, staff = world.ids, world.staff
    if len(ids) < 2:
        return None
    first, second = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
    linked = Case.objects.get(pk=first).related_cases.filter(pk=second).exists()
    finals = {
        pk
        for pk, status in Case.objects.filter(pk__in=[first, second]).values_list("pk", "status")
        if status in FINAL_STATES
    }
    case_link(case_id=first, other_id=second, actor=staff.handler)
    expected = Expected(actor=staff.handler)
    if not linked:
        for pk in (first, second):
            if pk not in finals:
                expected.add(pk, "linked")
    return expected


def op_merge(draw: Draw, world: World) -> Expected | None:
    ids, staff = world.ids, world.staff
    sources = lifecycle.BY_NAME["merge_into"].source
    reports = Case.objects.filter(pk__in=ids, kind="report")
    repeats = sorted(reports.filter(status__in=sources).values_list("pk", flat=True))
    if not repeats:
        return None
    repeat = draw(st.sampled_from(repeats), label="repeat")
    originals = sorted(
        reports.exclude(pk=repeat).exclude(status=Status.MERGED).values_list("pk", flat=True)
    )
    if not originals:
        return None
    original = draw(st.sampled_from(originals), label="original")
    case_merge(case_id=repeat, into_id=original, actor=staff.handler)
    expected = Expected(actor=staff.handler)
    expected.add(repeat, "merge_into")
    return expected


def op_notice(draw: Draw, world: World) -> Expected:
    ids, staff = world.ids, world.staff
    case_id = draw(st.sampled_from(ids), label="case")
    kind = draw(st.sampled_from(Notice.Kind.values), label="notice kind")
    via = draw(st.sampled_from(Notice.Via.values), label="via")
    case_notice_record(case_id=case_id, kind=kind, via=via, actor=staff.handler, proof="回执")
    expected = Expected(actor=staff.handler)
    expected.add(case_id, "notice")
    return expected


def op_extend(draw: Draw, world: World) -> Expected | None:
    ids, staff = world.ids, world.staff
    candidates = []
    for clock in case_clocks().filter(owner_id__in=ids, stopped_on__isnull=True).order_by("pk"):
        case = Case.objects.get(pk=clock.owner_id)
        extension = (
            ClockRule.objects.filter(rule_set_id=case.rule_set_id, extends=clock.kind)
            .values_list("kind", flat=True)
            .first()
        )
        if extension and not case_clocks().filter(owner_id=case.pk, kind=extension).exists():
            candidates.append((case.pk, clock.kind))
    if not candidates:
        return None
    case_id, kind = draw(st.sampled_from(candidates), label="extended clock")
    case_clock_extend(case_id=case_id, clock=kind, reason="需要检验", actor=staff.head)
    expected = Expected(actor=staff.head)
    expected.add(case_id, "clock_extended")
    return expected


def op_sweep(draw: Draw, world: World) -> Expected:
    ids = world.ids
    days = draw(st.integers(0, 120), label="sweep days ahead")
    before = read_trail(ids)
    counts = clock_sweep_run(today=timezone.localdate() + dt.timedelta(days=days))
    after = read_trail(ids)
    # The marks the sweep left on the clocks are what its events must say.
    expected = Expected()
    reminded_at = CLOCK_FIELDS.index("reminded_at")
    escalated_at = CLOCK_FIELDS.index("escalated_at")
    for pk, row in after.clocks.items():
        old = before.clocks[pk]
        if old[reminded_at] is None and row[reminded_at] is not None:
            expected.add(row[0], REMINDER)
        if old[escalated_at] is None and row[escalated_at] is not None:
            expected.add(row[0], ESCALATION)
    marks = sum((c for c in expected.actions.values()), Counter[str]())
    assert counts == {"reminded": marks[REMINDER], "escalated": marks[ESCALATION]}
    return expected


def op_holidays(draw: Draw, world: World) -> Expected:
    ids = world.ids
    year = draw(st.sampled_from(UNLOADED_YEARS), label="holiday year")
    days = draw(
        st.lists(
            st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            min_size=1,
            max_size=6,
            unique=True,
        ),
        label="holiday exceptions",
    )
    # Weekdays become holidays and weekends make-up working days.
    rows = [HolidayRow(0, day, day.weekday() >= 5, "测试") for day in sorted(days)]
    before = read_trail(ids)
    calendar_import(rows=rows, source="test notice")
    after = read_trail(ids)
    expected = Expected()
    due_on, provisional = CLOCK_FIELDS.index("due_on"), CLOCK_FIELDS.index("provisional")
    stopped_on = CLOCK_FIELDS.index("stopped_on")
    for pk, row in after.clocks.items():
        old = before.clocks[pk]
        if row != old:
            # Only running provisional deadlines are recounted.
            assert old[provisional] and old[stopped_on] is None, (old, row)
            assert (row[due_on], row[provisional]) != (old[due_on], old[provisional])
            expected.add(row[0], RECALCULATED)
    return expected


OPERATIONS: dict[str, Callable[[Draw, World], Expected | None]] = {
    "intake": op_intake,
    "transition": op_transition,
    "refused": op_refused,
    "link": op_link,
    "merge": op_merge,
    "notice": op_notice,
    "extend": op_extend,
    "sweep": op_sweep,
    "holidays": op_holidays,
}
#: Transitions are what most of a case's life is made of; a handful of cases
#: is enough for links and merges, and keeps each example's trail short.
WEIGHTED = [*["transition"] * 8, "intake", "refused", "link", "merge", "notice", "extend"]
WEIGHTED += ["sweep", "holidays", "holidays"]
MAX_CASES = 5


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_change_is_one_numbered_event_in_the_outbox(staff: Staff, data: Any) -> None:
    assert documents.is_registered(CASE_LABEL)
    with transaction.atomic():
        world = World(staff)
        ids = world.ids
        steps = data.draw(st.integers(1, 24), label="operations")
        for step in range(steps):
            choices = WEIGHTED
            if not movable_cases(ids):
                # Every case has ended: only a new one can move on.
                choices = ["intake", *(c for c in WEIGHTED if c not in ("intake", "transition"))]
            elif len(ids) >= MAX_CASES:
                choices = [c for c in choices if c != "intake"]
            if not ids:
                choices = ["intake"]
            name = data.draw(st.sampled_from(choices), label=f"op {step}")
            before = read_trail(ids)
            expected = OPERATIONS[name](data.draw, world) or Expected()
            after = read_trail(ids)
            assert_change(before, after, expected)
            assert_trail(after)
        transaction.set_rollback(True)


def test_the_trail_checks_catch_a_change_without_its_event(staff: Staff) -> None:
    # The property above is only as good as its checks: a version bump, a
    # status change and a clock move that bypass the event writer must fail
    # them.
    case = intake_create(data=make_intake_data(), actor=staff.operator).cases[0]
    clean = read_trail([case.pk])
    assert_trail(clean)

    Case.objects.filter(pk=case.pk).update(version=2)
    with pytest.raises(AssertionError):
        assert_trail(read_trail([case.pk]))
    with pytest.raises(AssertionError):
        assert_change(clean, read_trail([case.pk]), Expected())
    Case.objects.filter(pk=case.pk).update(version=1, status=Status.ACCEPTED)
    with pytest.raises(AssertionError):
        assert_trail(read_trail([case.pk]))
    Case.objects.filter(pk=case.pk).update(status=Status.REGISTERED)
    case_clocks().filter(owner_id=case.pk).update(paused_on=timezone.localdate())
    with pytest.raises(AssertionError):
        assert_change(clean, read_trail([case.pk]), Expected())
    case_clocks().filter(owner_id=case.pk).update(paused_on=None)
    OutboxEntry.objects.filter(model=CASE_LABEL, object_id=case.pk).delete()
    with pytest.raises(AssertionError):
        assert_trail(read_trail([case.pk]))
