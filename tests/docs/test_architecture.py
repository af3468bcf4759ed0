"""docs/architecture.md names only what exists: a newcomer who follows it finds every
file it points to, and every function the "Where to change what" table names."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
# The repository's own top-level folders and files a backticked path may start with;
# runtime folders (models/, var/) are not in the repository and not checked.
TOP_LEVEL = {
    "actions", "bench", "bot", "deploy", "devstack", "docs", "engine", "nlu", "permits",
    "scripts", "tests", "Makefile", "babel.cfg", "config.yml", "credentials.yml",
    "domain.yml", "endpoints.yml", "pyproject.toml", "uv.lock", ".env.example",
}  # fmt: skip
PACKAGES = {"actions", "bot", "devstack", "nlu", "permits"}  # importable in .venv
PLACEHOLDER = re.compile(r"[<>*{}]|\.\.\.")
DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _backticked(text: str) -> list[str]:
    return [token.split("::")[0] for token in re.findall(r"`([^`\s]+)`", text)]


def _section(title: str) -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _repo_paths(tokens: list[str]) -> list[str]:
    return [
        token
        for token in tokens
        if token.split("/")[0] in TOP_LEVEL and not PLACEHOLDER.search(token)
    ]


def _resolves(reference: str) -> bool:
    """Import the longest importable module prefix, then getattr the rest."""
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def test_every_path_the_page_names_exists() -> None:
    paths = _repo_paths(_backticked(ARCHITECTURE.read_text(encoding="utf-8")))
    assert len(paths) > 50  # the page really is read, and names the code it maps
    missing = sorted({path for path in paths if not (ROOT / path).exists()})
    assert missing == []


def test_every_function_the_change_table_names_resolves() -> None:
    tokens = _backticked(_section("Where to change what"))
    references = [
        token
        for token in tokens
        if DOTTED.match(token) and token.split(".")[0] in PACKAGES and "/" not in token
    ]
    assert len(references) > 15
    unresolved = sorted({ref for ref in references if not _resolves(ref)})
    assert unresolved == []


def test_the_change_table_names_a_place_for_every_common_change() -> None:
    rows = [line for line in _section("Where to change what").splitlines() if line.startswith("|")]
    topics = " ".join(row.split("|")[1] for row in rows)
    for topic in ("reply text", "status", "channel", "queue", "training", "FAQ",
                  "catalogue", "office hours", "rate limits", "patch"):  # fmt: skip
        assert topic in topics, topic
