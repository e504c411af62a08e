"""The move of the shared models into core (core 0001-0003, complaints 0005,
search 0101) on a database that holds cases: every reference row, case, case
clock, case event and outbox row written before the move is there after it,
under the same id and with the same content, and the cases' foreign keys
still resolve. The test migrates the real test database back to the schema
before core existed and forward again, and always leaves it at the latest
migrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from complaints.models import Case, Notice
from core.events import event_write
from core.models import Clock, Event, OutboxEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("transactional_postgres"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The last migrations before core existed; core itself goes back to zero.
BEFORE_CORE = [("complaints", "0004_caseclock_paused_days"), ("search", "0100_hotspot_alerts")]
#: Reference models that moved, by the app that held them before.
MOVED = {
    "complaints": [
        "Region",
        "ProductCategory",
        "ProblemType",
        "RuleSet",
        "Ground",
        "ClockRule",
        "Office",
        "RoutingRule",
        "StaffProfile",
        "CalendarYear",
        "CalendarDay",
    ],
    "search": ["OutboxEntry"],
}
CLOCK_COLUMNS = (
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
EVENT_COLUMNS = (
    "actor_id",
    "action",
    "from_status",
    "to_status",
    "reason_code",
    "note",
    "rule_set",
    "data",
    "created_at",
)


def at(day: str, time: str = "10:30:00.123456") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


def rows(model: Any) -> dict[Any, dict[str, Any]]:
    """Every row of `model` by primary key, as stored."""
    return {row["pk"]: row for row in model._default_manager.values("pk", *field_names(model))}


def field_names(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def assert_kept(old: dict[Any, dict[str, Any]], new: dict[Any, dict[str, Any]], what: str) -> None:
    """Every old row is still there under its key, with the values it had
    (columns added since may hold anything)."""
    assert set(old) <= set(new), (what, set(old) - set(new))
    for pk, row in old.items():
        assert {k: new[pk][k] for k in row} == row, (what, pk)


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield MigrationExecutor(connection)
    finally:
        # Whatever happened, the rest of the run gets the latest schema.
        MigrationExecutor(connection).migrate(leaves)
        ContentType.objects.clear_cache()


def seed(old: Any) -> dict[str, Any]:
    """Rows of every kind the move touches, written through the historical
    models. Clock and event ids are neither 1 nor consecutive, so that a copy
    that renumbers them, or a sequence left behind them, would show."""
    User = old.get_model("auth", "User")
    Region = old.get_model("complaints", "Region")
    Office = old.get_model("complaints", "Office")
    ProductCategory = old.get_model("complaints", "ProductCategory")
    ProblemType = old.get_model("complaints", "ProblemType")
    RuleSet = old.get_model("complaints", "RuleSet")
    ClockRule = old.get_model("complaints", "ClockRule")
    Ground = old.get_model("complaints", "Ground")
    RoutingRule = old.get_model("complaints", "RoutingRule")
    StaffProfile = old.get_model("complaints", "StaffProfile")
    CalendarYear = old.get_model("complaints", "CalendarYear")
    CalendarDay = old.get_model("complaints", "CalendarDay")
    OldCase = old.get_model("complaints", "Case")
    CaseClock = old.get_model("complaints", "CaseClock")
    CaseEvent = old.get_model("complaints", "CaseEvent")
    OldNotice = old.get_model("complaints", "Notice")
    OldOutbox = old.get_model("search", "OutboxEntry")
    HotspotAlert = old.get_model("search", "HotspotAlert")

    handler = User.objects.create(username="mig-handler", password="!")
    mediator = User.objects.create(username="mig-mediator", password="!")
    head = User.objects.create(username="mig-head", password="!")

    city = Region.objects.get(code="430100")
    region = Region.objects.create(
        code="430199",
        name="迁移测试区",
        name_en="Migration district",
        level="county",
        parent=city,
        latitude=28.1,
        longitude=112.9,
    )
    parent_office = Office.objects.get(code="amr-430100")
    office = Office.objects.create(
        code="amr-430199",
        name="迁移测试区市场监督管理局",
        kind="county_amr",
        region=region,
        parent=parent_office,
        head=head,
    )
    root = ProductCategory.objects.filter(parent=None).order_by("pk").first()
    assert root is not None
    category = ProductCategory.objects.create(
        code="mig-widgets",
        name="迁移测试商品",
        parent=root,
        path=f"{root.path}/mig-widgets",
        sort_order=99,
    )
    problem = ProblemType.objects.create(
        code="mig-problem", name="迁移测试问题", counterfeit_signal=True, sort_order=99
    )
    rule_set = RuleSet.objects.create(
        code="mig-rules", name="迁移测试规则", effective_from=dt.date(2001, 1, 1), source="test"
    )
    ClockRule.objects.create(
        rule_set=rule_set, kind="acceptance", amount=5, unit="working", source="test"
    )
    Ground.objects.create(
        rule_set=rule_set, kind="not_accepted", code="mig-ground", label="理由", sort_order=3
    )
    RoutingRule.objects.create(region=region, category=category, office=office, note="test")
    StaffProfile.objects.create(user=handler, office=office, display_name="办案员")
    StaffProfile.objects.create(user=mediator, office=office, display_name="调解员")
    CalendarYear.objects.create(year=2031, source="mig notice")
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), is_workday=False, name="元旦")

    def case(code: str, kind: str, **extra: Any) -> Any:
        return OldCase.objects.create(
            kind=kind,
            tracking_code=code,
            channel="phone",
            received_at=at("2026-03-02"),
            rule_set=rule_set,
            office=office,
            region=region,
            category=category,
            problem_type=problem,
            business_name="某某商贸有限公司",
            seller_key=f"name:{code}",
            description="质量问题",
            registered_by=handler,
            **extra,
        )

    complaint = case(
        "C-MIG-0001",
        "complaint",
        status="mediating",
        version=5,
        handler=handler,
        mediator=mediator,
        complainant_phone="13800138000",
        price=Decimal("59.90"),
    )
    report = case("R-MIG-0002", "report", status="verifying", version=2, linked_case=complaint)
    complaint.linked_case = report
    complaint.save(update_fields=["linked_case"])
    repeat = case(
        "R-MIG-0003",
        "report",
        status="merged",
        version=3,
        merged_into=report,
        closed_at=at("2026-03-09"),
    )
    complaint.related_cases.add(repeat)
    OldNotice.objects.create(
        case=complaint, kind="acceptance", via="sms", sent_at=at("2026-03-03"), actor=handler
    )

    CaseClock.objects.bulk_create(
        [
            CaseClock(
                id=7003,
                case=complaint,
                kind="acceptance",
                unit="working",
                amount=7,
                started_on=dt.date(2026, 3, 2),
                due_on=dt.date(2026, 3, 11),
                stopped_on=dt.date(2026, 3, 4),
                reminded_at=at("2026-03-09", "09:00:00"),
            ),
            CaseClock(
                id=7011,
                case=complaint,
                kind="mediation",
                unit="calendar",
                amount=60,
                started_on=dt.date(2026, 3, 4),
                due_on=dt.date(2026, 5, 11),
                paused_on=dt.date(2026, 4, 20),
                paused_days=6,
                provisional=True,
            ),
            CaseClock(
                id=7020,
                case=report,
                kind="report_verification",
                unit="working",
                amount=15,
                started_on=dt.date(2026, 3, 2),
                due_on=dt.date(2026, 3, 23),
                reminded_at=at("2026-03-18", "09:00:01"),
                escalated_at=at("2026-03-24", "09:00:02"),
            ),
            CaseClock(
                id=7021,
                case=repeat,
                kind="report_verification",
                unit="working",
                amount=15,
                started_on=dt.date(2026, 3, 2),
                due_on=dt.date(2026, 3, 23),
                stopped_on=dt.date(2026, 3, 9),
            ),
        ]
    )
    events = [
        (
            9001,
            complaint,
            handler,
            "registered",
            "registered",
            "registered",
            "",
            "",
            {"channel": "phone", "clocks": ["acceptance"]},
            at("2026-03-02", "10:30:00.000001"),
        ),
        (
            9004,
            complaint,
            handler,
            "accept",
            "registered",
            "accepted",
            "",
            "",
            {"clocks": ["acceptance", "mediation"]},
            at("2026-03-04", "11:00:00.5"),
        ),
        (
            9010,
            complaint,
            handler,
            "start_mediation",
            "accepted",
            "mediating",
            "",
            "电话\n调解",
            {"mediator": mediator.pk},
            at("2026-03-05"),
        ),
        (
            9011,
            complaint,
            None,
            "clock_reminder",
            "mediating",
            "mediating",
            "",
            "",
            {"clock": "acceptance", "due_on": "2026-03-11"},
            at("2026-03-09", "09:00:00"),
        ),
        (
            9020,
            report,
            handler,
            "registered",
            "registered",
            "registered",
            "",
            "",
            {"linked_case": complaint.pk},
            at("2026-03-02", "10:30:00.000002"),
        ),
        (
            9021,
            report,
            handler,
            "start_verification",
            "registered",
            "verifying",
            "",
            "",
            {},
            at("2026-03-03"),
        ),
        (
            9030,
            repeat,
            handler,
            "merge_into",
            "registered",
            "merged",
            "duplicate",
            "重复举报",
            {"original": report.pk, "amounts": ["1.10", 2], "nested": {"ok": True}},
            at("2026-03-09"),
        ),
    ]
    for pk, owner, actor, action, from_status, to_status, reason, note, data, created in events:
        CaseEvent.objects.create(
            id=pk,
            case=owner,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            reason_code=reason,
            note=note,
            rule_set="mig-rules",
            data=data,
        )
        # auto_now_add stamps the insert; the trail keeps the original time.
        CaseEvent.objects.filter(pk=pk).update(created_at=created)
    # Ids from the table's own sequence, with the gap a drained entry leaves.
    outbox = [
        OldOutbox.objects.create(model="complaints.case", object_id=complaint.pk, version=5),
        OldOutbox.objects.create(model="complaints.case", object_id=report.pk, version=1),
        OldOutbox.objects.create(
            model="complaints.case",
            object_id=report.pk,
            version=2,
            attempts=3,
            last_error="connection refused",
        ),
        OldOutbox.objects.create(
            model="complaints.case", object_id=repeat.pk, version=3, deleted=True
        ),
    ]
    outbox.pop(1).delete()
    OldOutbox.objects.filter(pk=outbox[1].pk).update(created_at=at("2026-03-02", "10:31:00"))
    HotspotAlert.objects.create(
        run_on=dt.date(2026, 3, 10),
        level="county",
        dimension="brand",
        cell_key="430199|mig",
        subject="mig",
        window_start=dt.date(2026, 2, 1),
        window_end=dt.date(2026, 3, 1),
        count=5,
        distinct_complainants=4,
        weeks_present=3,
        weighted_count=4.5,
        score=2.5,
        change="new",
        category=category,
        lead=report,
        office=office,
        region=region,
    )
    return {
        "cases": (complaint.pk, report.pk, repeat.pk),
        "handler": handler.pk,
        "reference": {
            name: rows(old.get_model(app, name)) for app, names in MOVED.items() for name in names
        },
        "case_rows": rows(OldCase),
        "clocks": rows(CaseClock),
        "events": rows(CaseEvent),
        "notices": rows(OldNotice),
        "alerts": rows(HotspotAlert),
        "outbox": [entry.pk for entry in outbox],
        "related": set(
            OldCase.related_cases.through.objects.values_list("from_case_id", "to_case_id")
        ),
    }


def test_moving_the_shared_models_to_core_keeps_rows_and_ids(
    executor: MigrationExecutor,
) -> None:
    moved_types = {
        (ct.model, ct.pk)
        for ct in ContentType.objects.filter(
            app_label="core", model__in=[n.lower() for names in MOVED.values() for n in names]
        )
    }
    assert len(moved_types) == sum(len(names) for names in MOVED.values())
    granted = set(
        current_apps.get_model("auth", "Permission")
        .objects.filter(content_type__app_label="core")
        .values_list("pk", "codename", "content_type_id")
    )

    executor.migrate([*BEFORE_CORE, ("core", None)])
    executor = MigrationExecutor(connection)
    assert not any(app == "core" for app, _name in executor.loader.applied_migrations)
    before = seed(executor.loader.project_state(BEFORE_CORE).apps)

    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    case_type = ContentType.objects.get_for_model(Case)

    # Reference data: every row, same id, same content.
    for names in MOVED.values():
        for name in names:
            assert_kept(before["reference"][name], rows(current_apps.get_model("core", name)), name)
    # Their content types moved with them, so the permissions on them (and
    # every grant of those) are the same rows.
    assert {
        (ct.model, ct.pk)
        for ct in ContentType.objects.filter(app_label="core", model__in=dict(moved_types))
    } == moved_types
    assert granted <= set(
        current_apps.get_model("auth", "Permission")
        .objects.filter(content_type__app_label="core")
        .values_list("pk", "codename", "content_type_id")
    )

    # Cases, with every foreign key resolving to the same row in core.
    assert_kept(before["case_rows"], rows(Case), "case")
    complaint_id, report_id, repeat_id = before["cases"]
    complaint = Case.objects.select_related(
        "office__parent", "region", "category", "problem_type", "rule_set", "linked_case"
    ).get(pk=complaint_id)
    assert complaint.office.code == "amr-430199"
    assert complaint.office.parent is not None and complaint.office.parent.code == "amr-430100"
    assert complaint.region.code == "430199"
    assert complaint.category.code == "mig-widgets"
    assert complaint.problem_type.code == "mig-problem"
    assert complaint.rule_set.code == "mig-rules"
    # Later migrations give every rule set the inspection's clock and grounds
    # (arbitration 0002); the rows seeded before the move are still there.
    assert complaint.rule_set.clocks.get(kind="acceptance").amount == 5
    assert complaint.rule_set.grounds.get(kind="not_accepted").code == "mig-ground"
    assert complaint.linked_case is not None and complaint.linked_case.pk == report_id
    assert complaint.office.staff.count() == 2
    assert Case.objects.get(pk=repeat_id).merged_into_id == report_id
    assert (
        set(Case.related_cases.through.objects.values_list("from_case_id", "to_case_id"))
        == (before["related"])
    )
    assert_kept(before["notices"], rows(Notice), "notice")
    assert_kept(before["alerts"], rows(current_apps.get_model("search", "HotspotAlert")), "alert")

    # Every case clock is a core clock of its case, same id, same fields.
    clocks = rows(Clock)
    assert set(clocks) == set(before["clocks"])
    for pk, old in before["clocks"].items():
        new = clocks[pk]
        assert (new["owner_type_id"], new["owner_id"]) == (case_type.pk, old["case_id"]), pk
        assert {c: new[c] for c in CLOCK_COLUMNS} == {c: old[c] for c in CLOCK_COLUMNS}, pk
    assert sorted(complaint.clocks.values_list("pk", flat=True)) == [7003, 7011]

    # Every case event is a core event of its case: same id, actor, content
    # and time. They predate versions, so they all carry version 0.
    events = rows(Event)
    assert set(events) == set(before["events"])
    for pk, old in before["events"].items():
        new = events[pk]
        assert (new["owner_type_id"], new["owner_id"]) == (case_type.pk, old["case_id"]), pk
        assert {c: new[c] for c in EVENT_COLUMNS} == {c: old[c] for c in EVENT_COLUMNS}, pk
        assert new["version"] == 0
    assert list(complaint.events.values_list("pk", flat=True)) == [9001, 9004, 9010, 9011]

    # The outbox entries are the same rows, in core's table.
    outbox = rows(OutboxEntry)
    assert list(outbox) == before["outbox"]
    assert [(r["object_id"], r["version"], r["deleted"]) for r in outbox.values()] == [
        (complaint_id, 5, False),
        (report_id, 2, False),
        (repeat_id, 3, True),
    ]
    retried = outbox[before["outbox"][1]]
    assert (retried["attempts"], retried["last_error"]) == (3, "connection refused")
    assert retried["created_at"] == at("2026-03-02", "10:31:00")

    tables = set(connection.introspection.table_names())
    assert {"complaints_caseclock", "complaints_caseevent", "search_outboxentry"}.isdisjoint(tables)
    assert {"core_clock", "core_event", "core_outboxentry", "core_office"} <= tables

    # New rows continue after the copied ids, and the next change of a
    # migrated case is numbered after its version.
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=report_id)
        event = event_write(owner=case, action="notice", data={"kind": "hearing"})
        assert event.pk > max(before["events"])
        assert event.version == 3 == Case.objects.get(pk=report_id).version
        entry = OutboxEntry.objects.latest("id")
        assert entry.pk > max(outbox)
        assert (entry.object_id, entry.version) == (report_id, 3)
        clock = Clock.objects.create(
            owner_type=case_type,
            owner_id=report_id,
            kind="report_decision",
            unit="calendar",
            amount=90,
            started_on=dt.date(2026, 3, 9),
            due_on=dt.date(2026, 6, 8),
        )
        assert clock.pk > max(before["clocks"])
        # Only the outcome matters; nothing here is meant to be kept.
        transaction.set_rollback(True)
