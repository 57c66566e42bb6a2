"""Domains in a sweep and around it: registration lookups (once per registrable domain, cached
a day), the filing list and the Discovered list as rule context, and what discovery found.

The sweep calls `SweepDomains.prepare` before probing; whichever process judges an outcome
applies its `DomainFacts`, and the writer `settle`s the names each probe found. The front ends
call `import_filings`, `discover` and the triage functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from checks.errors import UserError
from checks.knowledge import load_data
from checks.model import (
    Asset,
    Filing,
    Finding,
    Kind,
    Lifecycle,
    ProbeOutcome,
    Registration,
)
from checks.names import is_ip, normalize_name, registrable_domain
from checks.probe import ProbeConfig
from checks.probe.brute import BruteResult, brute_force
from checks.registry import Registry, RegistryConfig
from checks.registry.clients import CT_CAP, http_get_new
from checks.registry.ct import CtNames, ct_names
from checks.registry.icp import FilingList, parse_filings
from checks.rules import RuleContext
from checks.rules.filings import FilingPlan, reconcile
from checks.service import inventory
from checks.store import Store
from checks.store.domains import Triage, released_at

DEFAULT_CT_URL = "https://crt.sh/"
"""crt.sh's JSON API (`?q=%.example.com&output=json`); `--ct-url` names another."""


def representatives(assets: Sequence[Asset]) -> dict[str, Asset]:
    """Registrable domain -> the one asset whose outcome carries its registration.

    The domain asset of that name if there is one, else a domain asset under it, else the
    first asset (by id) under it: one set of registration findings per domain, not one per site.
    Names under a provider's private suffix (x.github.io, shop.myshopify.com) have none.
    """
    chosen: dict[str, Asset] = {}
    for asset in assets:
        if is_ip(asset.host):
            continue
        domain = registrable_domain(asset.host, private=False)
        if registrable_domain(asset.host) != domain:
            continue  # a name on a provider's domain (x.github.io): its registration is not ours
        best = chosen.get(domain)
        if best is None or _rank(asset, domain) < _rank(best, domain):
            chosen[domain] = asset
    return chosen


def _rank(asset: Asset, domain: str) -> tuple[int, int, int]:
    exact = asset.kind == Kind.DOMAIN and asset.host == domain
    return (not exact, asset.kind != Kind.DOMAIN, asset.id or 0)


