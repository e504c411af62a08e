"""Reading a spot-check notice file (CSV or JSONL) into rows for
services.spotcheck_upsert. Column names are those of the published notices,
in Chinese or in English (docs/spot-checks.md)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from supervisors.services.spotchecks import SpotCheckRow

#: Notice column -> field. English names are the field names themselves.
COLUMN_ALIASES = {
    "产品名称": "product",
    "产品": "product",
    "商标": "brand",
    "品牌": "brand",
    "规格型号/生产日期或批号": "model_batch",
    "规格型号": "model_batch",
    "型号批次": "model_batch",
    "model": "model_batch",
    "标称生产企业名称": "producer",
    "生产企业": "producer",
    "生产者": "producer",
    "统一社会信用代码": "producer_credit_code",
    "生产企业统一社会信用代码": "producer_credit_code",
    "credit_code": "producer_credit_code",
    "受检单位名称": "seller",
    "销售者": "seller",
    "受检单位": "seller",
    "所在地": "region",
    "地区": "region",
    "检验项目": "items_tested",
    "抽查结果": "result",
    "结果": "result",
    "检验结论": "result",
    "不合格项目": "non_conforming_items",
    "发布日期": "published_on",
    "公告日期": "published_on",
    "产品类别": "category",
    "类别": "category",
}
FIELDS = frozenset(SpotCheckRow.names())


def _field(name: str) -> str | None:
    key = name.strip().lstrip("\ufeff")
    if key in FIELDS:
        return key
    return COLUMN_ALIASES.get(key) or COLUMN_ALIASES.get(key.lower())


def to_row(record: dict[str, Any]) -> SpotCheckRow:
    values: dict[str, str] = {}
    for name, value in record.items():
        field = _field(str(name))
        if field and value not in (None, ""):
            values[field] = str(value)
    return SpotCheckRow(**values)


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, record or None, error) for each record of the file."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not JSON: {exc.msg}"
                continue
            if not isinstance(record, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, record, ""
        return
    reader = csv.DictReader(io.StringIO(text))
    for record in reader:
        yield reader.line_num, {k: v for k, v in record.items() if k is not None}, ""


def count_records(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(lines - (0 if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else 1), 0)
