"""The demo's supervisor seeding runs on top of seed_demo, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from supervisors.models import SpotCheck, Supervisor, SupervisorReport

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_demo]


def test_seed_supervisors_after_seed_demo_and_again() -> None:
    call_command("seed_demo", "--cases", "2", stdout=StringIO())
    call_command("seed_supervisors", stdout=StringIO())
    supervisor = Supervisor.objects.get(user__username="demo-supervisor")
    assert supervisor.status == "appointed" and supervisor.number
    statuses = sorted(SupervisorReport.objects.values_list("status", flat=True))
    assert statuses == ["submitted", "under_review", "verified"]
    assert SupervisorReport.objects.get(status="verified").case is not None
    out = StringIO()
    call_command("seed_supervisors", stdout=out)
    assert "keeping" in out.getvalue()
    assert SupervisorReport.objects.count() == 3 and SpotCheck.objects.count() == 2
