"""manage.py statemachine_docs [--output PATH] [--check]

Writes docs/state-machine.md from the code and the database: the django-fsm
transitions of Case.status as Mermaid state diagrams (complaint and report),
each transition's permission, inputs and clock effects, the rule sets with
their clocks and grounds, and the lifecycles of a quality supervisor's
appointment and of a supervisor's report (supervisors/lifecycle.py). A test
keeps the committed file in step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from complaints import lifecycle
from complaints.lifecycle import FINAL_STATES, CaseKind, ClockKind, Status
from core.models import RuleSet

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "docs" / "state-machine.md"


@dataclass(frozen=True)
class Edge:
    name: str
    source: str
    target: str
    permission: str
    kinds: tuple[str, ...]


def case_edges() -> list[Edge]:
    """Every (source, target) of every declared transition, in declaration order."""
    both = (CaseKind.COMPLAINT.value, CaseKind.REPORT.value)
    return [
        Edge(
            name=t.name,
            source=str(source),
            target=str(t.target),
            permission=t.permission,
            kinds=(t.kind,) if t.kind else both,
        )
        for t in lifecycle.TRANSITIONS
        for source in t.source
    ]


def _label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def _effects(spec: lifecycle.Transition) -> str:
    return "; ".join(effect.describe() for effect in spec.clocks) or "—"


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
        "| transition | label | from | to | permission | inputs | reason codes from "
        "| clock effects | complainant may | confirmation |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    grouped: dict[str, list[Edge]] = {}
    for e in edges:
        if kind in e.kinds:
            grouped.setdefault(e.name, []).append(e)
    for name, group in grouped.items():
        sources = ", ".join(f"`{e.source}`" for e in group)
        spec = lifecycle.BY_NAME[name]
        ground = f"`{spec.ground_kind}`" if spec.ground_kind else "—"
        inputs = ", ".join(f"`{i}`" for i in spec.inputs) or "—"
        lines.append(
            f"| `{name}` | {spec.label} | {sources} | `{group[0].target}` "
            f"| `{group[0].permission}` | {inputs} | {ground} | {_effects(spec)} "
            f"| {'yes' if spec.consumer else '—'} | {spec.confirm or '—'} |"
        )
    return lines


def _rule_sets() -> list[str]:
    lines: list[str] = []
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
        order = ClockKind.values
        for clock in sorted(
            rule_set.clocks.all(),
            key=lambda c: (order.index(c.kind) if c.kind in order else len(order), c.kind),
        ):
            extends = f", extends `{clock.extends}`" if clock.extends else ""
            lines.append(
                f"| {clock.display_label} (`{clock.kind}`{extends}) | {clock.amount} "
                f"| {clock.unit} | {'yes' if clock.pauses_for_inspection else 'no'} "
                f"| {clock.source} |"
            )
        lines += ["", "| ground list | reason code | label | source |", "|---|---|---|---|"]
        for ground in sorted(rule_set.grounds.all(), key=lambda g: (g.kind, g.sort_order, g.code)):
            label = f"{ground.label}" + (f" / {ground.label_en}" if ground.label_en else "")
            lines.append(f"| `{ground.kind}` | `{ground.code}` | {label} | {ground.source} |")
        lines.append("")
    return lines


def _supervision_section(
    transitions: tuple[Any, ...], choices: Any, initial: str, finals: tuple[str, ...]
) -> list[str]:
    """A diagram and a table of one supervisors' lifecycle, from its
    declaration (the rows the django-fsm graph is built from)."""
    labels = dict(choices.choices)
    states = [initial]
    for t in transitions:
        for state in (*t.source, t.target):
            if state not in states:
                states.append(state)
    lines = ["```mermaid", "stateDiagram-v2"]
    lines += [f'    state "{labels[state]}" as {state}' for state in states]
    lines.append(f"    [*] --> {initial}")
    for t in transitions:
        who = t.permission.split(".")[-1] if t.permission else "beat job"
        lines += [f"    {source} --> {t.target}: {t.name} ({who})" for source in t.source]
    lines += [f"    {state} --> [*]" for state in states if state in finals]
    lines += [
        "```",
        "",
        "| transition | label | from | to | permission | reason required |",
        "|---|---|---|---|---|---|",
    ]
    for t in transitions:
        sources = ", ".join(f"`{source}`" for source in t.source)
        permission = f"`{t.permission}`" if t.permission else "— (the daily beat job)"
        lines.append(
            f"| `{t.name}` | {t.label} | {sources} | `{t.target}` | {permission} "
            f"| {'yes' if t.needs_reason else '—'} |"
        )
    return lines


def _supervision() -> list[str]:
    from supervisors import lifecycle as sv

    return [
        "## Quality supervisor's appointment (社会质量监督员)",
        "",
        "Steps run through `supervisors.services.supervisor_transition`, which checks the",
        "office and the permission below and records each change as one event. An",
        "appointment gets its number and a two-year term; the daily beat job ends a term",
        "that has run out (after a reminder), and an office may renew it. Only an",
        "appointed supervisor within the term may file reports.",
        "",
        *_supervision_section(
            sv.SUPERVISOR_TRANSITIONS,
            sv.SupervisorStatus,
            sv.SupervisorStatus.APPLIED,
            (sv.SupervisorStatus.REJECTED, sv.SupervisorStatus.DISMISSED),
        ),
        "",
        "## Supervisor's report",
        "",
        "Steps run through `supervisors.services.report_transition`. `supplement` is the",
        "supervisor's answer to a question; `verify` opens a report case (举报, with its",
        "verification clock above) or links the report to an existing case, and awards",
        "the points of the rules in force.",
        "",
        *_supervision_section(
            sv.REPORT_TRANSITIONS,
            sv.ReportStatus,
            sv.ReportStatus.SUBMITTED,
            (sv.ReportStatus.VERIFIED, sv.ReportStatus.REJECTED),
        ),
        "",
    ]


def statemachine_markdown() -> str:
    with translation.override("en"):
        edges = case_edges()
        intake = "; ".join(
            f"{kind}: {', '.join(kinds)}" for kind, kinds in lifecycle.INTAKE_CLOCKS.items()
        )
        channel = "; ".join(f"{ch}: {', '.join(k)}" for ch, k in lifecycle.CHANNEL_CLOCKS.items())
        lines = [
            "# Case state machine",
            "",
            "<!-- Generated by `manage.py statemachine_docs` from the transition declaration",
            "     (complaints/lifecycle.py), from which the django-fsm graph of `Case.status`",
            "     is built, and the rule sets in the database. Do not edit by hand: a test",
            "     fails when this file and the generator disagree. -->",
            "",
            "Every transition runs through `complaints.services.case_transition`, which locks",
            "the case, checks the office scope and the permission below, validates the reason",
            "code against the case's pinned rule set, moves the legal clocks and records the",
            "change as one immutable event (docs/legal-basis.md §2–§3). Final states accept",
            "no transition.",
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
            *_supervision(),
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
