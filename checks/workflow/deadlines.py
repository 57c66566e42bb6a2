"""When a finding is due: a deadline per severity from the day it was first seen."""

from __future__ import annotations

from datetime import datetime, timedelta

from checks.model import FindingRecord, FindingStatus, Settings, Severity


def due_days(settings: Settings, severity: Severity) -> int:
    """Days a finding of `severity` has to be fixed; 0 means no deadline."""
    return int(getattr(settings, f"due_days_{severity.value}"))


def due_at(record: FindingRecord, settings: Settings) -> datetime | None:
    """The finding's due date, or None when its severity has no deadline."""
    days = due_days(settings, record.finding.severity)
    return record.first_seen + timedelta(days=days) if days > 0 else None


def overdue(record: FindingRecord, settings: Settings, now: datetime) -> bool:
    """Past its due date and still not fixed (an accepted risk is not overdue)."""
    due = due_at(record, settings)
    open_ = record.status in (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)
    return open_ and due is not None and now > due
