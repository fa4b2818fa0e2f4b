"""A private SMTP submission server for one test (aiosmtpd, Debian's python3-aiosmtpd).

Listens on loopback on ports the system picks: one with STARTTLS (offered, and required
before AUTH), one with TLS from the first byte (like 465). Logins need USER/PASSWORD
(PLAIN or LOGIN), or XOAUTH2 with the password as the token. Every message accepted is written to DIR as N.eml (the bytes exactly as
received, dot-unstuffed) and N.json (the envelope). Recipients whose address starts with
"temp-fail" get 451, with "perm-fail" get 550, to test what the client does with them.

A third port takes mail without any login (as after POP before SMTP).

Prints one JSON line {"starttls": PORT, "tls": PORT, "open": PORT} once all listen, then runs until
its standard input closes (the test's handle is dropped).
"""

import argparse
import base64
import warnings
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, directory, user, token):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()
        self.user = user
        self.token = token

    async def auth_XOAUTH2(self, server, args):
        """XOAUTH2 (Google's and Microsoft's): the test's password stands for a live
        token. A wrong one gets the reasons as a challenge, as Gmail sends them, which the
        client answers with an empty line before the 535."""
        if len(args) == 1:
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False, handled=True)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except Exception:
                return AuthResult(success=False, handled=False)
        expected = f"user={self.user}\x01auth=Bearer {self.token}\x01\x01".encode()
        if blob == expected:
            return AuthResult(success=True, auth_data=self.user)
        answer = await server.challenge_auth('{"status":"401","schemes":"bearer"}')
        if answer is MISSING:
            return AuthResult(success=False, handled=True)
        # handled=False: aiosmtpd answers 535 itself.
        return AuthResult(success=False, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("temp-fail"):
            return "451 4.3.0 Try again later"
        if address.startswith("perm-fail"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.directory, str(n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json.tmp", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "authenticated": bool(session.authenticated),
                },
                f,
            )
        # The .json appears last: a test that sees it sees the whole message.
        os.rename(base + ".eml.tmp", base + ".eml")
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Accepted"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        # handled=False: aiosmtpd then answers a failure with 535 itself (by default it
        # leaves the answer to the authenticator, and the client waits for ever).
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


class Server(Controller):
    """A controller on port 0 that learns the port the system gave it."""

    def __init__(self, handler, smtp_args, ssl_context=None):
        super().__init__(handler, hostname="127.0.0.1", port=0, ssl_context=ssl_context, **smtp_args)

    def _trigger_server(self):
        # The base class connects to its port to check that it answers: with port 0 it
        # must learn the real one first.
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def main():
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Handler(args.dir, args.user, args.password)
    common = dict(
        authenticator=authenticator(args.user, args.password),
        auth_required=True,
        server_hostname="smtp.test",
    )
    starttls = Server(
        handler, dict(common, tls_context=context, require_starttls=True, auth_require_tls=True)
    )
    # TLS from the first byte: aiosmtpd does not count it as TLS for AUTH, but it is.
    tls = Server(handler, dict(common, auth_require_tls=False), ssl_context=context)
    # No login asked or offered: a provider that lets in mail from an address that
    # logged in to its POP3 server a moment ago (POP before SMTP).
    open_relay = Server(handler, dict(server_hostname="smtp.test"))
    starttls.start()
    tls.start()
    open_relay.start()
    ports = {"starttls": starttls.port, "tls": tls.port, "open": open_relay.port}
    print(json.dumps(ports), flush=True)
    sys.stdin.read()
    starttls.stop()
    tls.stop()
    open_relay.stop()


if __name__ == "__main__":
    main()
