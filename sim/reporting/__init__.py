"""Building blocks of the teaching outputs: re-run replays, luck, causal traces, and Markdown or HTML documents."""
