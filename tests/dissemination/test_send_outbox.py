"""`vigil send_outbox` as a real process, killed and restarted, against a real SMTP server.

The worker runs as `.venv/bin/vigil send_outbox` with DATABASE_URL pointing at a real file
database — on SQLite a copy of this test's database in a temporary file, on PostgreSQL the
test database itself — and the loopback server's address in VIGIL_EMAIL_HOST/PORT, read by
tests/dissemination/worker_settings.py.

What is asserted is what the design guarantees in every interleaving (docs/dissemination.md):
no message is lost; a message is delivered more than once only if the worker died between
handing it over (end of DATA) and recording it, and then the copies share one Message-ID and
the row says `possibly_duplicated`. The window itself is reproduced deterministically by a
server that kills the worker after accepting a message and before replying.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from vigil.dissemination.choices import AttemptOutcome, MessageStatus
from vigil.dissemination.models import DeliveryAttempt, OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
VIGIL = Path(sys.executable).with_name("vigil")


class WorkerDatabase:
    """The database a worker process opens, holding what this test wrote."""

    def __init__(self, tmp_path: Path) -> None:
        self.sqlite_file = tmp_path / "outbox.sqlite3" if connection.vendor == "sqlite" else None

    def export(self) -> str:
        """Hand this test's committed rows to worker processes; returns their DATABASE_URL."""
        if self.sqlite_file is None:
            s = connection.settings_dict
            password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
            host = s.get("HOST") or "127.0.0.1"
            port = s.get("PORT") or 5432
            return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"
        connection.ensure_connection()
        with sqlite3.connect(self.sqlite_file) as target:
            connection.connection.backup(target)
        return f"sqlite:///{self.sqlite_file}"

    def import_results(self) -> None:
        """Bring what the workers wrote back, so the test reads it through the ORM."""
        if self.sqlite_file is not None:
            source = sqlite3.connect(self.sqlite_file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


class Worker(subprocess.Popen):
    """A worker process whose output goes to files (a pipe nobody reads could fill up and
    stall it), read back for the test's messages."""

    def __init__(self, arguments: list[str], *, log: Path, environment: dict[str, str]) -> None:
        self.log = log
        with open(log.with_suffix(".out"), "w") as out, open(log.with_suffix(".err"), "w") as err:
            super().__init__(arguments, cwd=ROOT, env=environment, stdout=out, stderr=err)

    def output(self) -> str:
        return self.log.with_suffix(".out").read_text()

    def report(self) -> str:
        return f"exit {self.returncode}; stdout: {self.output()}; stderr: " + (
            self.log.with_suffix(".err").read_text()
        )


@pytest.fixture
def start_worker(smtp_server, tmp_path):
    """Start `vigil send_outbox` as a real process against the test's SMTP server; any still
    running when the test ends are killed."""
    started: list[Worker] = []

    def start(database_url: str, *arguments: str) -> Worker:
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tests.dissemination.worker_settings",
            "VIGIL_EMAIL_HOST": smtp_server.host,
            "VIGIL_EMAIL_PORT": str(smtp_server.port),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
        worker = Worker(
            [str(VIGIL), "send_outbox", *arguments],
            log=tmp_path / f"worker-{len(started)}",
            environment=environment,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def killed_by_the_server(worker: Worker) -> None:
    worker.wait(timeout=300)
    assert worker.returncode == -signal.SIGKILL, worker.report()


def finish(worker: Worker, timeout: float = 180) -> str:
    worker.wait(timeout=timeout)
    assert worker.returncode == 0, worker.report()
    return worker.output()


def kill(worker: Worker) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def assert_no_loss_and_duplicates_only_where_flagged(received: Counter[str]) -> set[str]:
    """Every queued message arrived; more than once only if its row is flagged, and then at
    most twice. Returns the Message-IDs of the flagged rows."""
    rows = list(OutboxMessage.objects.values_list("message_id", "status", "possibly_duplicated"))
    assert {status for _, status, _ in rows} == {MessageStatus.SENT}
    assert set(received) == {message_id for message_id, _, _ in rows}
    flagged = {message_id for message_id, _, duplicated in rows if duplicated}
    for message_id, _, _ in rows:
        # A flagged row was handed over, then its worker stopped: the server may have kept
        # the first copy (then it has two) or not (killed before the "." went out: one).
        allowed = (1, 2) if message_id in flagged else (1,)
        assert received[message_id] in allowed, message_id
    return flagged


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_delivers_every_message(
    tmp_path, smtp_server, announce_event, start_worker
):
    """The issue's test: 200 messages, SIGKILL at an arbitrary moment mid-batch, restart."""
    announce_event(200)
    database = WorkerDatabase(tmp_path)
    url = database.export()
    smtp_server.handler.delay = 0.01  # a realistic server is not instantaneous

    first = start_worker(url, "--worker-id", "mail-1", "--batch", "25")
    smtp_server.handler.wait_for(60, timeout=300, sender=first)
    kill(first)
    delivered_before_restart = smtp_server.handler.count()
    assert 60 <= delivered_before_restart < 200

    # Restarted under the same id, it takes its unfinished claim back at once.
    output = finish(start_worker(url, "--worker-id", "mail-1", "--once"))
    database.import_results()

    received = smtp_server.handler.per_message_id()
    assert len(received) == 200
    flagged = assert_no_loss_and_duplicates_only_where_flagged(received)
    # One kill can leave at most one message in the uncertain window.
    assert len(flagged) <= 1
    assert output.startswith(f"mail-1: sent {200 - delivered_before_restart + len(flagged)},")
    interrupted = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.INTERRUPTED)
    assert interrupted.count() <= 1
    assert list(
        interrupted.filter(handed_over=True).values_list("message__message_id", flat=True)
    ) == sorted(flagged)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_the_end_of_data_delivers_nothing_twice(
    tmp_path, smtp_server, announce_event, start_worker
):
    """Killed while the server is still reading the envelope: the server discards the
    half-done transaction and the restarted worker sends it, once."""
    announce_event(30)
    database = WorkerDatabase(tmp_path)
    url = database.export()
    worker: dict[str, Worker] = {}

    def kill_at_the_eleventh_recipient(accepted_so_far: int) -> None:
        if accepted_so_far == 10 and "first" in worker:
            os.kill(worker.pop("first").pid, signal.SIGKILL)

    smtp_server.handler.on_rcpt = kill_at_the_eleventh_recipient
    first = worker["first"] = start_worker(url, "--worker-id", "mail-1")
    killed_by_the_server(first)
    assert smtp_server.handler.count() == 10

    finish(start_worker(url, "--worker-id", "mail-1", "--once"))
    database.import_results()

    flagged = assert_no_loss_and_duplicates_only_where_flagged(smtp_server.handler.per_message_id())
    assert flagged == set()
    [interrupted] = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.INTERRUPTED)
    assert interrupted.handed_over is False


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_server_accepted_resends_under_the_same_message_id(
    tmp_path, smtp_server, announce_event, start_worker
):
    """The window no design closes from the sending side alone: the server has the message,
    the worker dies before reading the reply. After its lease expires another worker sends it
    again with the same Message-ID and the row says so; nothing else is sent twice. That
    second worker runs as a daemon and finishes its message when told to stop (SIGTERM)."""
    announce_event(30)
    database = WorkerDatabase(tmp_path)
    url = database.export()
    worker: dict[str, Worker] = {}

    def kill_after_accepting_the_tenth(accepted: int) -> None:
        if accepted == 10 and "first" in worker:
            os.kill(worker.pop("first").pid, signal.SIGKILL)

    smtp_server.handler.after_accept = kill_after_accepting_the_tenth
    first = worker["first"] = start_worker(url, "--worker-id", "a", "--lease", "2")
    killed_by_the_server(first)
    assert smtp_server.handler.count() == 10

    second = start_worker(url, "--worker-id", "b", "--sleep", "0.2")
    smtp_server.handler.wait_for(31, timeout=300, sender=second)  # 30 messages, one of them twice
    second.send_signal(signal.SIGTERM)
    output = finish(second, timeout=60)
    database.import_results()

    received = smtp_server.handler.per_message_id()
    flagged = assert_no_loss_and_duplicates_only_where_flagged(received)
    tenth = smtp_server.handler.received[9].message_id
    assert flagged == {tenth}
    assert received[tenth] == 2
    message = OutboxMessage.objects.get(message_id=tenth)
    assert list(message.history.values_list("worker", "outcome", "handed_over")) == [
        ("a", AttemptOutcome.INTERRUPTED, True),
        ("b", AttemptOutcome.SENT, True),
    ]
    assert output.startswith("b: sent 21")
