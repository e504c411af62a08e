"""manage.py import_spotchecks: a sample notice imported twice changes
nothing the second time; bad rows go to the rejects file."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from core.events import events_of
from core.models.outbox import OutboxEntry
from supervisors.models import SpotCheck

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "spotchecks.csv"


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_spotchecks", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def test_a_spot_check_import_is_idempotent(tmp_path: Path) -> None:
    sample = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, sample)
    first = run(sample)
    assert "3 created, 0 updated, 0 unchanged, 1 rejected" in first
    rejects = [json.loads(line) for line in sample.with_name(sample.name + ".rejects.jsonl").open()]
    assert [r["line"] for r in rejects] == [5]
    assert {"producer", "category", "published_on"} <= set(rejects[0]["errors"])
    rows = {(s.product, s.result) for s in SpotCheck.objects.all()}
    assert rows == {
        ("白酒", "non_conforming"),
        ("白酒", "conforming"),
        ("运动鞋", "non_conforming"),
    }
    outbox = OutboxEntry.objects.filter(model="supervisors.spotcheck").count()

    second = run(sample)
    assert "0 created, 0 updated, 3 unchanged, 1 rejected" in second
    assert SpotCheck.objects.count() == 3
    assert OutboxEntry.objects.filter(model="supervisors.spotcheck").count() == outbox
    assert all(events_of(s).count() == 1 for s in SpotCheck.objects.all())


def test_a_corrected_result_updates_its_row(tmp_path: Path) -> None:
    lines = [
        {"product": "白酒", "brand": "某某", "model_batch": "500ml", "producer": "湖南某某酒业",
         "seller": "好运烟酒店", "region": "430102", "result": "不合格",
         "non_conforming_items": "酒精度", "published_on": "2026-11-20",
         "category": "food-liquor"},
    ]  # fmt: skip
    path = tmp_path / "notice.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\nnot json\n")
    assert "1 created" in run(path)
    lines[0]["non_conforming_items"] = "酒精度, 甲醇"
    path.write_text(json.dumps(lines[0], ensure_ascii=False) + "\n")
    assert "0 created, 1 updated" in run(path)
    spot = SpotCheck.objects.get()
    assert spot.non_conforming_items == "酒精度, 甲醇" and spot.version == 2
