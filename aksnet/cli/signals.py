"""SIGINT and SIGTERM, handled alike and installed before anything heavy is imported.

The first signal stops the run as Ctrl-C always did: a KeyboardInterrupt in the main thread, which
each command turns into its report (what was done, what still runs in Azure) and exit 130, or 143
for SIGTERM. Three things make one signal always enough:

- Never inside an import. There a KeyboardInterrupt either prints a traceback from the imports or
  is swallowed by importlib ("Exception ignored in ... _get_module_lock") with the import lock left
  held, so the background SDK import hangs and the run with it. Inside an import the handler only
  records the signal; a watcher thread delivers it again every few milliseconds until it lands outside.
- Every run's stop event is set (`aksnet.stopping`), so waits end even where the exception cannot go.
- If the process still runs GRACE_SECONDS after the signal, it leaves with the signal's exit code
  (cursor shown again). A second signal leaves at once.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
import time
from contextlib import suppress
from types import FrameType

from aksnet import stopping

GRACE_SECONDS = 5.0
RESEND_SECONDS = 0.02
SHOW_CURSOR = b"\x1b[?25h"
KEPT = "Azure keeps what was started; a re-run resumes"
STUCK = "aksnet: did not stop within {grace:.0f}s of the signal; leaving now. " + KEPT
SECOND = "aksnet: second signal; leaving now. " + KEPT


class _State:
    """What the handler and the watcher share: the watcher's wake-up pipe, and a raise still owed."""

    wake: int = -1
    deferred: bool = False  # the raise waits until the main thread is out of an import
    resent: bool = False  # the watcher sent the signal again


def install() -> None:
    """Handle SIGINT and SIGTERM for this process (the console entry point calls it first)."""
    read_end, _State.wake = os.pipe()  # one byte is ever written (the first signal): it never blocks
    threading.Thread(target=_watch, args=(read_end,), name="aksnet-signals", daemon=True).start()
    signal.signal(signal.SIGINT, _handle)
    signal.signal(signal.SIGTERM, _handle)


def exit_code(signum: int) -> int:
    """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + signum


def _handle(signum: int, frame: FrameType | None) -> None:
    resent, _State.resent = _State.resent, False
    if stopping.record(signum):
        os.write(_State.wake, b"!")  # async-signal-safe: the watcher does the rest outside the handler
    elif not _State.deferred:
        if resent:
            return  # sent again just as the owed raise happened: nothing is owed any more
        _leave_now(SECOND, signum)
    if _inside_import(frame):
        _State.deferred = True
        return
    _State.deferred = False
    raise KeyboardInterrupt


def _inside_import(frame: FrameType | None) -> bool:
    """Whether the main thread is running import machinery or a finaliser, where a raise is lost or harmful."""
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith("<frozen importlib") or code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _watch(read_end: int) -> None:
    """Wait for the first signal; set every run's stop event, send a deferred raise again, then the deadline."""
    os.read(read_end, 1)
    stopping.stop_watched()
    signum = stopping.received() or signal.SIGINT
    main = threading.main_thread().ident or 0
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RESEND_SECONDS)
        if _State.deferred:
            _State.resent = True
            _deliver(main, signum)
    _leave_now(STUCK.format(grace=GRACE_SECONDS), signum)


def _deliver(main: int, signum: int) -> None:
    """The signal again, to the main thread: a real one also ends a blocking call there (interrupt_main,
    the fallback where threads cannot be signalled, would not)."""
    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(main, signum)
    else:
        _thread.interrupt_main(signal.Signals(signum))


def _leave_now(message: str, signum: int) -> None:
    """End the process without waiting for anything: raw writes, since another thread may hold stderr's lock."""
    shown = SHOW_CURSOR if _is_terminal(2) else b""
    with suppress(OSError):  # nowhere left to say it
        os.write(2, shown + b"\n" + message.encode() + b"\n")
    os._exit(exit_code(signum))


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def stopped_exit(code: object) -> object:
    """A run that a signal ended outside any command's own handling (Typer answers 130 for any
    KeyboardInterrupt) leaves with that signal's code."""
    signum = stopping.received()
    return exit_code(signum) if signum is not None and code == exit_code(signal.SIGINT) else code


def print_stopped(what: str) -> None:
    """One line on stderr for a signal that came before any command could report it."""
    sys.stderr.write(f"aksnet: {what}\n")
