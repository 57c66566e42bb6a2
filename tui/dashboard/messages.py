"""What the sweep worker tells the app. The results themselves travel through the database."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from checks.model import SweepProgress


@dataclass
class SweepProgressed(Message, bubble=False):
    """A batch of the running sweep was stored; a newer one replaces a queued older one."""

    progress: SweepProgress

    def can_replace(self, message: Message) -> bool:
        """Only the latest progress matters: the app reads the results from the store."""
        return isinstance(message, SweepProgressed)


@dataclass
class SweepFinished(Message, bubble=False):
    """A sweep ran to its end (a cancelled one, by pause or by a newer sweep, posts nothing)."""

    progress: SweepProgress
