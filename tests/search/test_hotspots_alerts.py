"""The daily hotspot run (docs/legal-basis.md §8: hotspots are leads, not findings;
each becomes a report case with its own 15-WD clock after a human review).

Cases go through the intake service and their documents through the search
backend, as in production; the run must create one lead per new or growing
hotspot, route it to the competent office, and create nothing on a re-run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from complaints.models import Case, Channel, ClockKind
from complaints.services import intake_create
from core.models import Clock, ProductCategory, Region
from core.roles import Role
from core.routing import competent_office
from search.backends import SearchBackend, get_backend
from search.documents import case_document, case_queryset
from search.hotspots.models import HotspotAlert, HotspotChange
from search.hotspots.services import hotspot_alert_notify, hotspot_alerts_run
from tests.cases.factories import make_intake_data, make_staff, mobile, office_for
from tests.search.conftest import engine_backend

COUNTY = "430102"
CATEGORY = "food-liquor"
SELLER = "长沙市芙蓉区好运烟酒店"


def file_cases(
    n: int, *, operator: Any, days_ago: int = 3, problem_type: str = "fake-brand"
) -> list[Case]:
    """n complaints by n different people against one seller, counterfeit."""
    now = timezone.now()
    cases = []
    for i in range(n):
        data = make_intake_data(
            complainant_phone=mobile(),
            complainant_name=f"投诉人{i}",
            business_name=SELLER,
            region=COUNTY,
            category=CATEGORY,
            problem_type=problem_type,
            brand="茅台",
            description="买到假冒茅台，防伪码无效。",
            received_at=now - dt.timedelta(days=days_ago + i, hours=1),
        )
        cases.append(intake_create(data=data, actor=operator).cases[0])
    return cases


def index_cases(backend: SearchBackend, cases: list[Case]) -> None:
    docs = [case_document(c) for c in case_queryset().filter(pk__in=[c.pk for c in cases])]
    result = backend.index_documents(docs)
    assert result.failed == 0, result.errors
    backend.refresh()


@pytest.fixture
def backend(request: pytest.FixtureRequest, postgres: None) -> Iterator[SearchBackend]:
    engine = engine_backend(request, "database", "alerts")
    engine.drop()
    engine.ensure_index()
    yield engine
    engine.drop()


def leads() -> list[Case]:
    return list(Case.objects.filter(channel=Channel.HOTSPOT))


def test_a_new_hotspot_becomes_one_routed_report_lead_with_its_clock(
    backend: SearchBackend,
) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    cases = file_cases(3, operator=operator, problem_type="passing-off")
    index_cases(backend, cases)
    today = timezone.localdate()

    run = hotspot_alerts_run(run_on=today, backend=backend)

    assert len(run.leads) == 1
    (lead,) = leads()
    assert lead.kind == "report" and lead.pk == run.leads[0]
    assert lead.problem_type.code == "passing-off"  # the cell's own problem
    expected_office = competent_office(
        category=ProductCategory.objects.get(code=CATEGORY), region=Region.objects.get(code=COUNTY)
    )
    assert lead.office == expected_office
    clock = Clock.objects.get(case=lead, stopped_on__isnull=True)
    assert clock.kind == ClockKind.REPORT_VERIFICATION  # 15 WD, docs/legal-basis.md §2
    assert clock.started_on == timezone.localdate(lead.received_at)
    assert set(lead.related_cases.values_list("pk", flat=True)) == {c.pk for c in cases}
    alert = HotspotAlert.objects.get(lead=lead)
    assert alert.change == HotspotChange.NEW
    assert alert.office == expected_office
    assert alert.distinct_complainants == 3 and alert.count == 3
    # No personal data travels into the lead's text.
    for case in cases:
        assert case.complainant_phone not in lead.description


def test_rerunning_the_same_day_creates_nothing(backend: SearchBackend) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    index_cases(backend, file_cases(4, operator=operator))
    today = timezone.localdate()
    first = hotspot_alerts_run(run_on=today, backend=backend)
    alerts, cases = HotspotAlert.objects.count(), Case.objects.count()

    again = hotspot_alerts_run(run_on=today, backend=backend)

    assert len(first.leads) == 1
    assert again.leads == [] and again.recorded == []
    assert HotspotAlert.objects.count() == alerts
    assert Case.objects.count() == cases


def test_only_new_or_growing_hotspots_make_leads(backend: SearchBackend) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    index_cases(backend, file_cases(3, operator=operator))
    today = timezone.localdate()
    hotspot_alerts_run(run_on=today, backend=backend)

    steady = hotspot_alerts_run(run_on=today + dt.timedelta(days=1), backend=backend)
    assert [a.change for a in steady.recorded] == [HotspotChange.ONGOING]
    assert steady.leads == []

    # Twice as many people now: growing (factor 1.5 by default).
    index_cases(backend, file_cases(3, operator=operator, days_ago=1))
    grown = hotspot_alerts_run(run_on=today + dt.timedelta(days=2), backend=backend)
    sellers = [a for a in grown.recorded if a.dimension == "seller"]
    assert [a.change for a in sellers] == [HotspotChange.GROWING]
    # Six signals in one region x category with no baseline also surge, so
    # the brand's cell is a new hotspot of its own: one lead each.
    assert all(
        (a.lead_id is not None) == (a.change != HotspotChange.ONGOING) for a in grown.recorded
    )
    assert len(grown.leads) == sum(a.change != HotspotChange.ONGOING for a in grown.recorded)
    assert len(leads()) == 1 + len(grown.leads)


def test_below_the_thresholds_nothing_is_recorded(backend: SearchBackend) -> None:
    """Two distinct complainants against one seller are not a hotspot
    (docs/legal-basis.md §8: at least 3)."""
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    index_cases(backend, file_cases(2, operator=operator))
    run = hotspot_alerts_run(run_on=timezone.localdate(), backend=backend)
    assert run.recorded == [] and leads() == []


def test_the_office_is_told_once(backend: SearchBackend) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    index_cases(backend, file_cases(3, operator=operator))
    office = office_for(COUNTY)
    handler = make_staff(Role.CASE_HANDLER, office, email="handler@example.org")
    run = hotspot_alerts_run(run_on=timezone.localdate(), backend=backend)
    alert = HotspotAlert.objects.get(lead_id=run.leads[0])
    mail.outbox.clear()

    assert hotspot_alert_notify(alert_id=alert.pk) is True
    assert hotspot_alert_notify(alert_id=alert.pk) is False

    assert len(mail.outbox) == 1
    assert handler.email in mail.outbox[0].to
    assert alert.lead is not None and alert.lead.tracking_code in mail.outbox[0].subject


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_on_a_real_worker_is_idempotent(
    transactional_postgres: None, celery_worker: str
) -> None:
    """Two runs at once on the worker's two threads, then a third: one lead."""
    from search.hotspots.tasks import hotspot_alerts

    backend = get_backend()  # the worker reads the same settings
    backend.drop()
    backend.ensure_index()
    try:
        operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
        index_cases(backend, file_cases(3, operator=operator))
        today = timezone.localdate().isoformat()
        concurrent = [hotspot_alerts.delay(today), hotspot_alerts.delay(today)]
        results = [r.get(timeout=120) for r in concurrent]
        later = hotspot_alerts.delay(today).get(timeout=120)
    finally:
        backend.drop()
    assert sorted(results) == [0, 1]
    assert later == 0
    assert len(leads()) == 1
    assert HotspotAlert.objects.filter(run_on=timezone.localdate()).count() == 1


def test_the_runs_are_listed_read_only_in_the_admin(
    backend: SearchBackend, admin_client: Any
) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    index_cases(backend, file_cases(3, operator=operator))
    hotspot_alerts_run(run_on=timezone.localdate(), backend=backend)
    alert = HotspotAlert.objects.get()
    listing = admin_client.get("/admin/search/hotspotalert/")
    assert listing.status_code == 200
    assert alert.cell_key in listing.content.decode()
    assert admin_client.get("/admin/search/hotspotalert/add/").status_code == 403
