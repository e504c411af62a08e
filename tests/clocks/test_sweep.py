"""The clock sweep: a reminder to the handler at the due-soon threshold and an
escalation to the office head once overdue, each exactly once (issue 4, item 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from complaints.clocks import clock_state, clocks_on_intake, clocks_on_transition
from complaints.models import Case
from core.clocks.sweep import clock_sweep_run
from core.models import Clock, Event

from .oracle import ONE_DAY, oracle_working_days_in

MakeCase = Callable[..., Case]


def received_for(today: dt.date, elapsed_working_days: int) -> dt.date:
    """The latest receipt date with exactly `elapsed_working_days` working days
    in (receipt, today]."""
    day = today
    while oracle_working_days_in(day, today) < elapsed_working_days:
        day -= ONE_DAY
    return day


@dataclass
class Scene:
    due_soon: Case
    overdue: Case
    fresh: Case
    paused_overdue: Case
    handler_email: str
    head_email: str


def build_scene(make_case: MakeCase, today: dt.date, *, with_email: bool = True) -> Scene:
    users = get_user_model()
    handler = users.objects.create_user(
        username=f"handler-{today:%Y%m%d}",
        email="handler@example.org" if with_email else "",
        password="x",
    )
    head = users.objects.create_user(
        username=f"head-{today:%Y%m%d}",
        email="head@example.org" if with_email else "",
        password="x",
    )

    def case_received(received: dt.date) -> Case:
        case = make_case(received_on=received, handler=handler)
        clocks_on_intake(case=case, on=received)
        return case

    # 6 of 7 working days elapsed: past 80 %, not yet due.
    due_soon = case_received(received_for(today, 6))
    overdue = case_received(received_for(today, 12))
    fresh = case_received(received_for(today, 2))
    paused_overdue = case_received(received_for(today, 20))
    clocks_on_transition(
        case=paused_overdue, action="request_materials", on=received_for(today, 19)
    )
    office = due_soon.office
    office.head = head
    office.save(update_fields=["head"])
    return Scene(due_soon, overdue, fresh, paused_overdue, handler.email, head.email)


def events(case: Case, action: str) -> int:
    return Event.objects.filter(case=case, action=action).count()


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Runs the mail task in-process, so Django's test mail outbox sees it."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


def test_sweep_reminds_and_escalates_once_and_mails_the_right_people(
    postgres: None,
    settings: Any,
    make_case: MakeCase,
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = dt.date(2026, 3, 10)
    scene = build_scene(make_case, today)
    assert clock_state(scene.due_soon.clocks.get(), today=today) == "due_soon"
    versions = {c.pk: c.version for c in Case.objects.all()}

    # Mails speak the site's language (Chinese by default); compare in English.
    settings.LANGUAGE_CODE = "en"
    with django_capture_on_commit_callbacks(execute=True):
        first = clock_sweep_run(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        second = clock_sweep_run(today=today)

    assert first == {"reminded": 2, "escalated": 1}
    assert second == {"reminded": 0, "escalated": 0}
    assert events(scene.due_soon, "clock_reminder") == 1
    assert events(scene.due_soon, "clock_escalation") == 0
    assert events(scene.overdue, "clock_reminder") == 1
    assert events(scene.overdue, "clock_escalation") == 1
    # Paused before its deadline: the clock does not run, nothing is due.
    for quiet in (scene.fresh, scene.paused_overdue):
        assert not Event.objects.filter(case=quiet).exists()
        assert not quiet.clocks.filter(reminded_at__isnull=False).exists()

    recipients = sorted((m.subject.split(":")[0], tuple(m.to)) for m in mail.outbox)
    assert recipients == [
        ("Due soon", (scene.handler_email,)),
        ("Due soon", (scene.handler_email,)),
        ("Overdue", (scene.head_email,)),
    ]
    codes = {scene.due_soon.tracking_code, scene.overdue.tracking_code}
    assert {code for m in mail.outbox for code in codes if code in m.subject} == codes
    # Personal data stays out of the mail.
    assert not any("13800138000" in f"{m.subject} {m.body}" for m in mail.outbox)
    # Each mark is one event of the case, numbered with the case's new version.
    for case in Case.objects.all():
        marks = list(Event.objects.filter(case=case).order_by("id"))
        assert case.version == versions[case.pk] + len(marks)
        assert [e.version for e in marks] == list(range(versions[case.pk] + 1, case.version + 1))


def test_escalation_goes_to_the_parent_office_head_when_the_office_has_none(
    postgres: None,
    make_case: MakeCase,
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = dt.date(2026, 3, 10)
    case = make_case(received_on=received_for(today, 12))
    clocks_on_intake(case=case, on=case.received_at.date())
    parent = case.office.parent
    assert parent is not None
    parent.head = get_user_model().objects.create_user(
        username="city-head", email="city-head@example.org", password="x"
    )
    parent.save(update_fields=["head"])
    with django_capture_on_commit_callbacks(execute=True):
        clock_sweep_run(today=today)
    # Nobody handles the case yet: the reminder also goes up to the head.
    assert sorted(tuple(m.to) for m in mail.outbox) == [("city-head@example.org",)] * 2
    escalation = Event.objects.get(case=case, action="clock_escalation")
    assert escalation.data["recipient_id"] == parent.head.pk
    assert escalation.actor is None and escalation.to_status == case.status


def test_clock_sweep_task_on_a_real_worker_is_idempotent(
    transactional_postgres: None, celery_worker: str, make_case: MakeCase
) -> None:
    from core.tasks import clock_sweep

    today = timezone.localdate()
    # No mail addresses: the worker has no mail server to talk to, and the
    # mails themselves are checked in the test above.
    scene = build_scene(make_case, today, with_email=False)
    # Two sweeps at once (the worker runs two threads), then a third one.
    concurrent = [clock_sweep.delay(), clock_sweep.delay()]
    results = [r.get(timeout=60) for r in concurrent]
    later = clock_sweep.delay().get(timeout=60)

    assert sum(r["reminded"] for r in results) == 2
    assert sum(r["escalated"] for r in results) == 1
    assert later == {"reminded": 0, "escalated": 0}
    assert events(scene.due_soon, "clock_reminder") == 1
    assert events(scene.overdue, "clock_reminder") == 1
    assert events(scene.overdue, "clock_escalation") == 1
    assert events(scene.due_soon, "clock_escalation") == 0
    due_soon = Clock.objects.get(case=scene.due_soon)
    overdue = Clock.objects.get(case=scene.overdue)
    assert due_soon.reminded_at is not None and due_soon.escalated_at is None
    assert overdue.reminded_at is not None and overdue.escalated_at is not None
    for quiet in (scene.fresh, scene.paused_overdue):
        assert not Event.objects.filter(case=quiet).exists()


def test_a_clock_paused_after_its_deadline_escalates(
    postgres: None, make_case: MakeCase, django_capture_on_commit_callbacks: Any
) -> None:
    """Pausing does not undo a deadline already missed: the office head hears of it."""
    today = dt.date(2026, 3, 10)
    received = received_for(today, 12)
    case = make_case(received_on=received)
    clocks_on_intake(case=case, on=received)
    clocks_on_transition(case=case, action="request_materials", on=received_for(today, 2))
    clock = case.clocks.get(kind="acceptance")
    assert clock.paused_on is not None and clock.paused_on > clock.due_on
    assert clock_state(clock, today=today) == "overdue"
    with django_capture_on_commit_callbacks(execute=False):
        assert clock_sweep_run(today=today) == {"reminded": 1, "escalated": 1}
        assert clock_sweep_run(today=today) == {"reminded": 0, "escalated": 0}
    assert events(case, "clock_escalation") == 1
