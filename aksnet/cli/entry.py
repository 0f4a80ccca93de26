"""The console entry point: signal handling first, then the command line, whose imports take a while."""

from __future__ import annotations

import os
import signal

from aksnet import stopping
from aksnet.cli import signals


def run() -> None:
    """Install the signal handlers, then run the command; it leaves the process itself (`leave`)."""
    signals.install()
    try:
        from aksnet.cli.main import run as run_command

        run_command()
    except KeyboardInterrupt:
        signals.print_stopped("interrupted before the command started; nothing was done")
        os._exit(signals.exit_code(stopping.received() or signal.SIGINT))
