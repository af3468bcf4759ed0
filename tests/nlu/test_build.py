"""The training data of an administrator's model: files plus the database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nlu.build import ROOT, AdminData, admin_data, write_training_data
from nlu.train import engine_env
from permits.models import FaqTopic, PermitType, PublicService, TrainingExample


def examples_of(data: Path, intent: str) -> list[str]:
    found: list[str] = []
    for path in data.rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if item.get("intent") == intent:
                found += [line[2:] for line in item["examples"].splitlines() if line]
    return found


async def test_admin_examples_topics_and_aliases_join_the_files(
    session: AsyncSession, tmp_path: Path
) -> None:
    session.add_all(
        [
            TrainingExample(intent="ask_requirements", text="izin keramaian nikahan syaratnya"),
            TrainingExample(intent="ask_fee", text="biaya imb berapa"),  # already in the files?
            FaqTopic(
                slug="parkir",
                title="Parkir di MPP",
                examples=["parkir motor dimana", "ada parkiran mobil ga", "parkir bayar?"],
                answer="Parkir gratis di basement MPP.",
            ),
        ]
    )
    await session.execute(update(FaqTopic).where(FaqTopic.slug == "antrian").values(active=False))
    pbg = await session.scalar(select(PermitType).where(PermitType.slug == "pbg"))
    assert pbg is not None
    pbg.aliases = [*pbg.aliases, "ijin bikin rumah"]
    await session.commit()

    build = write_training_data(await admin_data(session), tmp_path / "build")

    assert "izin keramaian nikahan syaratnya" in examples_of(build.data, "ask_requirements")
    assert examples_of(build.data, "faq/parkir") == [
        "parkir motor dimana",
        "ada parkiran mobil ga",
        "parkir bayar?",
    ]
    assert examples_of(build.data, "faq/antrian") == []  # retired, files included
    assert "faq/jam_layanan" in {f"faq/{t}" for t in build.faq_topics}
    domain = yaml.safe_load(build.domain.read_text())
    assert "utter_faq/parkir" in domain["responses"]
    synonyms = yaml.safe_load((build.data / "synonyms.yml").read_text())["nlu"]
    pbg_names = next(s["examples"] for s in synonyms if s["synonym"] == "pbg")
    assert "- ijin bikin rumah" in pbg_names and "- imb" in pbg_names
    assert build.retired_topics == ["antrian"]
    # The repository's own files are untouched.
    assert examples_of(ROOT / "nlu" / "data", "faq/antrian")


def synonyms_of(data: Path) -> dict[str, str]:
    """Each synonym text of the build → its value."""
    return {
        line[2:]: item["synonym"]
        for item in yaml.safe_load((data / "synonyms.yml").read_text())["nlu"]
        for line in item["examples"].splitlines()
    }


async def test_active_services_names_and_aliases_are_synonyms_of_their_slug(
    session: AsyncSession, tmp_path: Path
) -> None:
    kk = await session.scalar(select(PublicService).where(PublicService.slug == "kk"))
    assert kk is not None
    kk.aliases = [*kk.aliases, "kartu kk", "izin usaha"]  # the files' permit synonym
    await session.execute(
        update(PublicService).where(PublicService.slug == "paspor").values(active=False)
    )
    await session.commit()

    synonyms = synonyms_of(write_training_data(await admin_data(session), tmp_path / "b").data)

    assert synonyms["kartu kk"] == synonyms["kartu keluarga (kk)"] == "kk"
    assert synonyms["akte lahir"] == "akta_kelahiran"
    assert "kk" not in synonyms  # the value itself
    assert "passport" not in synonyms  # retired
    assert synonyms["izin usaha"] == "nib"  # a permit's name wins
    assert synonyms["imb"] == "pbg"


def test_rasa_accepts_the_build(tmp_path: Path) -> None:
    admin = AdminData(
        examples={"out_of_scope": ["jual pulsa murah"], "ask_fee": ["biaya izin [keramaian]"]},
        faq_topics={"parkir": ("Parkir", ["parkir motor dimana", "ada parkiran mobil ga"])},
        retired_topics=["antrian"],
        permit_names={"pbg": ["Persetujuan Bangunan Gedung", "IMB", "ijin bikin rumah"]},
        service_names={"kk": ["Kartu Keluarga (KK)", "kartu keluarga", "kk", "pecah kk"]},
    )
    build = write_training_data(admin, tmp_path / "build")
    result = subprocess.run(
        [
            str(ROOT / ".venv-engine" / "bin" / "rasa"),
            "data",
            "validate",
            "--domain",
            str(build.domain),
            "--data",
            str(build.data),
            "--config",
            str(ROOT / "config.yml"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=engine_env(),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
