"""`aksnet emulator serve`: the emulator over HTTPS, driven by the real SDK clients and azure-identity's
client-secret credential through the fake authority, plus what the server does with bad input."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from aksnet.azure.clients import Clients
from aksnet.emulator import Emulator
from aksnet.emulator.serve import EmulatorServer, bind, ensure_certificate

SUB = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    emu = Emulator(tmp_path / "served.db")
    served = bind(0)
    served.serve(emu, ensure_certificate(tmp_path / "served.db"), tmp_path / "record.jsonl")
    yield served
    served.shutdown()
    served.server_close()
    emu.close()


def _ca(tmp_path: Path) -> str:
    return str(tmp_path / "served.cert.pem")


def test_the_certificate_is_made_once_beside_the_database_with_a_private_key(tmp_path: Path) -> None:
    first = ensure_certificate(tmp_path / "x.db")
    assert (first.cert, first.key) == (tmp_path / "x.cert.pem", tmp_path / "x.key.pem")
    assert first.key.stat().st_mode & 0o077 == 0
    made = first.cert.read_bytes()
    assert ensure_certificate(tmp_path / "x.db").cert.read_bytes() == made


def test_the_real_sdk_and_credential_work_over_https_through_the_fake_authority(
    server: EmulatorServer, tmp_path: Path
) -> None:
    from azure.core.pipeline.transport import RequestsTransport
    from azure.identity import ClientSecretCredential

    ca = _ca(tmp_path)
    credential = ClientSecretCredential(
        TENANT, "11111111-1111-1111-1111-111111111111", "placeholder", authority=server.base,
        disable_instance_discovery=True, connection_verify=ca,
    )  # fmt: skip
    transport = RequestsTransport(connection_verify=ca)
    clients = Clients(credential, SUB, transport=transport, base_url=server.base, polling_interval=0)
    with transport, credential:  # their connections are closed before the server is
        clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
        body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
        vnet = clients.network.virtual_networks.begin_create_or_update("rg1", "v", body).result()
        assert vnet.provisioning_state == "Succeeded"
        clients.resource.resource_groups.begin_delete("rg1").result()
        assert [g.name for g in clients.resource.resource_groups.list()] == []
    recorded = [json.loads(line) for line in (tmp_path / "record.jsonl").read_text().splitlines()]
    assert recorded[0]["method"] == "PUT" and recorded[0]["status"] == 201
    assert all("oauth2" not in r["path"] for r in recorded)  # tokens and secrets are never recorded


def test_operation_urls_name_the_served_host(server: EmulatorServer, tmp_path: Path) -> None:
    session = requests.Session()
    session.trust_env = False  # the CA bundle below, whatever REQUESTS_CA_BUNDLE says
    session.verify = _ca(tmp_path)
    session.headers["Authorization"] = "Bearer x"
    session.put(
        f"{server.base}/subscriptions/{SUB}/resourcegroups/g?api-version=2025-04-01", json={"location": "eastus"}
    )
    reply = session.delete(f"{server.base}/subscriptions/{SUB}/resourcegroups/g?api-version=2025-04-01")
    assert reply.status_code == 202
    assert reply.headers["Location"].startswith(f"{server.base}/subscriptions/{SUB}/operationresults/")
    assert session.get(reply.headers["Location"]).status_code == 200


def test_the_authority_refuses_grants_it_does_not_emulate_and_graph_is_denied(
    server: EmulatorServer, tmp_path: Path
) -> None:
    ca = _ca(tmp_path)
    token = f"{server.base}/{TENANT}/oauth2/v2.0/token"
    refused = requests.post(token, data={"grant_type": "password", "username": "u"}, verify=ca)
    assert (refused.status_code, refused.json()["error"]) == (400, "unsupported_grant_type")
    granted = requests.post(token, data={"grant_type": "client_credentials", "client_id": "c", "scope": "x"}, verify=ca)
    assert granted.status_code == 200 and granted.json()["token_type"] == "Bearer"
    graph = requests.get(f"{server.base}/graph/v1.0/me", verify=ca)
    assert (graph.status_code, graph.json()["error"]["code"]) == (403, "Authorization_RequestDenied")


def _raw(server: EmulatorServer, tmp_path: Path, request: bytes) -> bytes:
    context = ssl.create_default_context(cafile=_ca(tmp_path))
    with (
        socket.create_connection(("127.0.0.1", server.port)) as plain,
        context.wrap_socket(plain, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(request)
        chunks = []
        while chunk := tls.recv(65536):  # every request here says Connection: close
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (b"PUT /subscriptions/s/resourcegroups/g?api-version=2025-04-01 HTTP/1.1\r\nAuthorization: Bearer x\r\n"
         b"Content-Length: 5\r\nConnection: close\r\n\r\n{oops", b"400", b"InvalidRequestContent"),
        (b"PUT /subscriptions/s/resourcegroups/g?api-version=2025-04-01 HTTP/1.1\r\nAuthorization: Bearer x\r\n"
         b"Content-Length: many\r\nConnection: close\r\n\r\n", b"400", b"InvalidRequestContent"),
        (b"GET /no/such/thing?api-version=2025-04-01 HTTP/1.1\r\nAuthorization: Bearer x\r\nConnection: close\r\n\r\n",
         b"400", b"InvalidResourceType"),
    ],
    ids=["unparseable-body", "bad-length", "unknown-path"],
)  # fmt: skip
def test_bad_requests_get_arms_error_shape_and_the_server_stays_up(
    server: EmulatorServer, tmp_path: Path, request_bytes: bytes, status: bytes, code: bytes
) -> None:
    answer = _raw(server, tmp_path, request_bytes)
    assert answer.startswith(b"HTTP/1.1 " + status) and code in answer
    assert requests.get(f"{server.base}/metadata/endpoints", verify=_ca(tmp_path)).status_code == 200


def test_a_client_that_does_not_trust_the_certificate_cannot_connect_and_the_server_stays_up(
    server: EmulatorServer, tmp_path: Path
) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{server.base}/metadata/endpoints", verify=True)
    assert requests.get(f"{server.base}/metadata/endpoints", verify=_ca(tmp_path)).status_code == 200


def test_only_the_loopback_address_is_served(server: EmulatorServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
