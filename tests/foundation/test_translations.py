"""Chinese first: every message catalogue of the project is complete, and its
compiled .mo (what Django reads) is the compilation of the committed .po."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "var" not in p.parts
)
ENTRY = re.compile(r'(#, fuzzy\n)?(?:#.*\n)*msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)')


def entries(po: Path) -> list[tuple[bool, str, str]]:
    text = po.read_text(encoding="utf-8") + "\n"

    def joined(block: str) -> str:
        return "".join(re.findall(r'"(.*)"', block))

    return [
        (bool(m.group(1)), joined(m.group(2)), joined(m.group(3))) for m in ENTRY.finditer(text)
    ]


def test_the_project_has_catalogues_for_its_apps_and_templates() -> None:
    names = {p.relative_to(ROOT).parts[0] for p in CATALOGUES}
    assert {"locale", "complaints", "search"} <= names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_a_chinese_translation(po: Path) -> None:
    items = [(fuzzy, msgid, msgstr) for fuzzy, msgid, msgstr in entries(po) if msgid]
    assert items, f"{po} has no messages"
    untranslated = [msgid for fuzzy, msgid, msgstr in items if fuzzy or not msgstr]
    assert not untranslated, f"untranslated in {po}: {untranslated[:10]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(po: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (Debian package gettext) is needed; scripts/services.sh installs it"
    compiled = subprocess.run(
        [msgfmt, "--check-format", "-o", "-", str(po)], capture_output=True, check=True
    ).stdout
    assert po.with_suffix(".mo").read_bytes() == compiled, f"run `make messages` for {po}"
