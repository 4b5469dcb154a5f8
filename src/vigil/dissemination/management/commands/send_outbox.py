"""`vigil send_outbox`: the mail worker. Run one per host under a supervisor (systemd), with a
fixed `--worker-id` so that a restart takes its own unfinished claim back at once."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.dissemination import outbox, selectors


class Command(BaseCommand):
    help = "Send queued email from the durable outbox (loops until SIGTERM unless --once)."
    # The worker serves no page: it must keep mail flowing even if a web route fails to import,
    # and start fast after a restart. `vigil check` belongs to deployment, not to each start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Send what is due now, then exit (for cron)."
        )
        parser.add_argument(
            "--batch", type=int, default=50, help="Messages per SMTP connection (default 50)."
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="A name unique among running workers (default host:pid). When given, claims "
            "left by an earlier process with the same name are taken back at start-up.",
        )
        parser.add_argument(
            "--sleep", type=float, default=5.0, help="Seconds between polls when idle."
        )
        parser.add_argument(
            "--lease",
            type=int,
            default=None,
            help="Seconds a claim lasts (default VIGIL_OUTBOX_LEASE_SECONDS or 120).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        policy = outbox.outbox_policy()
        if options["lease"] is not None:
            if options["lease"] < 1:
                raise CommandError("--lease must be at least 1 second")
            policy = outbox.OutboxPolicy(
                lease=outbox.dt.timedelta(seconds=options["lease"]),
                max_attempts=policy.max_attempts,
                backoff_base=policy.backoff_base,
                backoff_cap=policy.backoff_cap,
            )
        stop = threading.Event()

        def finish_current(signum: int, frame: Any) -> None:
            # Only set a flag: the message in hand is finished and recorded, then the loop ends.
            stop.set()

        signal.signal(signal.SIGTERM, finish_current)
        signal.signal(signal.SIGINT, finish_current)
        if options["verbosity"] > 1:
            logging.getLogger("vigil.dissemination").setLevel(logging.INFO)
        worker_id = options["worker_id"] or outbox.default_worker_id()
        try:
            run = outbox.run_worker(
                worker_id=worker_id,
                batch=options["batch"],
                once=options["once"],
                poll_seconds=options["sleep"],
                stop=stop,
                policy=policy,
                recover_own_claims=bool(options["worker_id"]),
            )
        except OSError as error:
            raise CommandError(f"mail server unavailable: {error}") from error
        queue = selectors.outbox_counts()
        self.stdout.write(
            f"{worker_id}: sent {run.sent}, retrying {run.retried}, failed {run.failed}, "
            f"cancelled {run.cancelled}, recovered {run.recovered}; outbox now: "
            + ", ".join(f"{status} {count}" for status, count in queue.items())
        )
