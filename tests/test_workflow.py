"""The workflow's pure rules: auto-step verification, finding states, lifecycle transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.knowledge.playbooks import Step, StepKind, Verifier
from checks.model import (
    Asset,
    Attestation,
    Bilingual,
    CertInfo,
    DnsAnswer,
    DnsStatus,
    Finding,
    FindingRecord,
    FindingStatus,
    HttpEntry,
    HttpError,
    Lifecycle,
    ProbeOutcome,
    Severity,
)
from checks.workflow.checklists import auto_step_done
from checks.workflow.decommission import transition
from checks.workflow.findings import status_of

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_every_auto_step_kind_is_verified_from_probe_data():
    now = datetime(2026, 11, 29, tzinfo=UTC)
    asset = Asset("www.example.test")

    def probe(
        resolves=True,
        answered=True,
        ports=(),
        cert_days=90,
        verified=True,
        dns_status=None,
        failure=HttpError.CONNECT,
    ):
        dns = DnsAnswer(
            asset.name,
            dns_status or (DnsStatus.ANSWER if resolves else DnsStatus.NXDOMAIN),
            ("127.0.0.1",) if resolves else (),
        )
        cert = CertInfo(
            "CN=x",
            "CN=ca",
            ("www.example.test",),
            now - timedelta(days=10),
            now + timedelta(days=cert_days),
            False,
            verified,
        )
        entry = HttpEntry(
            "https://www.example.test/",
            status=200 if answered else None,
            error=None if answered else failure,
            tls=cert,
        )
        return ProbeOutcome(asset, now, now, dns, (entry,), open_ports=ports)

    def done(verify, outcome, firing=frozenset()):
        kind, _, check = verify.partition(":")
        step = Step(StepKind.AUTO, Bilingual("", ""), verify=Verifier(kind), check=check)
        return auto_step_done(step, "http-down", set(firing), outcome, now)

    assert done("evidence", None)
    assert done("check-clear", probe()) and not done("check-clear", probe(), {"http-down"})
    assert done("clear:no-https", probe(), {"http-down"})
    assert not done("clear:no-https", probe(), {"no-https"})
    assert done("no-dns", probe(resolves=False)) and not done("no-dns", probe())
    assert done("no-http", probe(answered=False)) and not done("no-http", probe())
    assert done("no-ports", probe()) and not done("no-ports", probe(ports=(3306,)))
    assert done("tls-ok", probe()) and not done("tls-ok", probe(cert_days=10))
    assert not done("tls-ok", probe(verified=False))
    assert not done("no-dns", None)


def test_unknown_never_verifies_a_decommission_step():
    now = datetime(2026, 11, 29, tzinfo=UTC)
    asset = Asset("www.example.test", lifecycle=Lifecycle.RETIRING)
    url = "https://www.example.test/"

    def outcome(status, failure, ports=None, error=""):
        dns = DnsAnswer(asset.name, status)
        entry = HttpEntry(url, error=failure)
        return ProbeOutcome(asset, now, now, dns, (entry,), open_ports=ports, error=error)

    def done(verify, o):
        step = Step(StepKind.AUTO, Bilingual("", ""), verify=Verifier(verify))
        return auto_step_done(step, "", set(), o, now)

    blind = outcome(DnsStatus.TIMEOUT, HttpError.UNRESOLVED)
    assert not any(done(v, blind) for v in ("no-dns", "no-http", "no-ports"))
    assert not done("no-dns", outcome(DnsStatus.SERVFAIL, HttpError.UNRESOLVED))
    gone = outcome(DnsStatus.NXDOMAIN, HttpError.UNRESOLVED)
    assert all(done(v, gone) for v in ("no-dns", "no-http", "no-ports"))
    up = DnsAnswer(asset.name, DnsStatus.ANSWER, ("127.0.0.1",))
    hanging = ProbeOutcome(asset, now, now, up, (HttpEntry(url, error=HttpError.TIMEOUT),))
    assert not done("no-http", hanging) and not done("no-ports", hanging)
    refused = ProbeOutcome(
        asset, now, now, up, (HttpEntry(url, error=HttpError.CONNECT),), open_ports=()
    )
    assert done("no-http", refused) and done("no-ports", refused)
    assert not done("no-http", outcome(DnsStatus.NXDOMAIN, HttpError.UNRESOLVED, error="boom"))


def test_finding_status_follows_firing_attestations_and_acceptance():
    now = datetime(2026, 11, 29, tzinfo=UTC)
    later = now + timedelta(days=1)
    assert status_of(True, "http-down", set(), None, now) == FindingStatus.OPEN
    assert status_of(True, "http-down", {0}, None, now) == FindingStatus.IN_PROGRESS
    assert status_of(False, "http-down", set(), None, now) == FindingStatus.IN_PROGRESS
    assert status_of(False, "http-down", set(range(20)), None, now) == FindingStatus.RESOLVED
    assert status_of(True, "http-down", set(), later, now) == FindingStatus.ACCEPTED
    assert status_of(True, "http-down", set(), now, later) == FindingStatus.OPEN  # expired


def test_only_the_decommission_checklist_retires_an_existing_asset():
    active, retiring, retired = Lifecycle.ACTIVE, Lifecycle.RETIRING, Lifecycle.RETIRED
    # a new asset is recorded as it is: an inventory of what was retired long ago
    assert transition(None, retired).lifecycle == retired
    step = transition(active, retired)
    assert step.lifecycle == retiring and step.starts_decommission and step.held
    step = transition(active, retiring)
    assert step.lifecycle == retiring and step.starts_decommission and not step.held
    assert transition(retiring, retired).lifecycle == retiring  # the checklist decides
    assert transition(retiring, active).lifecycle == active  # a retirement can be called off
    assert transition(retired, active).lifecycle == active  # back in service
    assert transition(retired, retiring).lifecycle == retired


def _record(check: str, fid: int, subject: str = "") -> FindingRecord:
    finding = Finding("hr.test", check, Severity.CRITICAL, check, check, "e=1", subject)
    return FindingRecord(finding, FindingStatus.OPEN, NOW, NOW, id=fid, firing=False)


def test_a_shared_step_is_done_only_when_every_finding_has_it():
    from checks.knowledge.playbooks import playbook_for
    from checks.workflow.checklists import checklists, step_key, worklist

    serving, resolves = _record("retired-still-serving", 1), _record("retired-still-resolves", 2)
    book = playbook_for("retired-still-serving")
    assert book is not None
    first = book.manual[0]
    early = Attestation("li", NOW - timedelta(hours=2), "signed")
    late = Attestation("li", NOW - timedelta(hours=1), "signed again")
    # Attested for one finding only (a second one appeared later): not done yet.
    work = worklist(checklists([serving, resolves], None, {1: {first: early}}, NOW))
    shared = next(w for w in work if w.key == step_key(book, first))
    assert shared.shared and shared.findings == (serving, resolves)
    assert shared.indexes == (first, first)
    assert not shared.done and shared.attestation is None
    attested = {1: {first: early}, 2: {first: late}}
    work = worklist(checklists([serving, resolves], None, attested, NOW))
    shared = next(w for w in work if w.key == step_key(book, first))
    assert shared.done and shared.attestation == late  # the latest of theirs
    # Each key once; a step with a share id has that id as its key.
    keys = [w.key for w in work]
    assert len(keys) == len(set(keys)) == len(book.steps)
    assert "cancel-icp-filing" in keys
