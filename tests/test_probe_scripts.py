"""The prober reads a home page's own scripts (bounded) so that planted code in them is found."""

from __future__ import annotations

from checks.model import Asset, Kind, utcnow
from checks.probe import Prober
from checks.rules import RuleContext
from checks.rules.compromise import injected_script

HOST = "scripts.lab-edge.test"


async def _probe(lab, **changes):
    asset = Asset(HOST, Kind.WEBSITE, "IT", urls=(lab.ports.http_url(HOST),))
    async with Prober(lab.probe_config(**changes)) as prober:
        return await prober.probe(asset)


async def test_own_scripts_are_fetched_and_foreign_ones_never(lab):
    outcome = await _probe(lab, script_cap=4096)
    fetched = {s.url.rsplit("/", 1)[-1]: s for s in outcome.scripts}
    assert set(fetched) == {"site.js", "moved.js", "huge.js"}  # not evil-cdn.test/x.js
    assert all(HOST in s.url for s in outcome.scripts)
    assert b"document.referrer" in fetched["site.js"].body
    assert fetched["moved.js"].status == 302 and fetched["moved.js"].body == b""  # not followed
    assert len(fetched["huge.js"].body) == 4096  # capped


async def test_a_cloak_in_an_own_script_file_is_an_injected_script(lab):
    outcome = await _probe(lab)
    findings = injected_script(outcome, RuleContext(utcnow()))
    assert findings and "site.js" in findings[0].evidence
    assert "www.xpj-casino.test" in findings[0].evidence


async def test_light_sweeps_and_zero_fetch_no_scripts(lab):
    assert (await _probe(lab, paths=False)).scripts == ()
    assert (await _probe(lab, scripts=0)).scripts == ()


def test_stored_outcomes_keep_script_urls_and_old_rows_still_read():
    import json
    from datetime import UTC, datetime

    from checks.model import DnsAnswer, DnsStatus, ProbeOutcome, ScriptFile
    from checks.store.codec import outcome_from_json, outcome_to_json

    now = datetime(2026, 11, 29, tzinfo=UTC)
    asset = Asset(HOST)
    script = ScriptFile("http://scripts.lab-edge.test/js/site.js", 200, b"var x;", "ab" * 32)
    outcome = ProbeOutcome(asset, now, now, DnsAnswer(HOST, DnsStatus.ANSWER), scripts=(script,))
    back = outcome_from_json(asset, outcome_to_json(outcome))
    assert back.scripts == (ScriptFile(script.url, 200, b"", script.body_sha256),)
    old = json.loads(outcome_to_json(outcome))
    del old["scripts"]
    assert outcome_from_json(asset, json.dumps(old)).scripts == ()
