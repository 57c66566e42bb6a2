"""The lab's certificates: a CA made at start, and leaves good and bad on purpose."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_PEM = serialization.Encoding.PEM


def _key() -> ec.EllipticCurvePrivateKey:
    # P-256: the handshakes cost a fraction of RSA's, which matters in the benchmark.
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "assetwatch lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate and key written as PEM files."""

    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        """A server-side SSL context presenting this certificate."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_path, self.key_path)
        return ctx


class LabCA:
    """A throwaway certificate authority whose files live in `folder`."""

    def __init__(
        self, folder: Path, now: datetime | None = None, name: str = "assetwatch lab CA"
    ) -> None:
        self.folder = folder
        self.now = now or datetime.now(UTC)
        self._key = _key()
        subject = _name(name)
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - timedelta(days=1))
            .not_valid_after(self.now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )
        self.pem_path = folder / "lab-ca.pem"
        self.pem_path.write_bytes(self._cert.public_bytes(_PEM))

    def issue(
        self,
        label: str,
        names: list[str],
        *,
        valid_from: timedelta = timedelta(days=-30),
        valid_until: timedelta = timedelta(days=365),
        self_signed: bool = False,
    ) -> Issued:
        """Issue (or self-sign) a leaf for `names`, valid from now+valid_from to now+valid_until."""
        key = _key()
        subject = _name(names[0])
        issuer_name, signer = (subject, key) if self_signed else (self._cert.subject, self._key)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now + valid_from)
            .not_valid_after(self.now + valid_until)
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        )
        if not self_signed:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                critical=False,
            )
        cert = builder.sign(signer, hashes.SHA256())
        cert_path = self.folder / f"{label}.pem"
        key_path = self.folder / f"{label}.key"
        cert_path.write_bytes(cert.public_bytes(_PEM))
        key_path.write_bytes(
            key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        return Issued(cert_path, key_path)
