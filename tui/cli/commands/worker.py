"""`assetwatch worker`: probe due assets from a shared PostgreSQL queue."""

from __future__ import annotations

import argparse

from checks.service import workers
from checks.service.sweeps import run_async
from checks.store import Store
from tui.cli.commands.scan import probe_overrides
from tui.cli.output import EXIT_OK, fail, say


def worker(args: argparse.Namespace, store: Store) -> int:
    """`worker [--location NAME] [--concurrency N] [--until-idle]`."""
    if store.backend != "postgresql":
        raise fail("cli.worker.needs_postgres", db=store.target)
    url = store.reopen_url()
    overrides = probe_overrides(args)
    options = workers.WorkerOptions(
        url=url,
        location=overrides.location,
        concurrency=args.jobs,
        overrides=overrides,
        until_idle=args.until_idle,
        stalled_s=args.stalled,
    )
    say(args.lang, "cli.worker.started", err=True, where=overrides.location or "-", db=store.target)
    store.close()
    run_async(workers.run_worker(options))
    return EXIT_OK
