"""Widgets of the TUI: each shows one part of a session and holds no game logic."""
