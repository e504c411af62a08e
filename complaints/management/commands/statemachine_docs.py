"""manage.py statemachine_docs [--output PATH] [--check]

Writes docs/state-machine.md from the code and the database: the django-fsm
transitions of Case.status as Mermaid state diagrams (complaint and report),
each transition's permission, inputs and clock effects, and the rule sets
with their clocks and grounds. A test keeps the committed file in step."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from complaints.clocks.services import CHANNEL_CLOCKS, INTAKE_CLOCKS, TRANSITION_EFFECTS
from complaints.models import FINAL_STATES, Case, CaseKind, ClockKind, RuleSet, Status
from complaints.models.cases import is_complaint, is_report
from complaints.services.transitions import TRANSITIONS

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "docs" / "state-machine.md"


@dataclass(frozen=True)
class Edge:
    name: str
    source: str
    target: str
    permission: str
    kinds: tuple[str, ...]
    inputs: tuple[str, ...]


def _kinds(conditions: Iterable[Any]) -> tuple[str, ...]:
    conds = set(conditions)
    if is_complaint in conds:
        return (CaseKind.COMPLAINT,)
    if is_report in conds:
        return (CaseKind.REPORT,)
    return (CaseKind.COMPLAINT, CaseKind.REPORT)


def _inputs(name: str) -> tuple[str, ...]:
    """Keyword arguments of the transition method, reason code first."""
    params = inspect.signature(getattr(Case, name)).parameters
    return tuple(p for p in params if p != "self")


def case_edges() -> list[Edge]:
    """Every (source, target) of every transition, in declaration order."""
    field = Case._meta.get_field("status")
    order = {name: i for i, name in enumerate(vars(Case))}
    edges = [
        Edge(
            name=t.name,
            source=str(t.source),
            target=str(t.target),
            permission=str(t.permission or ""),
            kinds=_kinds(t.conditions or ()),
            inputs=_inputs(t.name),
        )
        for t in field.get_all_transitions(Case)
    ]
    status_order = {value: i for i, value in enumerate(Status.values)}
    return sorted(edges, key=lambda e: (order.get(e.name, 0), status_order.get(e.source, 0)))


def _label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def _effects(name: str) -> str:
    parts = []
    for effect in TRANSITION_EFFECTS.get(name, ()):
        parts.append(f"{effect.op.value} {effect.kind}" if effect.kind else effect.op.value)
    return "; ".join(parts) or "—"


def _diagram(kind: str, edges: list[Edge]) -> list[str]:
    mine = [e for e in edges if kind in e.kinds]
    states: list[str] = [Status.REGISTERED]
    for e in mine:
        for s in (e.source, e.target):
            if s not in states:
                states.append(s)
    lines = ["```mermaid", "stateDiagram-v2"]
    for s in states:
        lines.append(f'    state "{_label(s)}" as {s}')
    lines.append(f"    [*] --> {Status.REGISTERED}")
    for e in mine:
        perm = e.permission.split(".")[-1]
        lines.append(f"    {e.source} --> {e.target}: {e.name} ({perm})")
    for s in states:
        if s in FINAL_STATES:
            lines.append(f"    {s} --> [*]")
    lines.append("```")
    return lines


def _transition_table(kind: str, edges: list[Edge]) -> list[str]:
    lines = [
        "| transition | from | to | permission | inputs | reason codes from | clock effects |",
        "|---|---|---|---|---|---|---|",
    ]
    grouped: dict[str, list[Edge]] = {}
    for e in edges:
        if kind in e.kinds:
            grouped.setdefault(e.name, []).append(e)
    for name, group in grouped.items():
        sources = ", ".join(f"`{e.source}`" for e in group)
        spec = TRANSITIONS.get(name)
        ground = f"`{spec.ground_kind}`" if spec and spec.ground_kind else "—"
        inputs = ", ".join(f"`{i}`" for i in group[0].inputs) or "—"
        lines.append(
            f"| `{name}` | {sources} | `{group[0].target}` | `{group[0].permission}` "
            f"| {inputs} | {ground} | {_effects(name)} |"
        )
    return lines


def _rule_sets() -> list[str]:
    lines: list[str] = []
    clock_labels = dict(ClockKind.choices)
    for rule_set in RuleSet.objects.prefetch_related("clocks", "grounds").order_by(
        "effective_from"
    ):
        lines += [
            f"### {rule_set.name_en or rule_set.name} (`{rule_set.code}`)",
            "",
            f"{rule_set.name}. In force for cases received from "
            f"{rule_set.effective_from:%Y-%m-%d}. Source: {rule_set.source}",
            "",
            "| clock | length | unit | paused for inspection | source |",
            "|---|---|---|---|---|",
        ]
        for clock in sorted(rule_set.clocks.all(), key=lambda c: ClockKind.values.index(c.kind)):
            lines.append(
                f"| {clock_labels.get(clock.kind, clock.kind)} (`{clock.kind}`) | {clock.amount} "
                f"| {clock.unit} | {'yes' if clock.pauses_for_inspection else 'no'} "
                f"| {clock.source} |"
            )
        lines += ["", "| ground list | reason code | label | source |", "|---|---|---|---|"]
        for ground in sorted(rule_set.grounds.all(), key=lambda g: (g.kind, g.sort_order, g.code)):
            label = f"{ground.label}" + (f" / {ground.label_en}" if ground.label_en else "")
            lines.append(f"| `{ground.kind}` | `{ground.code}` | {label} | {ground.source} |")
        lines.append("")
    return lines


def statemachine_markdown() -> str:
    with translation.override("en"):
        edges = case_edges()
        intake = "; ".join(f"{kind}: {', '.join(kinds)}" for kind, kinds in INTAKE_CLOCKS.items())
        channel = "; ".join(f"{ch}: {', '.join(k)}" for ch, k in CHANNEL_CLOCKS.items())
        lines = [
            "# Case state machine",
            "",
            "<!-- Generated by `manage.py statemachine_docs` from the django-fsm transitions of",
            "     `Case.status` (complaints/models/cases.py), the transition service and clock",
            "     tables, and the rule sets in the database. Do not edit by hand: a test fails",
            "     when this file and the generator disagree. -->",
            "",
            "Every transition runs through `complaints.services.case_transition`, which locks",
            "the case, checks the office scope and the permission below, validates the reason",
            "code against the case's pinned rule set, writes an immutable `CaseEvent` and",
            "moves the legal clocks (RULES.md §3). Final states accept no transition.",
            "",
            f"Clocks started at intake: {intake}; by channel: {channel}.",
            "",
            "## Complaint (投诉)",
            "",
            *_diagram(CaseKind.COMPLAINT, edges),
            "",
            *_transition_table(CaseKind.COMPLAINT, edges),
            "",
            "## Report (举报)",
            "",
            *_diagram(CaseKind.REPORT, edges),
            "",
            *_transition_table(CaseKind.REPORT, edges),
            "",
            "## Rule sets",
            "",
            "A case is pinned to the rule set in force on its receipt date. Clock units:",
            "`working` = statutory working days on the holiday calendar, `calendar` = calendar",
            "days (a deadline falling on a holiday moves to the next working day).",
            "",
            *_rule_sets(),
        ]
    return "\n".join(lines).rstrip() + "\n"


class Command(BaseCommand):
    help = "Generate docs/state-machine.md from the state machine and the rule sets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
        parser.add_argument(
            "--check", action="store_true", help="fail when the file is not up to date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        text = statemachine_markdown()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(f"{path} is out of date: run manage.py statemachine_docs")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
