"""Subcommands of the `sim` command line, one module each."""
