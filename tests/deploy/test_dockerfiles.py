"""deploy/docker agrees with the repository: the images copy files that exist and every
module the engine imports, install what scripts/setup.sh installs, run as a numeric
non-root user, and start Rasa with its REST API off."""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.files import DOCKER, DOCKERFILES, ROOT, all_containers

REPO_PACKAGES = {"bot", "actions", "permits", "nlu", "engine", "bench"}


def copy_sources(path: Path) -> list[str]:
    """The build-context paths a Dockerfile copies (not those from other stages)."""
    sources = []
    joined = path.read_text(encoding="utf-8").replace("\\\n", " ")  # continued lines
    for line in joined.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            words = [w for w in line.split()[1:] if not w.startswith("--")]
            sources += words[:-1]
    return sources


def test_dockerfiles_copy_files_that_exist_and_are_not_ignored() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for dockerfile in DOCKERFILES:
        sources = copy_sources(dockerfile)
        assert sources, dockerfile.name
        for source in sources:
            assert (ROOT / source).exists(), f"{dockerfile.name}: no {source}"
            parts = Path(source).parts
            prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
            hits = [p for p in ignored for prefix in prefixes if fnmatch.fnmatch(prefix, p)]
            assert not hits, f"{dockerfile.name} copies {source}, excluded by {hits}"
    assert os.access(DOCKER / "rasa-entrypoint.sh", os.X_OK)


def repo_modules_imported(path: Path) -> set[str]:
    """The modules of this repository a file imports (what PYTHONPATH=/app must hold)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # "from engine import batching": the names may be modules themselves.
            names |= {
                f"{node.module}.{alias.name}"
                for alias in node.names
                if ROOT.joinpath(*node.module.split("."), f"{alias.name}.py").is_file()
            }
    return {name for name in names if name.split(".")[0] in REPO_PACKAGES}


def module_files(module: str) -> list[Path]:
    """The module's file and the __init__.py of every package above it."""
    parts = module.split(".")
    files = [ROOT.joinpath(*parts[:i], "__init__.py") for i in range(1, len(parts))]
    as_file = ROOT.joinpath(*parts).with_suffix(".py")
    files.append(as_file if as_file.is_file() else ROOT.joinpath(*parts, "__init__.py"))
    return files


def test_rasa_image_holds_every_module_the_engine_imports() -> None:
    copied = copy_sources(DOCKER / "rasa.Dockerfile")

    def is_copied(file: Path) -> bool:
        relative = file.relative_to(ROOT).as_posix()
        return any(relative == c or (c.endswith("/") and relative.startswith(c)) for c in copied)

    # What credentials.yml and config.yml name: our channel and the custom components.
    components = sorted((ROOT / "nlu" / "components").glob("*.py"))
    todo = module_files("engine.channel")
    todo += [f for c in components for f in module_files(f"nlu.components.{c.stem}")]
    seen: set[Path] = set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        assert file.is_file() and is_copied(file), f"rasa.Dockerfile does not copy {file}"
        for module in repo_modules_imported(file):
            todo += module_files(module)
    assert len(seen) > 3


def pip_lines(text: str) -> list[str]:
    return [line.strip(" \\&") for line in text.splitlines() if "pip install" in line]


def test_images_install_exactly_what_setup_installs() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    engine_installs = [
        line.replace(".venv-engine/bin/pip", "pip").split("pip install", 1)[1]
        for line in pip_lines(setup)
        if ".venv-engine/bin/pip" in line
    ]
    assert engine_installs, "scripts/setup.sh installs the engine with pip"
    wanted = [words.replace("--quiet", "").split() for words in engine_installs]
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text(encoding="utf-8")
        installs = [
            line.split("pip install", 1)[1].replace("--quiet", "").split()
            for line in pip_lines(text)
            if "/app/.venv-engine/bin/pip" in line
        ]
        assert installs == wanted, dockerfile.name
        assert "python:3.10-slim" in text
    gateway = (DOCKER / "gateway.Dockerfile").read_text(encoding="utf-8")
    assert "uv sync --frozen" in setup
    assert re.search(r"uv sync --frozen --no-dev\b", gateway)


def stages(text: str) -> dict[str, tuple[str, str]]:
    """Stage name: (what it is built FROM, its instructions), in order."""
    found = {}
    for chunk in re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]:
        header, _, body = chunk.partition("\n")
        base, _, name = header.partition(" AS ")
        found[name.strip()] = (base.strip(), body)
    return found


def stage_user(all_stages: dict[str, tuple[str, str]], name: str) -> str | None:
    """The USER a stage runs as, inherited from the stage it is built on."""
    base, body = all_stages[name]
    users = re.findall(r"^USER (\S+)$", body, re.MULTILINE)
    if users:
        return str(users[-1])
    return stage_user(all_stages, base) if base in all_stages else None


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_images_run_as_a_numeric_non_root_user(dockerfile: Path) -> None:
    text = dockerfile.read_text(encoding="utf-8")
    all_stages = stages(text)
    final = list(all_stages)[-1]
    assert final in ("gateway", "rasa"), "the default target is the serving image"
    assert stage_user(all_stages, final) is not None
    for name in all_stages:
        user = stage_user(all_stages, name)
        assert user is None or re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), (name, user)
    assert "HEALTHCHECK" in text
    assert not re.search(r"^(ENV|ARG) .*(TOKEN|PASSWORD|SECRET)", text, re.MULTILINE)


def test_the_production_rasa_keeps_its_rest_api_off(tmp_path: Path) -> None:
    """The Rasa image's entrypoint, run with a stand-in `rasa` that prints its
    arguments, starts `rasa run` without --enable-api, so Rasa's REST API (trackers,
    trigger_intent, training) answers nobody in the cluster. Fails on 538ba62."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "rasa"
    stand_in.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    stand_in.chmod(0o755)
    baked = tmp_path / "baked.tar.gz"
    baked.write_bytes(b"model")
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "TANYA_RASA_TOKEN": "t" * 32,
        "TANYA_ACTIONS_TOKEN": "a" * 32,
        "TANYA_MODELS_DIR": str(tmp_path / "models"),
        "RASA_BAKED_MODEL": str(baked),
    }
    done = subprocess.run(
        ["sh", str(DOCKER / "rasa-entrypoint.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    arguments = done.stdout.split()
    assert arguments[:1] == ["run"] and str(baked) in arguments
    assert "--enable-api" not in arguments
    for _, container in all_containers():
        assert "--enable-api" not in [*container.get("command", []), *container.get("args", [])]
