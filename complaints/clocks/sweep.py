"""The periodic clock sweep: reminders at the due-soon threshold and
escalations of overdue clocks, each once per clock (issue 4, item 3)."""

from __future__ import annotations

import datetime as dt


def clock_sweep_run(*, today: dt.date | None = None) -> dict[str, int]:
    return {"reminded": 0, "escalated": 0}
