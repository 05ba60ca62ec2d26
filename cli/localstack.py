"""Local PostgreSQL+TimescaleDB and Mosquitto processes under a data folder of their own.

Used by `smartregion demo` (and the tests' broker fixture) so that nothing needs
configuring: the TimescaleDB extension must be installed (`make setup` does that).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MOSQUITTO_CONF = PROJECT_ROOT / "deploy" / "mosquitto.conf"


class LocalStackError(RuntimeError):
    """A local service could not be started; the message says what to do."""


def free_port(preferred: int | None = None) -> int:
    if preferred is not None:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", preferred))
                return preferred
            except OSError:
                pass
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 15
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalStackError(f"{log.stem} exited early: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise LocalStackError(f"{log.stem} did not listen on port {port} within {timeout} s")


@dataclass
class Mosquitto:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_mosquitto(workdir: Path, port: int | None = None) -> Mosquitto:
    """The project's broker config plus a loopback listener and a persistence folder."""
    exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(exe).exists():
        raise LocalStackError("mosquitto is not installed; run `make setup`")
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf = workdir / "mosquitto.conf"
    # Started as root, mosquitto switches to the `mosquitto` account, which cannot write
    # into a root-owned private folder: its sessions would silently not survive a restart.
    run_as = "user root\n" if os.geteuid() == 0 else ""
    conf.write_text(
        MOSQUITTO_CONF.read_text()
        + f"\nlistener {port} 127.0.0.1\npersistence_location {workdir}/\n{run_as}"
    )
    log = workdir / "mosquitto.log"
    with log.open("ab") as out:
        process = subprocess.Popen([exe, "-c", str(conf)], stdout=out, stderr=out)
    wait_for_port(port, process, log)
    return Mosquitto(port, process)


def _pg_bin() -> Path:
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*/bin/initdb")), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise LocalStackError("PostgreSQL server binaries not found; run `make setup`")
    return versions[-1].parent


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; use the postgres account then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@dataclass
class Postgres:
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/smartregion"

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(_pg_bin() / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"]
            ),
            check=False,
            capture_output=True,
        )


def start_postgres(workdir: Path, port: int | None = None) -> Postgres:
    """A private cluster with TimescaleDB preloaded and a `smartregion` database."""
    bin_dir = _pg_bin()
    datadir = workdir / "pgdata"
    workdir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        uid = pwd.getpwnam("postgres").pw_uid
        os.chown(workdir, uid, -1)
    if not (datadir / "PG_VERSION").exists():
        subprocess.run(
            _as_postgres([str(bin_dir / "initdb"), "-D", str(datadir), "-U", "postgres",
                          "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )  # fmt: skip
    port = port or free_port(55432)
    log = workdir / "postgres.log"
    if os.geteuid() == 0:
        log.touch()
        os.chown(log, pwd.getpwnam("postgres").pw_uid, -1)
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {workdir} "
        "-c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off"
    )
    result = subprocess.run(
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(log),
                      "-w", "start"]),
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise LocalStackError(f"PostgreSQL did not start: {result.stderr}{log.read_text()[-2000:]}")
    pg = Postgres(datadir, port)
    exists = subprocess.run(
        [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
         "-d", "postgres",
         "-qAtc", "SELECT 1 FROM pg_database WHERE datname = 'smartregion'"],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    if exists != "1":
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
             "smartregion"],
            check=True, capture_output=True,
        )  # fmt: skip
    return pg
