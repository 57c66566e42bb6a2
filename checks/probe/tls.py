"""TLS: the client contexts a sweep shares, and reading a server's certificate."""

from __future__ import annotations

import ipaddress
import ssl

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from checks.errors import UserError
from checks.model import CertInfo


def verifying_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A context that verifies the chain (system store, or `ca_bundle`) but not the name.

    The name is checked by `hostname_matches` so that a wrong name and a bad
    chain are told apart.

    Raises:
        UserError: the CA bundle cannot be read.
    """
    try:
        ctx = ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise UserError(
            f"cannot read CA bundle {ca_bundle}: {exc}", f"无法读取 CA 证书包 {ca_bundle}：{exc}"
        ) from None
    ctx.check_hostname = False
    return ctx


def lenient_context() -> ssl.SSLContext:
    """A context that accepts any certificate, to read a site whose certificate fails."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def hostname_matches(host: str, sans: tuple[str, ...]) -> bool:
    """RFC 6125 matching: exact, or a `*.` wildcard standing for one left-most label."""
    host = host.lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    for san in sans:
        san = san.lower().rstrip(".")
        if ip is not None:
            if san == ip.compressed:
                return True
            continue
        if san == host:
            return True
        if san.startswith("*.") and "." in host:
            head, rest = host.split(".", 1)
            if head and rest == san[2:] and "." in rest:
                return True
    return False


def _name(name: x509.Name) -> str:
    return name.rfc4514_string()


def read_certificate(
    der: bytes, host: str, *, verified: bool, verify_error: str = "", tls_version: str = ""
) -> CertInfo:
    """Describe a DER certificate as presented for `host`."""
    cert = x509.load_der_x509_certificate(der)
    sans: tuple[str, ...] = ()
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = tuple(ext.get_values_for_type(x509.DNSName)) + tuple(
            ip.compressed for ip in ext.get_values_for_type(x509.IPAddress)
        )
    except x509.ExtensionNotFound:
        sans = tuple(str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    self_signed = cert.issuer == cert.subject
    if self_signed:
        try:
            cert.verify_directly_issued_by(cert)
        except (InvalidSignature, ValueError, TypeError):
            self_signed = False
    return CertInfo(
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        sans=sans,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=self_signed,
        verified=verified,
        verify_error=verify_error,
        hostname_ok=hostname_matches(host, sans),
        tls_version=tls_version,
    )
