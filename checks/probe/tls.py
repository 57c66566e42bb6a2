"""TLS: one handshake per URL, the presented chain verified offline, the certificate read.

The handshake accepts any certificate, so that a site whose certificate fails is still read;
the chain the server presented is then verified against the trust store (the system's, or
`--ca-bundle`) by OpenSSL itself, through pyOpenSSL's X509StoreContext: the same verdicts and
messages a verifying handshake gives, without a second handshake for every failing site.
"""

from __future__ import annotations

import hashlib
import ipaddress
import ssl
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID
from OpenSSL import crypto

from checks.errors import UserError
from checks.model import CertInfo


class ChainVerifier:
    """Verifies presented chains for a sweep; the same chain is verified once.

    Args:
        ca_bundle: trust these CAs instead of the system store.

    Raises:
        UserError: the CA bundle cannot be read.
    """

    def __init__(self, ca_bundle: str | None = None) -> None:
        self._store = crypto.X509Store()
        try:
            if ca_bundle:
                self._store.load_locations(ca_bundle)
            else:
                paths = ssl.get_default_verify_paths()
                if paths.cafile or paths.capath:
                    self._store.load_locations(paths.cafile, paths.capath)
        except (OSError, crypto.Error) as exc:
            raise UserError(
                f"cannot read CA bundle {ca_bundle}: {exc}",
                f"无法读取 CA 证书包 {ca_bundle}：{exc}",
            ) from None
        self._seen: dict[bytes, tuple[bool, str]] = {}

    def verify(self, chain: Sequence[bytes]) -> tuple[bool, str]:
        """(verified, why not) for a chain of DER certificates, the server's own first."""
        key = hashlib.sha256(b"".join(chain)).digest()
        if key not in self._seen:
            self._seen[key] = self._verify(chain)
        return self._seen[key]

    def _verify(self, chain: Sequence[bytes]) -> tuple[bool, str]:
        try:
            certs = [
                crypto.X509.from_cryptography(x509.load_der_x509_certificate(d)) for d in chain
            ]
        except ValueError as exc:
            return False, f"unreadable certificate: {exc}"
        context = crypto.X509StoreContext(self._store, certs[0], chain=certs[1:])
        try:
            context.verify_certificate()
        except crypto.X509StoreContextError as exc:
            return False, str(exc)
        return True, ""


def presented_chain(sslobj: ssl.SSLObject) -> list[bytes]:
    """The certificates the server sent, its own first, as DER.

    Python 3.13 names it `get_unverified_chain()`; 3.11 and 3.12 have it on the inner object.
    """
    getter = getattr(sslobj, "get_unverified_chain", None)
    if getter is None:
        getter = sslobj._sslobj.get_unverified_chain  # type: ignore[attr-defined]
    chain = getter() or []
    return [c.public_bytes(ssl._ssl.ENCODING_DER) for c in chain]  # type: ignore[attr-defined]


def lenient_context() -> ssl.SSLContext:
    """The handshake's context: it accepts any certificate (`ChainVerifier` judges it after)."""
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
