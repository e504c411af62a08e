"""The inspection and appraisal state machine through the real services on
PostgreSQL: the declaration, the lab's scope, the 15-day objection window
(仲裁检验鉴定办法第十七条) and the pause of the complaint's mediation clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from arbitration import lifecycle
from arbitration.lifecycle import InspectionKind, Status, is_appraisal, is_inspection
from arbitration.models import CustodyEntry, Inspection, Lab
from arbitration.selectors import inspections_visible_to
from arbitration.services import (
    inspection_apply,
    inspection_transition,
    sample_custody_record,
)
from complaints.models import Case
from complaints.services import StaleVersionError, TransitionNotAllowedError
from core.events import events_of
from core.models import Clock
from core.roles import Role
from tests.arbitration.conftest import MakeCase
from tests.arbitration.helpers import at, make_lab
from tests.cases.factories import make_staff, office_for
from tests.clocks.oracle import oracle_add_calendar_days, oracle_working_days_in

pytestmark = pytest.mark.usefixtures("postgres")

COMMISSION = {
    "items": [
        {"name": "蛋白质", "standard": "GB 19301-2010 4.3"},
        {"name": "菌落总数", "standard": "GB 19301-2010 4.4"},
    ],
    "mandatory_standard": "GB 19301-2010 食品安全国家标准 生乳",
    "sampling_method": "同批次未开封产品随机抽取2件，一件检验一件备样",
    "fee": "1200.00",
    "fee_prepaid_by": "consumer",
}


def case_clock(case: Case, kind: str) -> Clock:
    return Clock.objects.get(case=case, kind=kind)


def apply(case: Case, actor: Any, kind: str = InspectionKind.INSPECTION) -> Inspection:
    return inspection_apply(
        case_id=case.pk,
        kind=kind,
        applicant="consumer",
        subject="牛奶变质，双方对质量有争议",
        actor=actor,
    )


def step(inspection: Inspection, name: str, actor: Any, **params: Any) -> Inspection:
    reason = params.pop("reason_code", "")
    return inspection_transition(
        inspection_id=inspection.pk, name=name, actor=actor, reason_code=reason, params=params
    )


def commissioned(inspection: Inspection, inspector: Any, lab: Lab, due_on: dt.date) -> Inspection:
    step(inspection, "accept", inspector)
    return step(
        inspection, "commission", inspector, lab=lab.pk, due_on=due_on.isoformat(), **COMMISSION
    )


def reported(
    inspection: Inspection, inspector: Any, lab: Lab, day: dt.date, *, conforming: bool = False
) -> Inspection:
    commissioned(inspection, inspector, lab, day)
    step(inspection, "seal_samples", inspector, samples="YP-001 | 生乳 1L 封条完好\nYP-002 | 备样")
    step(inspection, "start_testing", inspector)
    items = list(Inspection.objects.get(pk=inspection.pk).items.all())
    results = [
        {"item": items[0].pk, "result": "2.6 g/100g", "conforming": "false"},
        {"item": items[1].pk, "result": "1.5×10^5 CFU/g", "conforming": "true"},
    ]
    return step(
        inspection, "issue_report", inspector, report_no="HNQI-2025-0001",
        results=results, conforming=conforming,
    )  # fmt: skip


# --- The declaration --------------------------------------------------------


def test_the_declaration_equals_the_django_fsm_graph() -> None:
    fsm = set()
    for t in Inspection._meta.get_field("status").get_all_transitions(Inspection):
        conditions = set(t.conditions or ())
        kind = (
            InspectionKind.INSPECTION if is_inspection in conditions
            else InspectionKind.APPRAISAL if is_appraisal in conditions else ""
        )  # fmt: skip
        fsm.add((t.name, str(t.source), str(t.target), str(t.permission), str(kind)))
    declared = {
        (t.name, str(s), str(t.target), t.permission, str(t.kind or ""))
        for t in lifecycle.TRANSITIONS
        for s in t.source
    }
    assert declared == fsm
    fields = {f.name for f in Inspection._meta.concrete_fields}
    for spec in lifecycle.TRANSITIONS:
        assert set(spec.fields) <= fields, spec.name
        assert set(spec.optional) <= set(spec.inputs), spec.name
        assert "_" not in str(spec.label), spec.name


def test_every_state_but_the_final_ones_leads_somewhere() -> None:
    sources = {s for t in lifecycle.TRANSITIONS for s in t.source}
    assert sources == set(lifecycle.OPEN_STATES)
    assert {t.target for t in lifecycle.TRANSITIONS if t.ends} == set(lifecycle.FINAL_STATES)


# --- Applying pauses mediation ------------------------------------------------


def test_applying_pauses_the_mediation_clock_through_the_case_service(
    mediating_case: MakeCase, mediator: Any
) -> None:
    case = mediating_case()
    inspection = apply(case, mediator)
    case = Case.objects.get(pk=case.pk)
    assert case.status == "inspection_pending"
    assert case_clock(case, "mediation").paused_on is not None
    assert list(case.events.values_list("action", flat=True))[-1] == "request_inspection"
    assert inspection.status == Status.APPLIED and inspection.rule_set_id == case.rule_set_id
    assert list(events_of(inspection).values_list("action", "version")) == [("applied", 1)]


def test_only_a_complaint_in_mediation_can_have_an_inspection(handler: Any, mediator: Any) -> None:
    from complaints.services import intake_create
    from tests.cases.factories import make_intake_data

    case = intake_create(data=make_intake_data(), actor=handler).cases[0]
    with pytest.raises(ValidationError):
        apply(case, mediator)
    assert not Inspection.objects.exists()


def test_a_case_handler_may_not_apply(mediating_case: MakeCase, handler: Any) -> None:
    case = mediating_case()
    with pytest.raises(PermissionDenied):
        apply(case, handler)


# --- The lab's scope ------------------------------------------------------------


def test_a_lab_outside_its_scope_cannot_be_commissioned(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    case = mediating_case()  # food-dairy
    inspection = apply(case, mediator)
    step(inspection, "accept", inspector)
    ebike_lab = make_lab("ebike")
    with pytest.raises(ValidationError) as err:
        step(inspection, "commission", inspector, lab=ebike_lab.pk,
             due_on=dt.date.today().isoformat(), **COMMISSION)  # fmt: skip
    assert "lab" in err.value.message_dict
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status == Status.ACCEPTED and inspection.lab is None
    # A lab whose scope is the parent category covers dairy.
    food_lab = make_lab("food")
    step(inspection, "commission", inspector, lab=food_lab.pk,
         due_on=dt.date.today().isoformat(), **COMMISSION)  # fmt: skip
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status == Status.COMMISSIONED and inspection.lab == food_lab
    assert inspection.quality_basis == "mandatory"
    assert [i.standard for i in inspection.items.all()] == [
        "GB 19301-2010 4.3", "GB 19301-2010 4.4"
    ]  # fmt: skip


def test_the_quality_basis_follows_its_legal_order(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("food")
    inspection = apply(mediating_case(), mediator)
    step(inspection, "accept", inspector)
    params = {
        **COMMISSION,
        "mandatory_standard": "",
        "agreed_standard": "合同约定：蛋白质≥3.0g/100g",
        "stated_quality": "包装标示：蛋白质3.2g/100g",
    }
    step(
        inspection,
        "commission",
        inspector,
        lab=lab.pk,
        due_on=dt.date.today().isoformat(),
        **params,
    )
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert (inspection.quality_basis, inspection.quality_basis_detail) == (
        "agreed", "合同约定：蛋白质≥3.0g/100g"
    )  # fmt: skip


def test_every_wrong_input_is_a_field_message(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    inspection = apply(mediating_case(), mediator)
    step(inspection, "accept", inspector)
    with pytest.raises(ValidationError) as err:
        step(inspection, "commission", inspector, lab="x", items="", due_on="2025-02-30",
             fee="-1", fee_prepaid_by="nobody", sampling_method="")  # fmt: skip
    assert set(err.value.message_dict) >= {
        "lab", "items", "mandatory_standard", "due_on", "fee", "fee_prepaid_by", "sampling_method"
    }  # fmt: skip


# --- Refusal --------------------------------------------------------------------


def test_refusal_needs_a_ground_of_the_rule_set_and_resumes_mediation(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    case = mediating_case()
    inspection = apply(case, mediator)
    with pytest.raises(ValidationError):
        step(inspection, "refuse", inspector, reason_code="because")
    step(inspection, "refuse", inspector, reason_code="technically-impossible")
    inspection = Inspection.objects.get(pk=inspection.pk)
    case = Case.objects.get(pk=case.pk)
    assert inspection.status == Status.REFUSED
    assert inspection.status_reason == "technically-impossible"
    assert case.status == "mediating"
    assert case_clock(case, "mediation").paused_on is None


# --- The report and the objection window --------------------------------------


def test_an_objection_after_15_days_is_refused(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("food")
    day = dt.date(2026, 5, 6)
    case = mediating_case(on=day)
    with at(day):
        inspection = apply(case, mediator)
        reported(inspection, inspector, lab, day)
    window = Clock.objects.get(inspection=inspection, kind="inspection_objection")
    assert (window.amount, window.unit, window.started_on) == (15, "calendar", day)
    assert window.due_on == oracle_add_calendar_days(day, 15)
    late = window.due_on + dt.timedelta(days=1)
    with at(late), pytest.raises(ValidationError) as err:
        step(inspection, "object", inspector, party="business")
    assert "15" in str(err.value)
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status == Status.REPORT_ISSUED
    # After the window the report becomes final, and mediation resumes.
    with at(late):
        step(inspection, "finalize", inspector, fee_borne_by="business")
    inspection = Inspection.objects.get(pk=inspection.pk)
    case = Case.objects.get(pk=case.pk)
    assert inspection.status == Status.FINAL and inspection.fee_borne_by == "business"
    assert case.status == "mediating"


def test_an_objection_within_15_days_leads_to_a_retest(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("food")
    day = dt.date(2026, 5, 6)
    case = mediating_case(on=day)
    with at(day):
        inspection = apply(case, mediator)
        reported(inspection, inspector, lab, day)
    window = Clock.objects.get(inspection=inspection, kind="inspection_objection")
    with at(day), pytest.raises(ValidationError):
        step(inspection, "finalize", inspector)  # the window still runs
    with at(window.due_on):
        step(inspection, "object", inspector, party="business")
        step(inspection, "order_retest", inspector)
    inspection = Inspection.objects.get(pk=inspection.pk)
    window.refresh_from_db()
    assert inspection.status == Status.TESTING and inspection.retest_round == 1
    assert window.stopped_on == window.due_on
    case = Case.objects.get(pk=case.pk)
    assert case.status == "inspection_pending"


def test_the_report_records_a_result_per_item_and_refuses_contradictions(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("food")
    inspection = apply(mediating_case(), mediator)
    with pytest.raises(ValidationError) as err:
        reported(inspection, inspector, lab, dt.date.today(), conforming=True)
    assert "conforming" in err.value.message_dict
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status == Status.TESTING
    items = list(inspection.items.all())
    step(inspection, "issue_report", inspector, report_no="R-1", conforming="false",
         results=f"{items[0].pk} | 2.6 g/100g | no")  # fmt: skip
    items[0].refresh_from_db()
    assert (items[0].result, items[0].conforming) == ("2.6 g/100g", False)
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.conforming is False and inspection.report_issued_on == dt.date.today()


def test_samples_are_sealed_with_a_custody_log(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("food")
    inspection = apply(mediating_case(), mediator)
    commissioned(inspection, inspector, lab, dt.date.today())
    with pytest.raises(ValidationError):
        step(inspection, "seal_samples", inspector, samples="YP-1 | a\nYP-1 | b")
    step(
        inspection,
        "seal_samples",
        inspector,
        samples=[{"sample_id": "YP-1", "description": "生乳"}],
    )
    sample = inspection.samples.get()
    sample_custody_record(sample_id=sample.pk, action="handed_over", holder="检验院收样室",
                          actor=inspector)  # fmt: skip
    assert list(sample.custody.values_list("action", flat=True)) == [
        CustodyEntry.Action.SEALED, CustodyEntry.Action.HANDED_OVER
    ]  # fmt: skip
    versions = list(events_of(inspection).values_list("version", flat=True))
    assert versions == list(range(1, len(versions) + 1))


# --- Appraisal ----------------------------------------------------------------


def test_an_appraisal_ends_for_non_cooperation(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    case = mediating_case(category="ebike-batteries-lithium")
    body = make_lab("ebike", kind=Lab.Kind.APPRAISAL_BODY)
    lab = make_lab("ebike")
    inspection = apply(case, mediator, kind=InspectionKind.APPRAISAL)
    step(inspection, "accept", inspector)
    with pytest.raises(TransitionNotAllowedError):
        step(inspection, "commission", inspector)
    with pytest.raises(ValidationError):  # a lab is not an appraisal body
        step(inspection, "form_expert_group", inspector, lab=lab.pk, experts="王教授",
             due_on=dt.date.today().isoformat(), fee_prepaid_by="shared")  # fmt: skip
    step(inspection, "form_expert_group", inspector, lab=body.pk,
         experts="王教授（电池）\n赵工（电气）", due_on=dt.date.today().isoformat(),
         fee_prepaid_by="shared")  # fmt: skip
    step(inspection, "record_onsite_check", inspector,
         onsite_checked_on=dt.date.today().isoformat(),
         onsite_findings="电池外壳鼓包，经营者未到场")  # fmt: skip
    step(inspection, "end_for_non_cooperation", inspector, party="business")
    inspection = Inspection.objects.get(pk=inspection.pk)
    case = Case.objects.get(pk=case.pk)
    assert inspection.status == Status.ENDED and inspection.non_cooperating_party == "business"
    assert case.status == "mediating"


def test_mediation_resumes_only_when_the_last_open_inspection_ends(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    case = mediating_case()
    first = apply(case, mediator)
    second = apply(case, mediator, kind=InspectionKind.APPRAISAL)
    step(first, "refuse", inspector, reason_code="no-test-basis")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "inspection_pending"
    step(second, "refuse", inspector, reason_code="already-decided")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "mediating"


# --- Inspection time is excluded from the mediation deadline ------------------


def test_inspection_time_is_excluded_from_mediation_across_national_day(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    """Order 20/61 (45 working days, inspection time excluded): the inspection
    runs from Fri 2025-09-26 over the National Day and Mid-Autumn holidays
    (10-01 to 10-08, with the make-up working days 09-28 and 10-11) and ends
    on 10-16; the mediation deadline moves by exactly the working days of
    that span."""
    lab = make_lab("food")
    case = mediating_case(on=dt.date(2025, 9, 1))
    mediation = case_clock(case, "mediation")
    assert mediation.amount == 45 and mediation.unit == "working"
    original_due = mediation.due_on
    applied, issued, ended = dt.date(2025, 9, 26), dt.date(2025, 9, 30), dt.date(2025, 10, 16)
    with at(applied):
        inspection = apply(case, mediator)
        commissioned(inspection, inspector, lab, issued)
    assert case_clock(case, "mediation").paused_on == applied
    with at(issued):
        step(inspection, "seal_samples", inspector, samples="YP-9 | 生乳")
        step(inspection, "start_testing", inspector)
        step(inspection, "issue_report", inspector, report_no="R-9", conforming="false")
    window = Clock.objects.get(inspection=inspection, kind="inspection_objection")
    assert window.due_on == dt.date(2025, 10, 15)
    with at(ended):
        step(inspection, "finalize", inspector)
    mediation.refresh_from_db()
    case = Case.objects.get(pk=case.pk)
    assert case.status == "mediating" and mediation.paused_on is None
    paused = oracle_working_days_in(applied, ended)
    # 09-28 (make-up), 09-29, 09-30, 10-09, 10-10, 10-11 (make-up), 10-13 to 10-16;
    # 10-01 to 10-08 are the holiday.
    assert paused == 10
    assert mediation.paused_days == paused
    assert mediation.due_on > original_due
    assert oracle_working_days_in(original_due, mediation.due_on) == paused


# --- Scope and concurrency ------------------------------------------------------


def test_another_offices_inspector_neither_sees_nor_acts(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    inspection = apply(mediating_case(), mediator)
    other = make_staff(Role.INSPECTOR, office_for("430202"))
    assert inspection in inspections_visible_to(user=inspector)
    assert inspection not in inspections_visible_to(user=other)
    with pytest.raises(PermissionDenied):
        step(inspection, "accept", other)
    city = make_staff(Role.INSPECTOR, "amr-430100")
    assert inspection in inspections_visible_to(user=city)


def test_a_mediator_cannot_work_the_inspection(mediating_case: MakeCase, mediator: Any) -> None:
    inspection = apply(mediating_case(), mediator)
    with pytest.raises(PermissionDenied):
        step(inspection, "accept", mediator)


def test_a_stale_version_is_refused(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    inspection = apply(mediating_case(), mediator)
    step(inspection, "accept", inspector)
    with pytest.raises(StaleVersionError):
        inspection_transition(inspection_id=inspection.pk, name="refuse", actor=inspector,
                              reason_code="no-test-basis", expected_version=1)  # fmt: skip
