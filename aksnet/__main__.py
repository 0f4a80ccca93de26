"""`python -m aksnet`: the same as the `aksnet` command."""

from aksnet.cli.main import run

run()