def registry_config(config: ProbeConfig) -> RegistryConfig:
    """Where registrations come from, for a sweep probing with `config`."""
    return RegistryConfig(
        bootstrap=config.rdap_bootstrap,
        whois=config.whois_servers,
        timeout=min(8.0, config.timeout),
    )


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What the rules need to know about domains in a sweep, in whichever process judges.

    Picklable: sharded sweeps send each worker the facts of its own assets (`for_assets`).
    """

    registrations: dict[int, Registration] = field(default_factory=dict)
    """Asset id -> the registration its outcome carries (representatives only)."""
    filings: tuple[Filing, ...] = ()
    plan: FilingPlan = field(default_factory=FilingPlan)
    released: dict[int, datetime] = field(default_factory=dict)
    waiting: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    quiet: frozenset[str] = frozenset()

    def apply(self, outcome: ProbeOutcome, base: RuleContext) -> tuple[ProbeOutcome, RuleContext]:
        """The outcome with its registration, and the rule context with the domain facts."""
        asset = outcome.asset
        asset_id = asset.id or 0
        released = self.released.get(asset_id)
        return replace(outcome, registration=self.registrations.get(asset_id)), replace(
            base,
            filings=self.filings,
            unlisted_filings=tuple(self.plan.unlisted.get(asset.name, ())),
            retired_filings=tuple(self.plan.retired.get(asset.name, ())),
            released_at=released if asset.lifecycle != Lifecycle.ACTIVE else None,
            waiting=tuple(self.waiting.get(asset_id, ())),
            quiet=self.quiet,
        )

    def for_assets(self, assets: Sequence[Asset]) -> DomainFacts:
        """The facts a worker probing only `assets` needs."""
        ids = {a.id for a in assets}
        return replace(
            self,
            registrations={k: v for k, v in self.registrations.items() if k in ids},
            released={k: v for k, v in self.released.items() if k in ids},
            waiting={k: v for k, v in self.waiting.items() if k in ids},
        )


@dataclass(slots=True)
class SweepDomains:
    """What one sweep knows about domains: registrations, filings, discovered names."""

    store: Store
    config: ProbeConfig
    facts: DomainFacts = field(default_factory=DomainFacts)
    claimed: dict[str, int] = field(default_factory=dict)
    """Name -> the asset it is reported under: one unknown-asset finding per name, however
    many certificates or pages (or sweep processes) show it."""
    found: list[tuple[int, str, str]] = field(default_factory=list)
    """(asset id, name, how) seen by this sweep's probes, recorded with each batch."""

    async def prepare(
        self, todo: Sequence[Asset], everything: Sequence[Asset] | None = None
    ) -> None:
        """Look up (or read from the day's cache) the registrations `todo` speaks for.

        `everything` is the whole inventory when the caller has just read it.

        Raises:
            UserError: the --rdap-bootstrap file cannot be read.
        """
        store = self.store
        everything = store.assets.all() if everything is None else everything
        filings = tuple(store.filings.all())
        self.claimed = store.discovered.anchors()
        self.facts = DomainFacts(
            filings=filings,
            plan=reconcile(filings, everything),
            released=dict(released_at(store.db)),
            waiting=store.discovered.waiting(),
            quiet=store.discovered.quiet(),
        )
        ids = {a.id for a in todo}
        speakers = {d: a for d, a in representatives(everything).items() if a.id in ids}
        if not speakers:
            return
        known = store.registrations.fresh(speakers)
        missing = [d for d in speakers if d not in known]
        if missing and self.config.registration:
            async with Registry(registry_config(self.config), store.clock) as registry:
                found = await registry.lookup_many(d for d in missing if registry.has_server(d))
                for domain in missing:
                    found.setdefault(
                        domain,
                        Registration(
                            domain,
                            store.clock(),
                            unknown=f"no RDAP or WHOIS server known for .{domain.rsplit('.')[-1]}",
                        ),
                    )
            store.registrations.save(found.values())
            known.update(found)
        for domain in missing:
            known.setdefault(
                domain,
                Registration(domain, store.clock(), unknown="lookups skipped (--light)"),
            )
        self.facts = replace(
            self.facts,
            registrations={
                asset.id: known[domain]
                for domain, asset in speakers.items()
                if asset.id is not None
            },
        )

    def settle(
        self, asset_id: int, names: Sequence[tuple[str, str]], findings: list[Finding]
    ) -> list[Finding]:
        """Claim the names one probe found; a name another asset claimed first is not reported
        again here (its unknown-asset finding is dropped). Returns the findings to keep."""
        if not asset_id:
            return findings
        for name, _ in names:
            self.claimed.setdefault(name, asset_id)
        elsewhere = {n for n, _ in names if self.claimed[n] != asset_id}
        self.found += [(asset_id, n, how) for n, how in names if n not in elsewhere]
        return [f for f in findings if not (f.check == "unknown-asset" and f.subject in elsewhere)]

    def flush(self) -> None:
        """Record the names this batch's probes found in the Discovered list."""
        if self.found:
            self.store.discovered.record(self.found)
            self.found = []


# -- the filing list ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FilingsImported:
    """What an import of the filing list did, and what the list says about the inventory."""

    parsed: FilingList
    plan: FilingPlan


