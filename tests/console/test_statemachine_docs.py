"""docs/state-machine.md is generated from the code and the rule-set tables."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.management.commands.statemachine_docs import case_edges, statemachine_markdown
from complaints.models import Case
from core.models import ClockRule, RuleSet

DOC = Path(__file__).resolve().parents[2] / "docs" / "state-machine.md"


def test_committed_doc_is_up_to_date(postgres: None) -> None:
    assert DOC.read_text(encoding="utf-8") == statemachine_markdown(), (
        "docs/state-machine.md is stale: run manage.py statemachine_docs"
    )


def test_every_transition_of_the_model_is_drawn(postgres: None) -> None:
    text = statemachine_markdown()
    field = Case._meta.get_field("status")
    transitions = list(field.get_all_transitions(Case))
    assert len(case_edges()) == len(transitions)
    for t in transitions:
        assert f"    {t.source} --> {t.target}: {t.name} (" in text


def test_the_supervisors_lifecycles_are_drawn_from_the_model(postgres: None) -> None:
    """Every django-fsm transition of a supervisor's appointment and of a
    supervisor's report appears in the document."""
    from supervisors.models import Supervisor, SupervisorReport

    text = statemachine_markdown()
    for model in (Supervisor, SupervisorReport):
        transitions = list(model._meta.get_field("status").get_all_transitions(model))
        assert transitions
        for t in transitions:
            assert f"    {t.source} --> {t.target}: {t.name} (" in text


def test_rule_set_tables_come_from_the_database(postgres: None) -> None:
    rule_set = RuleSet.objects.order_by("effective_from").last()
    assert rule_set is not None
    clock = ClockRule.objects.filter(rule_set=rule_set).first()
    assert clock is not None
    clock.amount += 1
    clock.save(update_fields=["amount"])
    text = statemachine_markdown()
    assert f"(`{clock.kind}`) | {clock.amount} | {clock.unit}" in text
    assert text != DOC.read_text(encoding="utf-8")


def test_check_mode_reports_a_stale_file(postgres: None, tmp_path: Path) -> None:
    target = tmp_path / "state-machine.md"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("statemachine_docs", "--check", "--output", str(target))
    call_command("statemachine_docs", "--output", str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("statemachine_docs", "--check", "--output", str(target), stdout=out)
    assert "up to date" in out.getvalue()
