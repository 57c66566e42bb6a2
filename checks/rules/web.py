"""Checks on what a site serves: availability, TLS, HTTPS, logins, headers, cookies, ICP number."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from checks.model import Finding, HttpEntry, Kind, ProbeOutcome
from checks.rules._kit import RuleContext, finding, header_values, main_page, page_text, pages
from checks.rules.filings import filed_number

EXPIRING_DAYS = 21
"""tls-expiring fires when a certificate has fewer days left than this."""
_PASSWORD = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password\b", re.IGNORECASE)
_FORM_ACTION = re.compile(r"<form\b[^>]*\baction\s*=\s*[\"']?(http://[^\"' >]+)", re.IGNORECASE)
_ICP = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])\s*ICP\s*[备证]\s*(\d+)\s*号"
    r"(?:\s*-\s*(\d+))?"
)
_SESSION_COOKIE = re.compile(r"sess|sid|token|auth|login|jsessionid|phpsessid", re.IGNORECASE)


def entry_text(entry: HttpEntry) -> str:
    """An entry as evidence: URL and status (and title), or the error."""
    if entry.status is not None:
        text = f"{entry.url} {entry.status}"
        return f"{text} title={entry.title!r}" if entry.title else text
    if entry.hops:
        return f"{entry.url} {entry.hops[-1].status} then {entry.error}"
    return f"{entry.url} {entry.error}"


def http_down(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """The name resolves, yet none of the asset's URLs answered."""
    if not outcome.http or not outcome.dns.resolves:
        return []
    if any(e.answered for e in outcome.http):
        return []
    evidence = "; ".join(f"{e.url} {e.error}: {e.error_detail}" for e in outcome.http)
    return [finding(outcome, "http-down", evidence)]


def _https_entries(outcome: ProbeOutcome) -> list[HttpEntry]:
    return [e for e in outcome.http if e.scheme == "https" and e.tls is not None]


