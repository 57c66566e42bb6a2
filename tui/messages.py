"""Messages that cross widgets: what background sweeps report to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from checks.runner import Progress


@dataclass
class ResultsBatch(Message):
    """A batch of probe outcomes was stored; these assets changed."""

    asset_ids: list[int]
    progress: Progress


@dataclass
class SweepFinished(Message):
    """A sweep ended (completed, or cancelled by pause)."""

    progress: Progress
    full: bool
