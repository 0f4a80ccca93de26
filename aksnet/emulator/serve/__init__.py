"""`aksnet emulator serve`: the emulator over HTTPS on 127.0.0.1, for any ARM client (az, Terraform, SDKs).

The serving layer around the emulator core: the HTTP server and TLS (`http.py`, `certs.py`), the
fake Microsoft Entra authority every client needs a token from (`authority.py`), and the request
recorder (`record.py`). Like the core it imports nothing of aksnet but the emulator and the clock;
the core never imports it. `cryptography` is imported only when a certificate is made.
"""

from aksnet.emulator.serve.certs import Certificate, ensure_certificate
from aksnet.emulator.serve.http import EmulatorServer, bind

__all__ = ["Certificate", "EmulatorServer", "bind", "ensure_certificate"]