def tls_checks(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """Expired, expiring, self-signed, wrong-name and otherwise untrusted certificates."""
    findings = []
    seen: set[tuple[str, str]] = set()
    for entry in _https_entries(outcome):
        cert = entry.tls
        assert cert is not None
        dates = f"not_after={cert.not_after:%Y-%m-%dT%H:%M:%SZ}"
        checks: list[tuple[str, str]] = []
        if cert.not_after < ctx.now:
            days = (ctx.now - cert.not_after).days
            checks.append(("tls-expired", f"{dates} ({days} days ago)"))
        elif cert.not_after - ctx.now < timedelta(days=EXPIRING_DAYS):
            days = (cert.not_after - ctx.now).days
            checks.append(("tls-expiring", f"{dates} ({days} days left)"))
        if cert.self_signed and not cert.verified:
            checks.append(("tls-self-signed", f"subject=issuer={cert.subject}"))
        if not cert.hostname_ok:
            host = urlsplit(entry.url).hostname
            checks.append(("tls-hostname-mismatch", f"host={host}; sans={','.join(cert.sans)}"))
        explained = cert.self_signed or cert.not_after < ctx.now
        if not cert.verified and not explained:
            checks.append(("tls-untrusted", f"issuer={cert.issuer}; error={cert.verify_error}"))
        for check_id, evidence in checks:
            key = (check_id, cert.not_after.isoformat() + cert.subject)
            if key not in seen:
                seen.add(key)
                findings.append(finding(outcome, check_id, f"{entry.url}: {evidence}"))
    return findings


def https_checks(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """Plain HTTP answers but HTTPS does not, or HTTP serves pages instead of redirecting."""
    http = [e for e in outcome.http if e.scheme == "http" and e.answered]
    https = [e for e in outcome.http if e.scheme == "https" and e.answered]
    if not http:
        return []
    if not https:
        failed = [e for e in outcome.http if e.scheme == "https"]
        why = "; ".join(f"{e.url} {e.error}" for e in failed)
        return [finding(outcome, "no-https", f"{entry_text(http[0])}; {why}")]
    for entry in http:
        first = entry.hops[0] if entry.hops else None
        upgraded = entry.final_url.startswith("https://")
        if first is not None and not upgraded and entry.status is not None and entry.status < 400:
            return [
                finding(outcome, "https-not-enforced", f"{entry_text(entry)}; no redirect to https")
            ]
    return []


def unowned_asset(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """Nobody is recorded as the asset's owner."""
    if outcome.asset.owner.strip():
        return []
    return [finding(outcome, "unowned-asset", f"owner=; kind={outcome.asset.kind}")]


def login_checks(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """login-exposed (a password form answers) and login-over-http (served or posted in clear)."""
    findings = []
    forms = [(e, page_text(e)) for e in pages(outcome, with_body=True)]
    forms = [(e, t) for e, t in forms if _PASSWORD.search(t)]
    if forms:
        entry = forms[0][0]
        findings.append(finding(outcome, "login-exposed", f"password form at {entry.final_url}"))
    for entry, text in forms:
        if entry.final_url.startswith("http://"):
            findings.append(
                finding(
                    outcome,
                    "login-over-http",
                    f"password form served over HTTP at {entry.final_url}",
                )
            )
            break
        action = _FORM_ACTION.search(text)
        if action:
            findings.append(
                finding(
                    outcome,
                    "login-over-http",
                    f"form at {entry.final_url} posts to {action.group(1)}",
                )
            )
            break
    return findings


def missing_headers(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """missing-security-headers: one finding listing what the main page lacks."""
    page = main_page(outcome, below=400)
    if page is None:
        return []
    csp = " ".join(header_values(page, "content-security-policy")).lower()
    missing = []
    if page.final_url.startswith("https://") and not page.header("strict-transport-security"):
        missing.append("Strict-Transport-Security")
    if not csp:
        missing.append("Content-Security-Policy")
    if "frame-ancestors" not in csp and not page.header("x-frame-options"):
        missing.append("X-Frame-Options (or CSP frame-ancestors)")
    if (page.header("x-content-type-options") or "").lower() != "nosniff":
        missing.append("X-Content-Type-Options: nosniff")
    if not page.header("referrer-policy"):
        missing.append("Referrer-Policy")
    if not missing:
        return []
    return [
        finding(outcome, "missing-security-headers", f"{page.final_url} lacks {', '.join(missing)}")
    ]


def insecure_cookies(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """insecure-cookie: a session cookie without Secure (on HTTPS), HttpOnly or SameSite."""
    problems = []
    for entry in outcome.http:
        https = entry.final_url.startswith("https://")
        for value in header_values(entry, "set-cookie"):
            name, _, rest = value.partition("=")
            if not _SESSION_COOKIE.search(name):
                continue
            attrs = {a.strip().split("=", 1)[0].lower() for a in rest.split(";")[1:]}
            lacking = [
                flag
                for flag, present in (
                    ("Secure", "secure" in attrs or not https),
                    ("HttpOnly", "httponly" in attrs),
                    ("SameSite", "samesite" in attrs),
                )
                if not present
            ]
            if lacking:
                problems.append(
                    f"{name.strip()} at {entry.final_url or entry.url} lacks {', '.join(lacking)}"
                )
    if not problems:
        return []
    return [finding(outcome, "insecure-cookie", "; ".join(dict.fromkeys(problems)))]


def _icp_key(text: str) -> tuple[str, str] | None:
    match = _ICP.search(text)
    return (match.group(1), match.group(2)) if match else None


def icp_number(outcome: ProbeOutcome, ctx: RuleContext) -> list[Finding]:
    """icp-number-missing: the home page does not show the recorded (or filed) ICP number,
    or the number recorded in the inventory is not the one on the imported filing list."""
    asset = outcome.asset
    filed = filed_number(asset.host, ctx.filings)
    expected = asset.icp or filed
    if asset.kind != Kind.WEBSITE or not expected:
        return []
    page = main_page(outcome, below=400)
    if page is None or not page.body:
        return []
    recorded = _icp_key(expected)
    shown = [(m.group(1), m.group(2)) for m in _ICP.finditer(page_text(page))]
    differs = bool(asset.icp and filed and _icp_key(asset.icp) != _icp_key(filed))
    if recorded is not None and recorded in shown and not differs:
        return []
    seen = ", ".join(f"{p}ICP备{n}号" for p, n in shown) or "none"
    on_list = f"; filed={filed}" if filed else ""
    return [
        finding(
            outcome,
            "icp-number-missing",
            f"recorded={asset.icp or '-'}{on_list}; shown={seen}; url={page.final_url}",
        )
    ]
