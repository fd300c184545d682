"""Backups that restore: the PostgreSQL database (pg_dump custom format) and the private media files.

A backup is one folder `<DIR>/<UTC timestamp>/` holding `database.dump`, `media.tar.gz` and
`manifest.json` (versions and SHA-256 of both files). It is written under a `.partial` name and renamed
when complete, so a folder with a timestamp name is always a whole backup; retention deletes only those.
Used by `manage.py backup` / `manage.py restore` (and so bin/backup, bin/restore and the compose
backup service).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
TIMESTAMP_NAME = re.compile(r"^\d{8}T\d{6}Z$")


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """The default database as the PostgreSQL client tools see it (the password goes in their environment,
    never on their command line, where `ps` would show it)."""

    name: str
    environment: dict[str, str]

    @classmethod
    def default(cls) -> Database:
        connection = connections["default"]
        if connection.vendor != "postgresql":
            raise BackupError(
                "backups need PostgreSQL (DATABASE_URL=postgres://…); an embedded SQLite database is the file "
                f"{connection.settings_dict['NAME']}: stop the system and copy it"
            )
        config = connection.settings_dict
        environment = {**os.environ, "PGDATABASE": config["NAME"], "PGCONNECT_TIMEOUT": "10"}
        for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
            if config.get(key):
                environment[variable] = str(config[key])
        return cls(name=config["NAME"], environment=environment)

    def server_major_version(self) -> int:
        with connections["default"].cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            return int(cursor.fetchone()[0]) // 10000

    def is_empty(self) -> bool:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
            return cursor.fetchone()[0] == 0


def client_tool(name: str, *, server_major: int) -> str:
    """The path of pg_dump or pg_restore, checked to be of the server's major version.

    pg_dump refuses a server newer than itself, and a dump written by a newer pg_dump cannot be read by an
    older pg_restore, so both sides use the server's own version. PG_BIN_DIR picks another installation
    (e.g. /usr/lib/postgresql/15/bin).
    """
    directory = os.environ.get("PG_BIN_DIR", "")
    path = str(Path(directory) / name) if directory else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(f"{name} not found: install postgresql-client-{server_major} or set PG_BIN_DIR")
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    major = int(match.group(1)) if match else 0
    if major != server_major:
        raise BackupError(
            f"{name} is version {major} but the PostgreSQL server is {server_major}: install "
            f"postgresql-client-{server_major} or point PG_BIN_DIR at its bin folder"
        )
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], *, database: Database, what: str) -> None:
    result = subprocess.run(command, env=database.environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, directory: Path, now: datetime | None = None) -> Path:
    """Write a whole backup into a new `<directory>/<UTC timestamp>/` folder and return it."""
    database = Database.default()
    server_major = database.server_major_version()
    pg_dump = client_tool("pg_dump", server_major=server_major)
    stamp = (now or datetime.now(tz=UTC)).strftime(TIMESTAMP_FORMAT)
    target = directory / stamp
    partial = directory / f"{stamp}.partial"
    if target.exists():
        raise BackupError(f"{target} already exists")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        _run(
            [pg_dump, "--format=custom", "--file", str(partial / DATABASE_FILE)],
            database=database,
            what="pg_dump",
        )
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(partial / MEDIA_FILE, "w:gz") as archive:
            if media_root.is_dir():
                for child in sorted(media_root.iterdir()):
                    archive.add(child, arcname=child.name)
        manifest = {
            "created_at": stamp,
            "database": database.name,
            "server_major_version": server_major,
            "files": {name: _sha256(partial / name) for name in (DATABASE_FILE, MEDIA_FILE)},
        }
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(target)
    return target


def backups_prune(*, directory: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete whole backups older than `keep_days` (by their timestamp name); return what was deleted."""
    cutoff = (now or datetime.now(tz=UTC)) - timedelta(days=keep_days)
    removed = []
    for folder in sorted(directory.iterdir()):
        if folder.is_dir() and TIMESTAMP_NAME.match(folder.name):
            taken = datetime.strptime(folder.name, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
            if taken < cutoff:
                shutil.rmtree(folder)
                removed.append(folder)
    return removed


def _verify(source: Path) -> None:
    for name in (DATABASE_FILE, MEDIA_FILE):
        if not (source / name).is_file():
            raise BackupError(f"{source / name} is missing: not a backup folder")
    manifest_path = source / MANIFEST_FILE
    if manifest_path.is_file():
        expected = json.loads(manifest_path.read_text())["files"]
        for name, digest in expected.items():
            if _sha256(source / name) != digest:
                raise BackupError(f"{source / name} does not match its checksum in {MANIFEST_FILE}: damaged copy")


def backup_restore(*, source: Path) -> None:
    """Restore a backup folder into the empty database of DATABASE_URL and an empty MEDIA_ROOT."""
    _verify(source)
    database = Database.default()
    if not database.is_empty():
        raise BackupError(
            f"database {database.name} is not empty: restore into a new database (createdb) so nothing is overwritten"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT {media_root} is not empty: point MEDIA_ROOT at a new folder")
    pg_restore = client_tool("pg_restore", server_major=database.server_major_version())
    connections["default"].close()  # pg_restore needs no competing session of ours
    _run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         "--dbname", database.name, str(source / DATABASE_FILE)],
        database=database,
        what="pg_restore",
    )  # fmt: skip
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_FILE, "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # "data": no absolute paths, links out or devices
