"""The asset screen's tabs as text: overview, findings, history. Network text is made inert."""

from __future__ import annotations

from datetime import datetime

import humanize
from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.app import App

from checks.model import FindingRecord, FindingStatus, HttpEntry, Registration
from checks.names import display_name
from checks.store.views import AssetDetail
from checks.text import inert
from tui.dashboard.widgets.risk import RISK_SYMBOL, risk_style
from tui.dashboard.widgets.wrap import Hanging
from tui.i18n import STRINGS, tr

LABEL_WIDTH = 9
"""Display cells of a label column in the certificate and registration blocks."""


def _label(lang: str, key: str) -> str:
    """A label padded to LABEL_WIDTH display cells (Chinese is two cells a character)."""
    word = tr(lang, f"label.{key}")
    return word + " " * max(1, LABEL_WIDTH - cell_len(word))


def _line(text: Text, label: str, value: str, style: str = "") -> None:
    text.append(f"{label}: ", style="bold")
    text.append(inert(value) + "\n", style=style)


def overview(d: AssetDetail, lang: str, now: datetime) -> Text:
    """Owner, filing, URLs and notes; then DNS, every HTTP(S) response and the certificate."""
    t = lang
    text = Text()
    _line(text, tr(t, "detail.owner"), d.asset.owner or "—")
    if d.asset.icp:
        _line(text, tr(t, "detail.icp"), d.asset.icp)
    if d.asset.urls:
        _line(text, tr(t, "detail.urls"), " ".join(d.asset.urls))
    if d.asset.notes:
        _line(text, tr(t, "detail.notes"), d.asset.notes)
    outcome = d.outcome
    if outcome is None:
        text.append("\n" + tr(t, "detail.never"), style="italic")
        return text
    dns = outcome.dns
    text.append(f"\n{tr(t, 'detail.dns')}\n", style="bold underline")
    text.append(f"  {dns.status.upper()}  {inert(', '.join(dns.addresses)) or '—'}\n")
    if dns.cname_chain:
        text.append("  CNAME " + inert(" → ".join((dns.name, *dns.cname_chain))) + "\n")
    if dns.ns:
        text.append("  NS " + inert(", ".join(dns.ns)) + "\n")
    if dns.soa:
        text.append("  SOA " + inert(dns.soa) + "\n")
    if dns.error:
        text.append("  " + inert(dns.error) + "\n", style="dim")
    _places(text, d, lang)
    if outcome.registration is not None:
        _registration(text, outcome.registration, lang, now)
    if outcome.http:
        text.append(f"\n{tr(t, 'detail.http')}\n", style="bold underline")
        for entry in outcome.http:
            _entry(text, entry)
    certs = [e.tls for e in outcome.http if e.tls is not None]
    if certs:
        cert = certs[0]
        text.append(f"\n{tr(t, 'detail.tls')}\n", style="bold underline")
        text.append(f"  {_label(t, 'subject')}{inert(cert.subject)}\n")
        text.append(f"  {_label(t, 'issuer')}{inert(cert.issuer)}\n")
        text.append(f"  {_label(t, 'sans')}{inert(', '.join(cert.sans))}\n")
        text.append(
            f"  {_label(t, 'valid')}{cert.not_before:%Y-%m-%d} → {cert.not_after:%Y-%m-%d} "
        )
        text.append(f"({tr(t, 'age.d', n=(cert.not_after - now).days)})\n", style="bold")
        if cert.verified:
            verdict = tr(t, "cert.verified")
        else:
            verdict = tr(t, "cert.not_verified", why=cert.verify_error)
        name = tr(t, "cert.name_ok" if cert.hostname_ok else "cert.name_mismatch")
        text.append(f"  {_label(t, 'chain')}{inert(verdict)}; {name}\n")
    return text


def _places(text: Text, d: AssetDetail, lang: str) -> None:
    """Where the asset is probed from, when it is more than this machine: each place's latest
    probe (DNS, HTTP status or error, when)."""
    if not any(place for place, *_ in d.places):
        return
    text.append(f"\n{tr(lang, 'detail.places')}\n", style="bold underline")
    width = max(cell_len(inert(place or "-")) for place, *_ in d.places)
    dns_width = max(len(dns) for _, _, dns, *_ in d.places)
    for place, at, dns, status, error in d.places:
        name = inert(place or "-")
        when = f"{at.astimezone():%m-%d %H:%M}" if at else "-"
        seen = str(status) if status is not None else inert(error or "-")
        pad = " " * (width - cell_len(name))
        text.append(f"  {name}{pad}  {when}  {dns.upper():<{dns_width}}  {seen}\n")


def place_split(record: FindingRecord, d: AssetDetail, lang: str) -> str:
    """ "Seen from A; not from B" when the places disagree about a finding, else ""."""
    places = d.sightings.get(record.id or 0, {})
    seen = [p or "-" for p, (yes, _) in places.items() if yes]
    unseen = [p or "-" for p, (yes, _) in places.items() if not yes]
    if not seen or not unseen:
        return ""
    return tr(lang, "detail.split", seen=", ".join(seen), unseen=", ".join(unseen))


