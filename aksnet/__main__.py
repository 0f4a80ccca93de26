"""`python -m aksnet`: the same as the `aksnet` command."""

from aksnet.cli.entry import run

run()
