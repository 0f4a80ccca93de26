"""The command line: the only place that prints or exits.

The modules that declare commands (main, plan, up, down, status, credentials, migrate, capacity,
scenarios) do without `from __future__ import annotations`: Typer evaluates every string annotation
of every command on every run, which cost 8 ms of each `aksnet --help` and `plan` (11 -> 3 ms to
build the app); names imported only for type checking are quoted there instead.
"""
