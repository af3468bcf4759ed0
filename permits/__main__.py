"""Command line of the data layer.

python -m permits migrate             create or upgrade the schema
python -m permits demo                migrate and load the demo catalogue (refused
                                      when TANYA_ENV=production)
python -m permits import PATH         import an office's catalogue (CSV/JSON)
python -m permits set-status NUMBER STATUS [--stage S] [--agency SLUG]
python -m permits create-admin --username U --name "Full Name"
                                      password from TANYA_ADMIN_PASSWORD, else asked twice
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from permits.db import create_engine, create_sessionmaker, migrate
from permits.demo import DEMO_STAFF_PASSWORD, load_demo, load_demo_staff
from permits.errors import ApplicationNotFound, UnknownAgency
from permits.importer import import_path
from permits.progress import StatusChange, change_status
from permits.settings import DatabaseSettings
from permits.staff import (
    MIN_PASSWORD_LENGTH,
    InvalidUsername,
    UsernameTaken,
    WeakPassword,
    create_user,
)
from permits.status import STATUS_LABELS

DEMO_REFUSED = (
    "Data demo tidak dimuat: TANYA_ENV=production. Akun demo memakai kata sandi yang "
    "tercantum di README. Buat administrator pertama dengan "
    '`python -m permits create-admin --username ... --name "..."`.'
)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


async def _demo(session: AsyncSession) -> int:
    added = await load_demo(session)
    _say(f"demo data loaded ({added} new applications)")
    if await load_demo_staff(session):
        _say(f"demo console accounts: admin, petugas (password {DEMO_STAFF_PASSWORD})")
    return 0


async def _import(session: AsyncSession, path: Path) -> int:
    report = await import_path(session, path)
    if not report.ok:
        _say(f"Import dibatalkan, tidak ada data yang disimpan. {len(report.errors)} kesalahan:")
        for error in report.errors:
            _say(f"  - {error}")
        return 1
    _say("Import berhasil: " + ", ".join(f"{n} {kind}" for kind, n in report.counts.items()))
    return 0


async def _set_status(session: AsyncSession, args: argparse.Namespace) -> int:
    change = StatusChange(args.number, args.status, args.stage, args.agency)
    try:
        application = await change_status(session, change)
    except ApplicationNotFound:
        _say(f"Permohonan {args.number} tidak ditemukan.")
        return 1
    except UnknownAgency:
        _say(f"Instansi {args.agency} tidak dikenal.")
        return 1
    _say(f"{application.number}: {STATUS_LABELS[args.status]}")
    return 0


async def _create_admin(session: AsyncSession, args: argparse.Namespace) -> int:
    # The environment variable serves scripted installs; people are asked, never shown it.
    password = os.environ.get("TANYA_ADMIN_PASSWORD")
    if password is None:
        password = getpass.getpass("Kata sandi admin: ")
        if getpass.getpass("Ulangi kata sandi: ") != password:
            _say("Kata sandi tidak sama. Akun tidak dibuat.")
            return 1
    try:
        user = await create_user(session, args.username, args.name, "admin", password)
    except WeakPassword:
        _say(f"Kata sandi terlalu lemah: minimal {MIN_PASSWORD_LENGTH} karakter.")
        return 1
    except InvalidUsername:
        _say("Nama pengguna harus 3–60 karakter: huruf kecil, angka, titik, _ atau -.")
        return 1
    except UsernameTaken:
        _say(f"Nama pengguna {args.username} sudah dipakai. Akun tidak dibuat.")
        return 1
    _say(f"Akun admin {user.username} dibuat.")
    return 0


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m permits", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the schema")
    sub.add_parser("demo", help="migrate and load the demo catalogue")
    importing = sub.add_parser("import", help="import CSV/JSON (all or nothing)")
    importing.add_argument("path", type=Path)
    status = sub.add_parser("set-status", help="change an application's status")
    status.add_argument("number")
    status.add_argument("status", choices=sorted(STATUS_LABELS))
    status.add_argument("--stage")
    status.add_argument("--agency")
    admin = sub.add_parser("create-admin", help="create a console administrator account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True, help="full name")
    args = parser.parse_args(argv)

    settings = DatabaseSettings()
    if args.command == "demo" and settings.env == "production":
        _say(DEMO_REFUSED)  # before migrating: nothing is touched
        return 2
    await migrate(settings.database_url)
    if args.command == "migrate":
        _say("database is up to date")
        return 0
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            if args.command == "demo":
                return await _demo(session)
            if args.command == "import":
                return await _import(session, args.path)
            if args.command == "create-admin":
                return await _create_admin(session, args)
            return await _set_status(session, args)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
