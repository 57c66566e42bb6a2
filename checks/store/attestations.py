"""Attestations of decommission steps and of organisation checklist items (one shape each)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from checks.model import Attestation, Clock
from checks.store.audit import AuditLog, actor
from checks.store.codec import attestation, ts


class Attestations:
    """Who attested what: a retiring asset's decommission steps, the organisation's items."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit

    def _row(
        self,
        note: str,
        evidence: str,
        who: str | None,
        at: datetime | None = None,
        sha256: str = "",
    ) -> dict[str, str]:
        return {
            "actor": who or actor(),
            "at": ts(at or self._clock()),
            "note": note,
            "evidence": evidence,
            "evidence_sha256": sha256,
        }

    def attest_decommission(
        self,
        asset_id: int,
        step: int,
        note: str = "",
        evidence: str = "",
        who: str | None = None,
        at: datetime | None = None,
        evidence_sha256: str = "",
    ) -> None:
        """Attest a manual step of an asset's decommission checklist (logged).

        Args:
            at: when it was done, if not now (an inventory of what was retired long ago).
            evidence_sha256: the evidence file's hash, when the evidence is a file.
        """
        row = self._row(note, evidence, who, at, evidence_sha256)
        with self._db.atomic():
            self._db.table("decommission_steps").upsert(
                {"asset_id": asset_id, "step": step, **row}, pk=("asset_id", "step")
            )
            extra = {"sha256": evidence_sha256} if evidence_sha256 else {}
            self._audit.log(
                "decommission.attest",
                asset_id,
                who,
                step=step + 1,
                note=note,
                evidence=evidence,
                **extra,
            )

    def decommission(self, asset_id: int) -> dict[int, Attestation]:
        """Step index -> attestation, for one asset."""
        rows = self._db.execute(
            "SELECT step, actor, at, note, evidence, evidence_sha256 FROM decommission_steps "
            "WHERE asset_id = ?",
            [asset_id],
        )
        return {r[0]: attestation(*r[1:]) for r in rows}

    def attest_org(
        self,
        item_id: str,
        note: str = "",
        evidence: str = "",
        who: str | None = None,
        evidence_sha256: str = "",
    ) -> None:
        """Attest an item of the organisation checklist (logged)."""
        row = self._row(note, evidence, who, sha256=evidence_sha256)
        with self._db.atomic():
            self._db.table("org_attestations").upsert({"item_id": item_id, **row}, pk="item_id")
            extra = {"sha256": evidence_sha256} if evidence_sha256 else {}
            self._audit.log(
                "org.attest", None, who, item=item_id, note=note, evidence=evidence, **extra
            )

    def org(self) -> dict[str, Attestation]:
        """Item id -> attestation."""
        rows = self._db.execute(
            "SELECT item_id, actor, at, note, evidence, evidence_sha256 FROM org_attestations"
        )
        return {r[0]: attestation(*r[1:]) for r in rows}
