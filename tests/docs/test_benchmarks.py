"""The code keeps no benchmark figures; where it points to docs/benchmarks.md for them,
the section it names is there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
CODE = ("actions", "bot", "deploy", "devstack", "engine", "nlu", "permits")
# `docs/benchmarks.md, "Section"` or `docs/benchmarks.md ("Section")`, across a line break.
REFERENCE = re.compile(r'docs/benchmarks\.md,?\s+\(?"([^"]+)"')


def _sections() -> set[str]:
    text = BENCHMARKS.read_text(encoding="utf-8")
    return {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")}


def _references() -> list[tuple[str, str]]:
    found = []
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            for section in REFERENCE.findall(path.read_text(encoding="utf-8")):
                found.append((str(path.relative_to(ROOT)), " ".join(section.split())))
    return found


def test_every_section_the_code_points_to_exists() -> None:
    references = _references()
    assert len(references) >= 5
    sections = _sections()
    assert [(path, name) for path, name in references if name not in sections] == []
