#!/usr/bin/python3
"""A real SMTP server for the tests: Python's aiosmtpd on 127.0.0.1, on a port the kernel
picks (printed as `PORT n` once it listens). Every mail it accepts is written to OUTDIR as
JSON (envelope, whether the session was TLS and logged in, the message). Modes: `starttls`
(STARTTLS required before MAIL), `tls` (implicit TLS), `plain`. With --user/--password, AUTH
(PLAIN, LOGIN) is required and only that pair succeeds."""
import argparse, asyncio, json, os, ssl, sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("--mode", choices=["starttls", "tls", "plain"], required=True)
ap.add_argument("--cert"); ap.add_argument("--key")
ap.add_argument("--user"); ap.add_argument("--password")
ap.add_argument("--outdir", required=True)
a = ap.parse_args()

class Handler:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        record = {
            "from": envelope.mail_from, "to": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.authenticated,
            "data": envelope.content.decode("utf8", errors="replace"),
        }
        tmp = os.path.join(a.outdir, f".mail{Handler.count}.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(a.outdir, f"mail{Handler.count}.json"))
        return "250 Message accepted"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user \
        and auth_data.password.decode() == a.password
    # handled=False: the server itself answers 535 to a refused login.
    return AuthResult(success=ok, handled=False)

async def main():
    ctx = None
    if a.mode != "plain":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
    auth = a.user is not None
    factory = lambda: SMTP(
        Handler(), hostname="smtp.test",
        tls_context=ctx if a.mode == "starttls" else None,
        require_starttls=a.mode == "starttls",
        authenticator=authenticator if auth else None,
        auth_required=auth, auth_require_tls=a.mode != "plain",
    )
    server = await asyncio.get_running_loop().create_server(
        factory, "127.0.0.1", 0, ssl=ctx if a.mode == "tls" else None)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()

asyncio.run(main())
