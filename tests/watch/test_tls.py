"""HTTPS through the guarded backend: it connects to the address it checked, yet TLS still
verifies the certificate against the host name of the URL."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from generator.watch.fetch import fetch_feed
from generator.watch.model import Status
from tests.helpers import LocalServer

from .conftest import NOW, TZ, file, watch_config


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    """A test CA and two server certificates: one for localhost, one for another name."""
    d = tmp_path_factory.mktemp("pki")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Relais test CA",
        cwd=d,
    )
    for name in ("localhost", "other.example"):
        openssl(
            "req",
            *ec,
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            f"/CN={name}",
            cwd=d,
        )
        (d / f"{name}.ext").write_text(f"subjectAltName=DNS:{name}\n")
        openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            f"{name}.pem",
            "-days",
            "2",
            "-extfile",
            f"{name}.ext",
            cwd=d,
        )
    return d


def tls_server(pki: Path, name: str) -> LocalServer:
    server = LocalServer()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki / f"{name}.pem", pki / f"{name}.key")
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    return server.start()


def client_context(pki: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(pki / "ca.pem"))


@pytest.mark.parametrize(("cert", "ok"), [("localhost", True), ("other.example", False)])
def test_the_certificate_is_checked_against_the_url_host(pki, cert, ok):
    server = tls_server(pki, cert)
    try:
        server.route("/feed", file("good.xml"))
        config = watch_config([{"id": "f", "url": f"https://localhost:{server.port}/feed"}])
        outcome = fetch_feed(
            config.feeds[0], None, config, now=NOW, tz=TZ, ssl_context=client_context(pki)
        )
    finally:
        server.stop()
    if ok:
        assert outcome.status is Status.OK and len(outcome.entries) == 3
    else:
        assert outcome.status is Status.ERROR and outcome.error_code == "connection"
        assert "certificate" in outcome.error.lower() or "hostname" in outcome.error.lower()
