"""manage.py import_cases: historical work orders, idempotent, with a rejects
file (docs/import-format.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from django.core.management import call_command

from complaints.models import FINAL_STATES, Case
from core.models import Event, OutboxEntry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "work-orders.jsonl"


def example_rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line]


def run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_cases", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_documented_example_imports_with_history_and_clocks(
    postgres: None, tmp_path: Path
) -> None:
    rows = example_rows()
    summary = run(write_jsonl(tmp_path / "orders.jsonl", rows))
    assert f"{len(rows)} imported" in summary
    assert not (tmp_path / "orders.jsonl.rejects.jsonl").exists()
    for row in rows:
        case = Case.objects.get(work_order_no=row["work_order_no"])
        assert case.status == row["status"]
        events = list(case.events.all())
        assert [e.action for e in events] == ["imported"]
        assert events[0].to_status == row["status"]
        assert events[0].rule_set == case.rule_set.code
        assert OutboxEntry.objects.filter(object_id=case.pk, model="complaints.case").exists()
        open_clocks = case.clocks.filter(stopped_on__isnull=True)
        if case.status in FINAL_STATES:
            assert not case.clocks.exists()
            assert case.closed_at is not None
        if row["status"] == "mediating":
            mediation = open_clocks.get(kind="mediation")
            assert mediation.started_on.isoformat() == row["accepted_on"]
            acceptance = case.clocks.get(kind="acceptance")
            assert acceptance.stopped_on is not None
            assert acceptance.stopped_on.isoformat() == row["accepted_on"]
        if row["status"] == "registered":
            assert open_clocks.filter(kind="acceptance").exists()
        if row["status"] == "investigating":
            decision = open_clocks.get(kind="report_decision")
            assert decision.started_on.isoformat() == row["case_opened_on"]


def test_rule_set_is_pinned_by_receipt_date(postgres: None, tmp_path: Path) -> None:
    """A case keeps the rule set in force on its receipt date (docs/legal-basis.md §1)."""
    base = example_rows()[2]
    before = {**base, "work_order_no": "WO-OLD", "received_at": "2026-04-14T17:00"}
    after = {**base, "work_order_no": "WO-NEW", "received_at": "2026-04-15T09:00"}
    run(write_jsonl(tmp_path / "orders.jsonl", [before, after]))
    old = Case.objects.get(work_order_no="WO-OLD").rule_set
    new = Case.objects.get(work_order_no="WO-NEW").rule_set
    assert old.effective_from < new.effective_from
    assert new.effective_from.isoformat() == "2026-04-15"


def test_reimport_imports_nothing_twice(postgres: None, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "orders.jsonl", example_rows())
    run(path)
    counts = (Case.objects.count(), Event.objects.count(), OutboxEntry.objects.count())
    codes = set(Case.objects.values_list("tracking_code", flat=True))
    second = run(path)
    assert "0 imported" in second
    assert f"{len(example_rows())} already present" in second
    assert (Case.objects.count(), Event.objects.count(), OutboxEntry.objects.count()) == counts
    assert set(Case.objects.values_list("tracking_code", flat=True)) == codes


def test_a_file_repeating_a_work_order_imports_it_once(postgres: None, tmp_path: Path) -> None:
    row = example_rows()[0]
    run(write_jsonl(tmp_path / "orders.jsonl", [row, row, row]))
    assert Case.objects.filter(work_order_no=row["work_order_no"]).count() == 1


def test_rejects_file_lists_line_numbers_and_field_messages(postgres: None, tmp_path: Path) -> None:
    good = example_rows()[2]
    rows: list[Any] = [
        good,
        {**good, "work_order_no": "WO-BAD-PHONE", "complainant_phone": "12345"},
        "{not json",
        {**good, "work_order_no": "WO-BAD-STATUS", "status": "investigating"},
        {**good, "work_order_no": ""},
        {
            **good,
            "work_order_no": "WO-BAD-REASON",
            "status": "not_accepted",
            "status_reason": "no-such-ground",
        },
        {**good, "work_order_no": "WO-BAD-DATES", "status_changed_on": "2020-01-01"},
        {**good, "work_order_no": "WO-EXTRA", "favourite_colour": "red"},
        [1, 2, 3],
    ]
    path = write_jsonl(tmp_path / "orders.jsonl", rows)
    summary = run(path)
    assert "1 imported" in summary and "8 rejected" in summary
    rejects = [
        json.loads(line)
        for line in (tmp_path / "orders.jsonl.rejects.jsonl").read_text().splitlines()
    ]
    by_line = {r["line"]: r for r in rejects}
    assert set(by_line) == {2, 3, 4, 5, 6, 7, 8, 9}
    assert "complainant_phone" in by_line[2]["errors"]
    assert by_line[2]["work_order_no"] == "WO-BAD-PHONE"
    assert "__all__" in by_line[3]["errors"]
    assert "status" in by_line[4]["errors"]
    assert "work_order_no" in by_line[5]["errors"]
    assert "status_reason" in by_line[6]["errors"]
    assert "status_changed_on" in by_line[7]["errors"]
    assert "__all__" in by_line[8]["errors"]
    assert "__all__" in by_line[9]["errors"]
    assert all(
        msgs and all(isinstance(m, str) and m for m in msgs)
        for r in rejects
        for msgs in r["errors"].values()
    )
    assert Case.objects.count() == 1


def test_fixing_the_rejects_and_rerunning_imports_only_them(postgres: None, tmp_path: Path) -> None:
    good = example_rows()[2]
    bad = {**good, "work_order_no": "WO-FIXME", "complainant_phone": "not a phone"}
    path = write_jsonl(tmp_path / "orders.jsonl", [good, bad])
    run(path)
    assert not Case.objects.filter(work_order_no="WO-FIXME").exists()
    write_jsonl(path, [good, {**bad, "complainant_phone": "13912345678"}])
    summary = run(path)
    assert "1 imported, 1 already present, 0 rejected" in summary
    assert Case.objects.filter(work_order_no="WO-FIXME").exists()
    assert not (tmp_path / "orders.jsonl.rejects.jsonl").exists()


def test_csv_files_use_the_same_columns(postgres: None, tmp_path: Path) -> None:
    rows = example_rows()
    columns = sorted({key for row in rows for key in row})
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: str(v).lower() if isinstance(v, bool) else v for k, v in row.items()}
            )
        writer.writerow({**{k: "" for k in columns}, "work_order_no": "WO-CSV-BAD"})
    summary = run(path)
    assert f"{len(rows)} imported" in summary and "1 rejected" in summary
    reject = json.loads((tmp_path / "orders.csv.rejects.jsonl").read_text())
    # The header is line 1, so the seventh physical line holds the bad row.
    assert reject["line"] == len(rows) + 2
    assert reject["work_order_no"] == "WO-CSV-BAD"
    anonymous = Case.objects.get(work_order_no=rows[3]["work_order_no"])
    assert anonymous.anonymous is True


def test_missing_file_is_a_command_error(postgres: None, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run(tmp_path / "nope.jsonl")


def _oracle_add_working_days(start: dt.date, n: int) -> dt.date:
    """chinese-calendar's own working days, counted from the day after `start`
    (Civil Code art. 201), weekends-only past its data (local practice)."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        try:
            workday = bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            workday = day.weekday() < 5
        if workday:
            n -= 1
    return day


def test_open_imported_case_deadlines_match_an_independent_count(
    postgres: None, tmp_path: Path
) -> None:
    row = next(r for r in example_rows() if r["status"] == "registered")
    run(write_jsonl(tmp_path / "orders.jsonl", [row]))
    case = Case.objects.get(work_order_no=row["work_order_no"])
    clock = case.clocks.get(kind="acceptance", stopped_on__isnull=True)
    rule = case.rule_set.clocks.get(kind="acceptance")
    received = dt.date.fromisoformat(row["received_at"][:10])
    assert clock.started_on == received
    assert clock.due_on == _oracle_add_working_days(received, rule.amount)