def import_filings(store: Store, path: Path, who: str | None = None) -> FilingsImported:
    """Replace the filing list with a file's (the good rows), and reconcile it.

    Raises:
        UserError: the file cannot be read, has no domain column, or no good row.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc}", f"无法读取 {path}：{exc}") from None
    parsed = parse_filings(path.name, data)
    if not parsed.filings:
        raise UserError(f"{path}: no filing could be read", f"{path}：没有可读取的备案记录")
    store.filings.replace(parsed.filings, path.name, who)
    return FilingsImported(parsed, reconcile(parsed.filings, store.assets.all()))


# -- discovery ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Discovery:
    """What `assetwatch discover DOMAIN` found."""

    anchor: Asset
    """The inventoried asset the names are reported under."""
    new: tuple[str, ...]
    """Names added to the Discovered list by this run."""
    found: tuple[tuple[str, str], ...]
    """Every (name, how) outside the inventory, known before or not."""
    ct: CtNames | None = None
    brute: BruteResult | None = None
    errors: tuple[str, ...] = ()
    """Sources that gave no answer (unknown: nothing is concluded from them)."""


def anchor_for(store: Store, domain: str) -> Asset:
    """The inventoried asset discovery under `domain` reports to.

    Raises:
        UserError: nothing in the inventory lies under the domain's registrable domain.
    """
    assets = store.assets.all()
    exact = [a for a in assets if a.host == domain]
    site = registrable_domain(domain)
    under = [a for a in assets if not is_ip(a.host) and registrable_domain(a.host) == site]
    under.sort(key=lambda a: (a.kind != Kind.DOMAIN, a.id or 0))
    found = exact or under
    if not found:
        raise UserError(
            f"nothing in the inventory lies under {domain}: add the domain first "
            "(discovery reports what it finds to an inventoried asset)",
            f"资产台账中没有 {domain} 下的资产：请先添加该域名（发现结果归入已登记资产）",
        )
    return found[0]


def wordlist(path: Path | None) -> list[str]:
    """The words of `--wordlist FILE` (one a line, # comments), or the shipped list.

    Raises:
        UserError: the file cannot be read.
    """
    if path is None:
        return list(load_data("subdomains.json")["words"])
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc}", f"无法读取 {path}：{exc}") from None
    return [w.split("#", 1)[0].strip() for w in text.splitlines() if w.split("#", 1)[0].strip()]


async def discover(
    store: Store,
    domain: str,
    config: ProbeConfig,
    *,
    ct_url: str | None = None,
    brute: bool = False,
    words: list[str] | None = None,
    ct_timeout: float = 60.0,
) -> Discovery:
    """Ask the chosen sources for names under `domain`; record the new ones for triage.

    CT asks only `ct_url`; brute force asks only our own resolver (`config.nameservers`).
    No name found is ever connected to.

    Raises:
        UserError: not a valid name, or nothing in the inventory lies under it.
    """
    domain = normalize_name(domain)
    anchor = anchor_for(store, domain)
    found: dict[str, str] = {}
    errors: list[str] = []
    ct: CtNames | None = None
    if ct_url is not None:
        url = f"{ct_url.rstrip('/')}/?q=%25.{domain}&output=json"
        answer = await http_get_new(url, CT_CAP, ct_timeout)
        if answer.error or answer.status != 200:
            errors.append(f"CT {ct_url}: {answer.error or f'HTTP {answer.status}'}")
        else:
            try:
                ct = ct_names(answer.text, domain)
                for name in ct.names:
                    found.setdefault(name, f"CT log ({ct_url})")
            except ValueError as exc:
                errors.append(f"CT {ct_url}: malformed answer: {exc}")
    result: BruteResult | None = None
    if brute:
        result = await brute_force(
            domain, words or wordlist(None), list(config.nameservers), min(4.0, config.timeout)
        )
        for name in result.names:
            found.setdefault(name, "brute-force DNS")
    known = store.assets.hosts()
    outside = [(n, how) for n, how in found.items() if n not in known and n != anchor.host]
    before = {row.name for row in store.discovered.rows()}
    store.discovered.record((anchor.id or 0, n, how) for n, how in outside)
    new = tuple(n for n, _ in outside if n not in before)
    return Discovery(anchor, new, tuple(outside), ct, result, tuple(errors))


# -- triage ------------------------------------------------------------------------------


def adopt(
    store: Store, asset: Asset, name: str | None = None, who: str | None = None
) -> inventory.Saved:
    """Add a discovered name to the inventory (as the add form made it) and mark it adopted,
    in one transaction.

    Args:
        name: the discovered name, when the form changed it (default: the asset's name).

    Raises:
        UserError: the asset exists already, or the name was not discovered.
    """
    with store.atomic():
        saved = inventory.add(store, asset, who)
        state = Triage.RETIRED if saved.asset.lifecycle != Lifecycle.ACTIVE else Triage.ADOPTED
        store.discovered.decide(name or asset.name, state, "", who)
    return saved


def adopt_and_retire(store: Store, name: str, who: str | None = None) -> inventory.Saved:
    """Add a discovered name as `retiring` (its decommission checklist starts) and mark it.

    Raises:
        UserError: the asset exists already, or the name was not discovered.
    """
    asset = Asset(normalize_name(name), Kind.WEBSITE, lifecycle=Lifecycle.RETIRING)
    return adopt(store, asset, who)


def mark(store: Store, name: str, state: Triage, reason: str, who: str | None = None) -> None:
    """Mark a discovered name not ours or ignored, with a reason (logged); it stays quiet.

    Raises:
        UserError: not a quiet state, no reason, or the name was not discovered.
    """
    if state not in (Triage.NOT_OURS, Triage.IGNORED):
        raise UserError("use adopt for that", "请用“纳入”")
    store.discovered.decide(normalize_name(name), state, reason, who)
