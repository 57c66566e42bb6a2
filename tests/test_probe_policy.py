"""A hostile site cannot steer the prober: only inventoried hosts, never metadata or intranet."""

from __future__ import annotations

import socket

import pytest

from checks.model import Asset, HttpError, Kind
from checks.probe import Prober
from checks.probe.policy import ProbePolicy, Reach, reach

EDGE = "lab-edge.test"


@pytest.mark.parametrize(
    ("address", "where"),
    [
        ("169.254.169.254", Reach.FORBIDDEN),
        ("100.100.100.200", Reach.FORBIDDEN),  # Alibaba Cloud's metadata
        ("fd00:ec2::254", Reach.FORBIDDEN),
        ("fe80::1", Reach.FORBIDDEN),
        ("224.0.0.251", Reach.FORBIDDEN),
        ("0.0.0.0", Reach.FORBIDDEN),
        ("127.0.0.1", Reach.LOOPBACK),
        ("::1", Reach.LOOPBACK),
        ("100.64.20.30", Reach.PRIVATE),  # carrier-grade NAT, as intranets use it
        ("fd12:3456::1", Reach.PRIVATE),
        ("::ffff:100.64.0.1", Reach.PRIVATE),
        ("2001:4860::8888", Reach.GLOBAL),
        ("203.0.113.7", Reach.PRIVATE),  # documentation ranges count as private
    ],
)
def test_address_classes(address, where):
    assert reach(address) == where


def test_private_ranges_only_for_assets_that_live_there():
    public = ProbePolicy.of("www.example.test", ["2001:4860::8888"], ["oa.example.test"])
    assert not public.allows("100.64.0.5") and not public.allows("127.0.0.1")
    intranet = ProbePolicy.of("oa.example.test", ["100.64.0.5"])
    assert intranet.allows("100.64.0.9") and not intranet.allows("169.254.169.254")
    assert public.may_visit("OA.example.test.") and not public.may_visit("evil.example.test")


async def _probe(lab, label, *extra):
    asset = Asset(
        f"{label}.{EDGE}", Kind.WEBSITE, "IT", urls=(lab.ports.http_url(f"{label}.{EDGE}"),)
    )
    known = frozenset({asset.host, *(f"{e}.{EDGE}" for e in extra)})
    async with Prober(lab.probe_config(timeout=2.0), known_hosts=known) as prober:
        return await prober.probe(asset)


async def test_a_redirect_to_another_site_is_recorded_but_never_followed(lab):
    before = lab.requests_for(f"elsewhere.{EDGE}")
    outcome = await _probe(lab, "away")
    entry = outcome.http[0]
    assert entry.hops and entry.hops[0].status == 302 and entry.answered
    assert entry.error == HttpError.BLOCKED and f"elsewhere.{EDGE}" in entry.final_url
    assert lab.requests_for(f"elsewhere.{EDGE}") == before  # not one request reached it


@pytest.mark.parametrize("label", ["to-metadata", "to-intranet", "to-inventoried"])
async def test_redirects_into_metadata_or_the_intranet_are_not_connected_to(lab, label):
    # intra.lab-edge.test is inventoried, but it lives in a private range, the asset on loopback
    outcome = await _probe(lab, label, "intra")
    entry = outcome.http[0]
    assert entry.hops[0].status == 302
    # BLOCKED, not a refused socket: the suite's loopback guard would have made it ERROR
    assert entry.error == HttpError.BLOCKED, entry.error_detail


async def test_an_asset_whose_name_points_at_metadata_is_never_contacted(lab):
    asset = Asset(f"metadata.{EDGE}", Kind.SERVER, "IT")
    async with Prober(lab.probe_config(timeout=1.0)) as prober:
        outcome = await prober.probe(asset)
    assert outcome.dns.addresses == ("169.254.169.254",)
    assert outcome.open_ports is None  # no port was tried


@pytest.mark.filterwarnings("ignore:A test tried")
def test_the_suite_itself_refuses_anything_but_loopback():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(Exception, match="blocked|not allowed|A test tried"):
        sock.connect(("192.0.2.1", 80))
    sock.close()
