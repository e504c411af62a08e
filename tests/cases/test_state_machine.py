"""A Hypothesis state machine that drives the REST API as random roles
(operator, handlers, mediators of two offices, an enforcement officer, a
consumer) and
checks every answer against an independent model of the legal lifecycle
(docs/legal-basis.md §2, §3):

- only allowed transitions succeed, with 404 / 403 / 409 / 400 exactly when
  the model predicts them, and a 409 lists what the model says is allowed;
- each case's event log replays to its current state;
- final cases never change again;
- clocks are paused while materials are requested or an inspection runs,
  all stopped in final states, and a fresh acceptance or verification clock
  ends where an independent working-day count says.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from complaints.models import Case
from core.models import Clock
from core.roles import Role
from tests.cases.factories import (
    OTHER_REGION,
    intake_payload,
    make_consumer,
    make_staff,
    office_for,
)

pytestmark = pytest.mark.usefixtures("postgres")

GROUNDS = json.loads(
    (Path(__file__).resolve().parents[2] / "core" / "reference_data" / "grounds.json").read_text(
        encoding="utf-8"
    )
)

# --- The independent model -------------------------------------------------------

H, M, INV = "handle", "mediate", "investigate"  # the permission a transition needs


@dataclass(frozen=True)
class Edge:
    target: str
    perm: str
    ground: str | None = None  # grounds.json key the reason code must come from
    needs: str | None = None  # "office", "mediator", "agreement", "original"


_WITHDRAW = Edge("withdrawn", H)
COMPLAINT: dict[str, dict[str, Edge]] = {
    "registered": {
        "request_materials": Edge("materials_requested", H),
        "accept": Edge("accepted", H),
        "decline": Edge("not_accepted", H, "not_accepted"),
        "transfer": Edge("transferred", H, "transfer", "office"),
        "return_work_order": Edge("returned", H, "return"),
        "withdraw": _WITHDRAW,
    },
    "materials_requested": {
        "receive_materials": Edge("registered", H),
        "decline": Edge("not_accepted", H, "not_accepted"),
        "transfer": Edge("transferred", H, "transfer", "office"),
        "withdraw": _WITHDRAW,
    },
    "transferred": {"take_over": Edge("registered", H), "withdraw": _WITHDRAW},
    "accepted": {"start_mediation": Edge("mediating", H, None, "mediator"), "withdraw": _WITHDRAW},
    "mediating": {
        "request_inspection": Edge("inspection_pending", M),
        "reach_agreement": Edge("agreement_reached", M, None, "agreement"),
        "terminate_mediation": Edge("mediation_terminated", M, "mediation_terminated"),
        "withdraw": _WITHDRAW,
    },
    "inspection_pending": {
        "resume_mediation": Edge("mediating", M),
        "terminate_mediation": Edge("mediation_terminated", M, "mediation_terminated"),
        "withdraw": _WITHDRAW,
    },
    "agreement_reached": {"start_fulfilment": Edge("fulfilment", M)},
    "fulfilment": {"confirm_fulfilment": Edge("follow_up", M)},
    "follow_up": {"close": Edge("closed", H)},
    "mediation_terminated": {"close": Edge("closed", H)},
    "not_accepted": {"close": Edge("closed", H)},
}
REPORT: dict[str, dict[str, Edge]] = {
    "registered": {
        "start_verification": Edge("verifying", H),
        "return_work_order": Edge("returned", H, "return"),
        "merge_into": Edge("merged", H, None, "original"),
    },
    "verifying": {
        "open_case": Edge("case_opened", H),
        "decline_case": Edge("not_opened", H, "report_not_opened"),
        "merge_into": Edge("merged", H, None, "original"),
    },
    "case_opened": {"start_investigation": Edge("investigating", INV)},
    "investigating": {"decide": Edge("decided", INV)},
}
FINAL = {"closed", "withdrawn", "returned", "decided", "merged", "not_opened"}
ALL_NAMES = sorted(
    {name for table in (COMPLAINT, REPORT) for edges in table.values() for name in edges}
    | {"fly", "reopen"}
)
# Clocks that must not run in a state (docs/legal-basis.md §2: materials requested,
# inspection time excluded).
PAUSED_IN = {"materials_requested": "acceptance", "inspection_pending": "mediation"}
CLAIMS_HANDLER = {"accept", "decline", "start_verification", "take_over"}


@dataclass(frozen=True)
class Actor:
    key: str
    perms: frozenset[str]
    office: str | None  # "A", "B"; None for every office


ACTORS = {
    "operator": Actor("operator", frozenset(), "hotline"),
    "handler_a": Actor("handler_a", frozenset({H}), "A"),
    "mediator_a": Actor("mediator_a", frozenset({M}), "A"),
    "handler_b": Actor("handler_b", frozenset({H}), "B"),
    "mediator_b": Actor("mediator_b", frozenset({M}), "B"),
    "enforcement": Actor("enforcement", frozenset({INV}), None),
    # Files online and may withdraw their own complaints (docs/legal-basis.md §3).
    "consumer": Actor("consumer", frozenset(), "consumer"),
}
OFFICE_REGION = {"A": "430102", "B": OTHER_REGION}


@dataclass
class ModelCase:
    pk: int
    kind: str
    status: str
    office: str
    version: int
    handler: str | None = None
    mediator: str | None = None
    transitions: int = 0
    own: bool = False  # filed online by the consumer


def oracle_add_working_days(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:
            workday = day.weekday() < 5
        if workday:
            n -= 1
    return day


class CaseLifecycle(RuleBasedStateMachine):
    users: dict[str, Any] = {}

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.cases: list[ModelCase] = []
        self.mediator_key = ""
        self.clients = {}
        for key, user in self.users.items():
            client = APIClient()
            client.force_authenticate(user)
            self.clients[key] = client

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- model helpers --------------------------------------------------------
    def table(self, case: ModelCase) -> dict[str, dict[str, Edge]]:
        return COMPLAINT if case.kind == "complaint" else REPORT

    def sees(self, actor: Actor, case: ModelCase) -> bool:
        if actor.key == "consumer":
            return case.own
        if actor.key == "operator":
            return not case.own  # registered every other case
        return (
            actor.office is None
            or actor.office == case.office
            or case.handler == actor.key
            or case.mediator == actor.key
        )

    def may_act(self, actor: Actor, case: ModelCase, name: str = "") -> bool:
        if actor.key == "consumer":
            return case.own and name == "withdraw"
        return actor.office is None or actor.office == case.office

    def permitted(self, actor: Actor, edge: Edge) -> bool:
        # The consumer's one action is gated by may_act alone.
        return actor.key == "consumer" or edge.perm in actor.perms

    def allowed(self, actor: Actor, case: ModelCase) -> set[str]:
        edges = self.table(case).get(case.status, {})
        return {
            name
            for name, edge in edges.items()
            if self.may_act(actor, case, name) and self.permitted(actor, edge)
        }

    # --- rules ----------------------------------------------------------------
    @initialize()
    def first_intake(self) -> None:
        self._intake("complaint", "A")

    @precondition(lambda self: len(self.cases) < 6)
    @rule(kind=st.sampled_from(["complaint", "report", "both"]), office=st.sampled_from("AB"))
    def intake(self, kind: str, office: str) -> None:
        self._intake(kind, office)

    @precondition(lambda self: len(self.cases) < 6)
    @rule(kind=st.sampled_from(["complaint", "both"]), office=st.sampled_from("AB"))
    def consumer_intake(self, kind: str, office: str) -> None:
        self._intake(kind, office, by="consumer")

    def _intake(self, kind: str, office: str, by: str = "operator") -> None:
        response = self.clients[by].post(
            "/api/v1/intakes/",
            intake_payload(kind=kind, region=OFFICE_REGION[office]),
            format="json",
        )
        assert response.status_code == 201, response.json()
        for body in response.json()["cases"]:
            assert body["status"] == "registered"
            self.cases.append(
                ModelCase(
                    body["id"],
                    body["kind"],
                    "registered",
                    office,
                    body["version"],
                    own=by == "consumer",
                )
            )
            clock_kind = "acceptance" if body["kind"] == "complaint" else "report_verification"
            clock = Clock.objects.get(owner_id=body["id"], kind=clock_kind)
            # docs/legal-basis.md §2: 7 WD to decide acceptance, 15 WD to verify a report,
            # counted from the day after receipt.
            amount = 7 if body["kind"] == "complaint" else 15
            assert clock.due_on == oracle_add_working_days(timezone.localdate(), amount)

    @rule(index=st.integers(min_value=0, max_value=5), data=st.data())
    def act(self, index: int, data: st.DataObject) -> None:
        case = self.cases[index % len(self.cases)]
        edges: dict[str, Edge] = self.table(case).get(case.status, {})
        # Half the time a transition the state has, by someone who could take
        # it, so that runs get deep into the lifecycle; otherwise anything.
        plausible: bool = data.draw(st.booleans(), label="plausible")
        consumer_turn = (
            case.own
            and "withdraw" in edges
            and data.draw(st.integers(0, 3), label="consumer's turn") == 0
        )
        if consumer_turn:
            name, actor_key = "withdraw", "consumer"
        elif edges and plausible:
            # Withdrawal is open in most states; drawn only in the random branch
            # it would otherwise end most runs early.
            onward = sorted(set(edges) - {"withdraw"}) or sorted(edges)
            name = data.draw(st.sampled_from(onward), label="name")
            fitting = sorted(
                key
                for key, a in ACTORS.items()
                if self.permitted(a, edges[name]) and self.may_act(a, case, name)
            ) or sorted(ACTORS)
            actor_key = data.draw(st.sampled_from(fitting), label="actor")
        else:
            name = data.draw(st.sampled_from(ALL_NAMES), label="name")
            actor_key = data.draw(st.sampled_from(sorted(ACTORS)), label="actor")
        actor = ACTORS[actor_key]
        edge = self.table(case).get(case.status, {}).get(name)
        body, inputs_ok = self._draw_inputs(case, edge, actor, data)
        # Optimistic concurrency: a client may send the version it last saw.
        version_mode = data.draw(st.sampled_from(["none", "none", "current", "stale"]))
        if version_mode != "none":
            # Stale: the version after a change this client has not seen.
            body["expected_version"] = case.version + (version_mode == "stale")
        stale = version_mode == "stale"
        response = self.clients[actor_key].post(
            f"/api/v1/cases/{case.pk}/transitions/{name}/", body, format="json"
        )
        answer = response.json()

        if not self.sees(actor, case):
            expected = 404
        elif stale:
            expected = 409
        elif not self.may_act(actor, case, name):
            expected = 403
        elif edge is None:
            expected = 409
        elif not self.permitted(actor, edge):
            expected = 403
        elif not inputs_ok:
            expected = 400
        else:
            expected = 200
        assert response.status_code == expected, (actor_key, name, case, body, answer)
        event(f"HTTP {expected}")

        if expected == 409 and stale:
            assert answer["version"] == case.version
        elif expected == 409:
            assert set(answer["allowed"]) == self.allowed(actor, case), answer
        if expected != 200:
            return
        assert edge is not None
        before = case.status
        case.status = edge.target
        case.version += 1
        case.transitions += 1
        if name == "transfer":
            case.office = "B" if case.office == "A" else "A"
            case.handler = None
        if name == "start_mediation":
            case.mediator = self.mediator_key
        if name in CLAIMS_HANDLER and case.handler is None and H in actor.perms:
            case.handler = actor_key
        event(f"reached {case.kind} {case.status}")
        assert answer["status"] == case.status, (before, name, answer)
        assert answer["version"] == case.version

    def _draw_inputs(
        self, case: ModelCase, edge: Edge | None, actor: Actor, data: st.DataObject
    ) -> tuple[dict[str, Any], bool]:
        """A request body for the transition, sometimes wrong on purpose, and
        whether the model considers it valid."""
        body: dict[str, Any] = {"params": {}}
        ok = True
        ground = edge.ground if edge else None
        if ground is not None or data.draw(st.booleans(), label="send a reason anyway"):
            valid = [code for code, *_ in GROUNDS[ground]] if ground else []
            other = [code for key, rows in GROUNDS.items() if key != "source" for code, *_ in rows]
            pick_valid = bool(valid) and data.draw(st.booleans(), label="valid reason")
            choice = data.draw(
                st.sampled_from(valid if pick_valid else ["", "nonsense", *other]),
                label="reason",
            )
            body["reason_code"] = choice
            if ground is not None:
                ok = choice in valid
        needs = edge.needs if edge else None
        if needs == "office":
            own = data.draw(st.booleans(), label="transfer to own office")
            target = case.office if own else ("B" if case.office == "A" else "A")
            body["params"]["to_office"] = office_for(OFFICE_REGION[target]).code
            ok = ok and not own
        elif needs == "mediator":
            right = f"mediator_{case.office.lower()}"
            key = data.draw(
                st.sampled_from([right, right, "mediator_a", "mediator_b", "handler_a"]),
                label="mediator",
            )
            body["params"]["mediator"] = self.users[key].pk
            self.mediator_key = key
            ok = ok and key == f"mediator_{case.office.lower()}"
        elif needs == "agreement":
            amount = data.draw(
                st.sampled_from(["120.50", "0", "3000", "-3", "lots"]), label="amount"
            )
            payer = data.draw(
                st.sampled_from(["seller", "producer", "insurer", "nobody"]), label="payer"
            )
            body["params"].update(amount=amount, payer=payer)
            ok = ok and amount not in ("-3", "lots") and payer != "nobody"
        elif needs == "original":
            original = data.draw(st.sampled_from(self.cases), label="original")
            body["params"]["original"] = original.pk
            ok = ok and (
                original.pk != case.pk
                and original.kind == "report"
                and original.status != "merged"
                and self.may_act(actor, original, "merge_into")
            )
        return body, ok

    # --- invariants ---------------------------------------------------------------
    @invariant()
    def database_matches_the_model(self) -> None:
        stored = {c.pk: c for c in Case.objects.filter(pk__in=[m.pk for m in self.cases])}
        for model in self.cases:
            case = stored[model.pk]
            assert (case.status, case.version) == (model.status, model.version)
            assert case.office.code == office_for(OFFICE_REGION[model.office]).code
            assert (case.closed_at is not None) == (model.status in FINAL)

    @invariant()
    def event_log_replays_to_the_current_state(self) -> None:
        for model in self.cases:
            events = list(Case.objects.get(pk=model.pk).events.order_by("created_at", "id"))
            assert events[0].action == "registered"
            state = events[0].to_status
            for row in events[1:]:
                assert row.from_status == state
                edge = self.table(model).get(state, {}).get(row.action)
                assert edge is not None and edge.target == row.to_status
                state = row.to_status
            assert state == model.status
            assert len(events) == model.transitions + 1

    @invariant()
    def clocks_respect_pauses_and_final_states(self) -> None:
        for model in self.cases:
            clocks = list(Clock.objects.filter(owner_id=model.pk))
            running = [c for c in clocks if c.stopped_on is None and c.paused_on is None]
            paused_kind = PAUSED_IN.get(model.status)
            if paused_kind:
                assert paused_kind not in {c.kind for c in running}
                assert any(c.kind == paused_kind and c.paused_on for c in clocks)
            if model.status in FINAL:
                assert running == []
                assert all(c.stopped_on for c in clocks)


def test_case_lifecycle_through_the_api() -> None:
    CaseLifecycle.users = {
        "operator": make_staff(Role.HOTLINE_OPERATOR, "hotline-12345"),
        "handler_a": make_staff(Role.CASE_HANDLER, office_for("430102")),
        "mediator_a": make_staff(Role.MEDIATOR, office_for("430102")),
        "handler_b": make_staff(Role.CASE_HANDLER, office_for(OTHER_REGION)),
        "mediator_b": make_staff(Role.MEDIATOR, office_for(OTHER_REGION)),
        "enforcement": make_staff(Role.ENFORCEMENT_OFFICER, office_for("430100")),
        "consumer": make_consumer(),
    }
    run_state_machine_as_test(
        CaseLifecycle,
        settings=settings(
            max_examples=30,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
