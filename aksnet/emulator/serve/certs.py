"""The served emulator's TLS certificate: self-signed for 127.0.0.1, made once, kept beside the database.

It is its own CA (basicConstraints CA:TRUE), so a client trusts it by pointing its CA bundle at it
(REQUESTS_CA_BUNDLE, SSL_CERT_FILE); azure-core refuses bearer tokens over plain HTTP. The key is
written with mode 0600 and never leaves the machine; it protects nothing but this local listener.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

VALID_DAYS = 3650
COMMON_NAME = "aksnet emulator (127.0.0.1)"


@dataclass(frozen=True)
class Certificate:
    """Where the certificate (also the CA bundle clients trust) and its key are."""

    cert: Path
    key: Path


def paths_for(db_path: Path) -> Certificate:
    """`X.db` -> `X.cert.pem` and `X.key.pem` in the same folder."""
    stem = db_path.with_suffix("") if db_path.suffix else db_path
    return Certificate(stem.with_name(stem.name + ".cert.pem"), stem.with_name(stem.name + ".key.pem"))


def ensure_certificate(db_path: Path) -> Certificate:
    """The certificate beside `db_path`, made now when it is not there yet."""
    found = paths_for(db_path)
    if found.cert.is_file() and found.key.is_file():
        return found
    cert_pem, key_pem = _self_signed()
    found.cert.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(found.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key_pem)
    found.cert.write_bytes(cert_pem)
    return found


def _self_signed() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    alt_names = x509.SubjectAlternativeName(
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(alt_names, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem
