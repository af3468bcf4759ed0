"""engine/patches.py: one checked install of every change we make to Rasa.

It must refuse, changing nothing, a Rasa of another version or a target whose
signature changed; install exactly the attributes its table lists, once; happen
before `rasa run` loads a model; and the table must match engine/requirements.txt
and docs/architecture.md.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from nlu.train import run_in_engine

ROOT = Path(__file__).resolve().parents[2]
CHECKS = Path(__file__).with_name("patches_checks.py")  # runs in Rasa's environment
TAMPERED = "rasa.core.processor:MessageProcessor.log_message"
REMOVED = "rasa.shared.nlu.training_data.features:Features._combine_sparse_features"


@functools.cache
def _run(scenario: str) -> dict[str, Any]:
    out = run_in_engine(CHECKS, scenario)
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def test_another_rasa_version_is_refused_before_anything_changes() -> None:
    refused = _run("refusals")["version"]
    assert refused["error"].startswith("engine patches were written for rasa 3.6.21")
    assert "found rasa 3.7.0" in refused["error"]
    assert refused["changed"] == []


def test_a_changed_signature_is_refused_naming_the_target() -> None:
    refused = _run("refusals")["signature"]
    assert refused["error"] == (
        f"engine patch target {TAMPERED} changed signature: "
        "expected (self, message, should_save_tracker=True), found (self, message)"
    )
    assert refused["changed"] == []  # the targets before it in the table, too


def test_a_missing_target_is_refused() -> None:
    refused = _run("refusals")["missing"]
    assert refused["error"] == f"engine patch target {REMOVED} no longer exists in rasa"
    assert refused["changed"] == []


def test_install_works_after_a_refusal() -> None:
    report = _run("refusals")
    assert report["installed_after"] == report["targets"]
    assert len(report["targets"]) == 14


def test_install_changes_exactly_the_table_targets_once() -> None:
    report = _run("install")
    # Every global and class attribute of every loaded module was compared, so a
    # patch without a row in the table shows up here.
    assert report["compared_attributes"] > 100_000
    changed, listed = set(report["changed"]), set(report["targets"])
    assert changed - listed == set(), "install() changes these, PATCHES has no row for them"
    assert listed - changed == set(), "PATCHES lists these, install() leaves them as they were"
    assert len(listed) == len(report["targets"]) == 14
    assert report["modules_imported_by_install"] == []
    assert report["changed_by_second_install"] == []


def test_patched_attributes_keep_rasas_signatures() -> None:
    for target, (rasa, ours) in _run("install")["signatures_kept"].items():
        assert ours == rasa, target


def test_install_logs_one_line_naming_every_target() -> None:
    report = _run("install")
    [line] = report["log"]
    assert line.startswith("engine patches installed: rasa=3.6.21 count=14 targets=")
    assert line.rpartition("targets=")[2].split(",") == report["targets"]


def test_rasa_run_patches_before_it_can_load_a_model() -> None:
    report = _run("serve")
    assert report["changed_by_import"] == []  # importing the channel changes nothing
    steps = dict(report["timeline"])
    # Rasa's server loads the model in a before_server_start listener; when it is
    # registered, and when the server would start, every target is patched.
    assert steps["before_server_start: load_agent_on_start"] == report["targets"] == 14
    assert steps["server starts"] == 14
    assert "model loaded" not in steps


def test_the_patches_are_for_the_rasa_the_engine_installs() -> None:
    pinned = re.search(
        r"^rasa==(\S+)$", (ROOT / "engine" / "requirements.txt").read_text(), re.MULTILINE
    )
    assert pinned is not None
    assert _run("install")["rasa_version"] == pinned.group(1)


def _test_exists(reference: str) -> bool:
    path, _, name = reference.partition("::")
    file = ROOT / path
    return file.is_file() and bool(re.search(rf"^(async )?def {name}\(", file.read_text(), re.M))


def _documented_patches() -> list[tuple[str, str]]:
    """(target, test) of each row of docs/architecture.md's "Engine patches" table."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Engine patches", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `rasa.")]
    cells = [[cell.strip(" `") for cell in row.strip("|").split("|")] for row in rows]
    return [(row[0], row[-1]) for row in cells]


def test_the_docs_list_every_patch_with_its_test() -> None:
    report = _run("install")
    table = list(zip(report["targets"], report["tests"], strict=True))
    assert _documented_patches() == table
    for _, test in table:
        assert _test_exists(test), test
