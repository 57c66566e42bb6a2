"""The workflow's pure rules: auto-step verification, finding states, lifecycle transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.knowledge.playbooks import Step, StepKind, Verifier
from checks.model import (
    Asset,
    Bilingual,
    CertInfo,
    DnsAnswer,
    DnsStatus,
    FindingStatus,
    HttpEntry,
    Lifecycle,
    ProbeOutcome,
)
from checks.workflow.checklists import auto_step_done
from checks.workflow.decommission import transition
from checks.workflow.findings import status_of


def test_every_auto_step_kind_is_verified_from_probe_data():
    now = datetime(2026, 11, 29, tzinfo=UTC)
    asset = Asset("www.example.test")

    def probe(resolves=True, answered=True, ports=(), cert_days=90, verified=True):
        dns = DnsAnswer(
            asset.name,
            DnsStatus.ANSWER if resolves else DnsStatus.NXDOMAIN,
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
        entry = HttpEntry("https://www.example.test/", status=200 if answered else None, tls=cert)
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
