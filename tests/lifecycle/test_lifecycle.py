"""The transition declaration (complaints/lifecycle.py) is the one source of
the case state machine: the django-fsm graph on Case, the console, the import's
replay and the generated document all follow it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from complaints import lifecycle
from complaints.lifecycle import FINAL_STATES, CaseKind, Status, is_complaint, is_report
from complaints.management.commands.statemachine_docs import statemachine_markdown
from complaints.models import Case
from core.clocks.engine import Op


def _fsm_graph() -> set[tuple[str, str, str, str, str]]:
    edges = set()
    for t in Case._meta.get_field("status").get_all_transitions(Case):
        conditions = set(t.conditions or ())
        kind = (
            CaseKind.COMPLAINT
            if is_complaint in conditions
            else CaseKind.REPORT
            if is_report in conditions
            else ""
        )
        edges.add((t.name, str(t.source), str(t.target), str(t.permission), str(kind)))
    return edges


def _declared_graph() -> set[tuple[str, str, str, str, str]]:
    return {
        (t.name, str(source), str(t.target), t.permission, str(t.kind or ""))
        for t in lifecycle.TRANSITIONS
        for source in t.source
    }


def test_the_declaration_equals_the_django_fsm_graph() -> None:
    assert _declared_graph() == _fsm_graph()


def test_every_declared_transition_has_a_model_method_and_a_label() -> None:
    names = [t.name for t in lifecycle.TRANSITIONS]
    assert len(names) == len(set(names))
    for t in lifecycle.TRANSITIONS:
        assert callable(getattr(Case, t.name)), t.name
        label = str(t.label)
        assert label and label != t.name and "_" not in label, t.name
        assert t.target in Status.values and set(t.source) <= set(Status.values), t.name


def test_declared_fields_are_case_fields() -> None:
    fields = {f.name for f in Case._meta.concrete_fields}
    for t in lifecycle.TRANSITIONS:
        assert set(t.fields) <= fields, t.name


def test_transitions_into_final_states_stop_every_clock() -> None:
    for t in lifecycle.TRANSITIONS:
        if t.target in FINAL_STATES:
            assert any(e.op is Op.STOP_ALL for e in t.clocks), t.name
            # Ending a case before its outcome asks for confirmation.
            if t.target not in (Status.CLOSED, Status.DECIDED):
                assert t.confirm is not None, t.name


def test_every_open_status_is_reachable_for_the_import_replay() -> None:
    for kind in CaseKind.values:
        states = {s for t in lifecycle.for_kind(kind) for s in (*t.source, t.target)}
        for status in states:
            path = lifecycle.path_to(kind, status)
            assert path is not None, (kind, status)
            state = Status.REGISTERED.value
            for step in path:
                assert state in step.source
                state = step.target
            assert state == status


def test_the_generated_document_follows_the_declaration(db: Any) -> None:
    text = statemachine_markdown()
    for t in lifecycle.TRANSITIONS:
        assert f"| `{t.name}` |" in text
        for effect in t.clocks:
            assert effect.describe() in text
    committed = Path(settings.BASE_DIR, "docs", "state-machine.md").read_text(encoding="utf-8")
    assert committed == text, "run manage.py statemachine_docs"
