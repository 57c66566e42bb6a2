"""Widgets of the dashboard: the grid, the summary line, the checklist, and how cells read."""
