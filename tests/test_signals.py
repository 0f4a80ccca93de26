"""SIGINT and SIGTERM on real processes (issue #10 defects 3, 4, 5): one signal always ends the run, with
exit 130 or 143, no traceback, the summary, and the cursor shown again.

Every child runs under a deadline (tests/helpers.Child): a hang fails the test instead of blocking it.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aksnet import stopping
from aksnet.azure import clients
from aksnet.errors import Interrupted, Terminated
from aksnet.scenarios import SCENARIO_DIR
from helpers import Child

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc to see the handlers")

OVERLAY = str(SCENARIO_DIR / "overlay-cilium.yaml")
# The console script pip made from [project.scripts]; `python -m aksnet` takes the same entry point.
AKSNET = Path(sys.executable).with_name("aksnet")
COMMAND = [str(AKSNET)] if AKSNET.exists() else [sys.executable, "-m", "aksnet"]
TRACES = ("Traceback", "Exception ignored")


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Latency 0.05: a 15 s cluster create, so the run is still going when the signal lands.
    env = {**os.environ, "AKSNET_EMULATOR": "1", "AKSNET_EMULATOR_DB": str(tmp_path / "e.db")}
    return {**env, "AKSNET_EMULATOR_LATENCY": "0.05", **extra}


def handlers_installed(pid: int) -> bool:
    """Whether the process catches SIGTERM: aksnet's handlers are in (Python's own default does not catch it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True  # already gone: its exit code will tell
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def started(child: Child, timeout: float = 30.0) -> None:
    """Until the child's own code runs (the interpreter's start-up before it is out of aksnet's reach)."""
    deadline = time.monotonic() + timeout
    while not handlers_installed(child.process.pid):
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("the signal handlers were never installed")
        time.sleep(0.002)


@pytest.mark.parametrize("offset", [0.0, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.45])
def test_ctrl_c_in_the_first_half_second_of_up_exits_130_without_a_traceback_or_a_hang(
    tmp_path: Path, offset: float
) -> None:
    child = Child([*COMMAND, "up", OVERLAY, "--yes"], environment(tmp_path))
    started(child)
    time.sleep(offset)  # when the signal lands; nothing is asserted about time
    child.signal(signal.SIGINT)
    code, _, err = child.finish(timeout=30)
    assert code == 130, err
    assert not [trace for trace in TRACES if trace in err], err


def test_sigterm_during_up_exits_143_with_the_summary_of_what_was_done_and_what_still_runs(tmp_path: Path) -> None:
    child = Child([*COMMAND, "up", OVERLAY, "--yes"], environment(tmp_path))
    child.wait_for_line("managed_cluster: waiting for Azure")
    child.signal(signal.SIGTERM)
    code, out, err = child.finish(timeout=30)
    assert code == 143, err
    assert "aksnet: overlay-cilium: STOPPED (TERMINATED)" in out
    words = " ".join(out.split())  # the table wraps long reasons
    assert "created" in out and "the operation continues in Azure and a re-run resumes" in words
    assert not [trace for trace in TRACES if trace in err], err
    # Resuming is the same after SIGTERM as after Ctrl-C: covered in-process (tests/test_chaos.py).


def test_ctrl_c_during_down_exits_130_and_a_rerun_finishes(tmp_path: Path) -> None:
    # down's deletes run as a graph of worker threads: Ctrl-C reaches the thread waiting on the graph.
    made = Child([*COMMAND, "up", OVERLAY, "--yes"], environment(tmp_path, AKSNET_EMULATOR_LATENCY="0.001"))
    assert made.finish(timeout=60)[0] == 0
    down = [*COMMAND, "down", OVERLAY, "--yes"]
    child = Child(down, environment(tmp_path, AKSNET_EMULATOR_LATENCY="0.02"))
    child.wait_for_line("managed_cluster: waiting for Azure")
    child.signal(signal.SIGINT)
    code, out, err = child.finish(timeout=30)
    assert code == 130, err
    assert "STOPPED" in out and not [trace for trace in TRACES if trace in err], err
    again = Child(down, environment(tmp_path, AKSNET_EMULATOR_LATENCY="0.02"))
    code, out, err = again.finish(timeout=60)
    assert code == 0, err
    assert "deleted" in out and "failed" not in out, out  # the resource group at least, which goes last


def test_sigterm_on_a_terminal_shows_the_cursor_again(tmp_path: Path) -> None:
    # The live progress view hides the cursor on a terminal; SIGTERM used to leave it hidden.
    command = [*COMMAND, "up", OVERLAY, "--yes", "-o", "json"]
    child = Child([sys.executable, "-c", _ON_A_TERMINAL, *command], environment(tmp_path))
    code, out, err = child.finish(timeout=60)
    assert code == 0, err
    assert "exit 143" in out, out
    hidden, shown = out.rfind("[?25l"), out.rfind("[?25h")
    assert hidden != -1 and shown > hidden, out