def _registration(text: Text, reg: Registration, lang: str, now: datetime) -> None:
    """What the registry said about the asset's domain (or why nothing is known)."""
    text.append(f"\n{tr(lang, 'detail.registration')}  ", style="bold underline")
    text.append(display_name(reg.domain) + "\n")
    if not reg.known:
        text.append(f"  ? {inert(reg.unknown)}\n", style="dim")
        return
    if not reg.registered:
        text.append(f"  {tr(lang, 'detail.unregistered')}  {inert(reg.source)}\n", style="bold")
        return
    t = lang
    if reg.expires is not None:
        text.append(f"  {_label(t, 'expires')}{reg.expires:%Y-%m-%d} ")
        text.append(f"({tr(t, 'age.d', n=(reg.expires - now).days)})\n", style="bold")
    if reg.created is not None:
        text.append(f"  {_label(t, 'created')}{reg.created:%Y-%m-%d}\n")
    text.append(f"  {_label(t, 'status')}{inert(', '.join(reg.statuses) or '—')}\n")
    source = f"  {_label(t, 'source')}{inert(reg.source)}  {inert(reg.registrar)}\n"
    text.append(source, style="dim")


def _entry(text: Text, entry: HttpEntry) -> None:
    text.append(f"  {inert(entry.url)}\n", style="bold")
    if entry.hops:
        chain = " → ".join(f"{h.status}" for h in entry.hops)
        text.append(f"    {chain}  {entry.elapsed_ms:.0f} ms")
        if entry.address:
            text.append(f"  @{inert(entry.address)}")
        text.append("\n")
    if entry.error:
        text.append(f"    {entry.error}: {inert(entry.error_detail)}\n", style="dim")
    if entry.title:
        text.append(f"    «{inert(entry.title)}»\n")
    server = entry.header("server")
    if server:
        text.append(f"    Server: {inert(server)}\n", style="dim")
    if len(entry.hops) > 1:
        for hop in entry.hops:
            text.append(f"      {hop.status} {inert(hop.url)}\n", style="dim")


def findings(app: App[object], d: AssetDetail, lang: str, now: datetime) -> Group | Text:
    """Every unresolved finding: severity, title, subject, status, check; then, wrapped under the
    title, its evidence and when it was first and last seen."""
    t = lang
    if not d.findings:
        return Text(tr(t, "detail.no_findings"), style="italic")
    parts: list[Hanging] = []
    for record in d.findings:
        f = record.finding
        lead = Text(
            f"{RISK_SYMBOL[f.severity]} {tr(t, f'risk.{f.severity}')}",
            style=risk_style(app, f.severity),
        )
        lead.append(" ")
        body = Text()
        body.append(f.title.text(t), style="bold")
        if f.subject:
            body.append(f"  {inert(f.subject)}", style="bold")
        body.append(f"  [{finding_state(record, t)}]  ")
        body.append(f"{f.check}\n", style="dim")
        body.append(f"{inert(f.evidence)}\n")
        first = humanize.naturaltime(record.first_seen, when=now)
        last = humanize.naturaltime(record.last_seen, when=now)
        seen = f"{tr(t, 'detail.first_seen')} {first} · {tr(t, 'detail.last_seen')} {last}\n"
        body.append(seen, style="dim")
        split = place_split(record, d, t)
        if split:
            body.append(inert(split) + "\n", style="bold")
        parts.append(Hanging(lead, body))
    return Group(*parts)


def finding_state(record: FindingRecord, lang: str) -> str:
    """The finding's status in words, and whether its check still fires."""
    state = tr(lang, f"status.{record.status}")
    if not record.firing and record.status != FindingStatus.RESOLVED:
        state += " · " + tr(lang, "status.not_firing")
    return state


def history(d: AssetDetail, lang: str, now: datetime) -> Text:
    """The last ten probes (when, HTTP status, time), then every change made to the asset."""
    text = Text()
    for at, ms, status in reversed(d.history[-10:]):
        when = humanize.naturaltime(at, when=now)
        text.append(f"  {when:<18} HTTP {status if status is not None else '—':<4} ")
        text.append(f"{ms:.0f} ms\n" if ms is not None else "—\n")
    text.append(f"\n{tr(lang, 'detail.events')}\n", style="bold underline")
    for event in reversed(d.events):
        key = f"event.{event.action}"
        what = tr(lang, key) if key in STRINGS else event.action
        text.append(f"  {event.at:%Y-%m-%d %H:%M}  {inert(event.actor)}  {what}")
        for field in ("step", "note", "reason"):
            if event.detail.get(field):
                text.append("  " + inert(str(event.detail[field])), style="italic")
        changes = event.detail.get("changes")
        if changes:
            listed = ", ".join(f"{k}: {a!s} → {b!s}" for k, (a, b) in changes.items())
            text.append("  " + inert(listed))
        text.append("\n")
    return text