# Runs the command with stderr on a pseudo-terminal, sends SIGTERM once the cluster create is in flight,
# and prints everything the terminal received, then the exit code.
_ON_A_TERMINAL = textwrap.dedent(
    """
    import os, pty, select, signal, subprocess, sys, time
    leader, follower = pty.openpty()
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    seen, sent, deadline = b"", False, time.monotonic() + 50
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not sent and b"waiting for Azure" in seen:
            child.send_signal(signal.SIGTERM)
            sent = True
        if sent and child.poll() is not None and not ready:
            break
    code = child.wait(timeout=10)
    sys.stdout.write(seen.decode(errors="replace").replace("\\x1b", "") + f"\\nexit {code}\\n")
    """
)


def _child_python(body: str, tmp_path: Path) -> Child:
    """A Python child running `body` once aksnet's signal handlers are installed."""
    script = "from aksnet.cli import signals\nsignals.install()\n" + textwrap.dedent(body)
    return Child([sys.executable, "-c", script], {**os.environ, "PYTHONPATH": str(tmp_path)})


def test_a_signal_inside_an_import_is_raised_once_the_import_is_done(tmp_path: Path) -> None:
    # The module goes on importing until the signal has arrived, and a while after (the watcher sends it again).
    (tmp_path / "slow_module.py").write_text(
        textwrap.dedent(
            """
            import sys, time
            from aksnet import stopping
            print("importing", file=sys.stderr, flush=True)
            deadline = time.monotonic() + 20
            while stopping.received() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)
            DONE = stopping.received() is not None
            """
        )
    )
    child = _child_python(
        """
        import sys, time
        try:
            import slow_module
            time.sleep(30)
        except KeyboardInterrupt:
            print("interrupted; the import finished:", getattr(sys.modules.get("slow_module"), "DONE", False))
        """,
        tmp_path,
    )
    child.wait_for_line("importing")
    child.signal(signal.SIGINT)
    _, out, err = child.finish(timeout=30)
    assert "interrupted; the import finished: True" in out, err
    assert "Traceback" not in err


def _stubborn(tmp_path: Path, grace: float) -> Child:
    """A child that never stops on its own: each KeyboardInterrupt is reported on stderr, then it sleeps on."""
    child = _child_python(
        f"""
        import sys, time
        signals.GRACE_SECONDS = {grace}
        ready = False
        while True:
            try:
                if not ready:
                    ready = True
                    print("ready", file=sys.stderr, flush=True)
                time.sleep(30)
            except KeyboardInterrupt:
                print("stopping slowly", file=sys.stderr, flush=True)
        """,
        tmp_path,
    )
    child.wait_for_line("ready")
    return child


def test_a_run_that_does_not_stop_is_ended_at_the_deadline_with_the_signals_code(tmp_path: Path) -> None:
    child = _stubborn(tmp_path, grace=1.0)
    child.signal(signal.SIGTERM)
    code, _, err = child.finish(timeout=30)
    assert code == 143 and "did not stop within 1s of the signal; leaving now" in err


def test_a_second_signal_leaves_at_once(tmp_path: Path) -> None:
    child = _stubborn(tmp_path, grace=600.0)
    child.signal(signal.SIGINT)
    child.wait_for_line("stopping slowly")
    child.signal(signal.SIGINT)
    code, _, err = child.finish(timeout=30)
    assert code == 130 and "second signal; leaving now" in err


# --- in-process: the record a signal leaves, and the waits that honour it ------------------------------------


@pytest.fixture
def signalled() -> Iterator[Callable[[int], None]]:
    """Record a signal as the handler would; forgotten afterwards (the record is the process's)."""
    yield stopping.record
    stopping.forget()


def test_after_sigterm_every_watched_run_stops_and_reports_143(signalled: Callable[[int], None]) -> None:
    before = stopping.watched()
    signalled(signal.SIGTERM)
    assert not before.is_set()  # the handler only records; the watcher thread sets the events
    stopping.stop_watched()
    assert before.is_set() and stopping.watched().is_set()  # a run that starts after the signal stops at once
    assert isinstance(stopping.interruption("x"), Terminated) and stopping.interruption("x").exit_code == 143


def test_the_wait_for_the_background_sdk_import_ends_on_a_signal(
    signalled: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = clients._Preloader()  # never started: its import never finishes, like one stuck on the import lock
    stuck.want(clients.READS)
    monkeypatch.setattr(clients, "_PRELOADER", [stuck])
    signalled(signal.SIGINT)
    with pytest.raises(Interrupted) as caught:
        clients.sdk_ready("network")
    assert caught.value.exit_code == 130 and "importing the Azure SDK" in caught.value.message
