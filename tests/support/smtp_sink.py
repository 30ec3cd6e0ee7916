#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd, Debian package python3-aiosmtpd).

Every accepted message is written to OUTDIR as NNNNN.eml (the bytes the client
sent after DATA) and NNNNN.json (the envelope), each renamed into place when
complete so that tests can poll for them.

    smtp_sink.py HOST PORT OUTDIR        stop with SIGTERM
"""
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller

host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
lock = threading.Lock()
counter = [len([f for f in os.listdir(out) if f.endswith(".eml")])]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            counter[0] += 1
            n = counter[0]
        base = os.path.join(out, f"{n:05d}")
        with open(base + ".json.tmp", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


controller = Controller(Sink(), hostname=host, port=port)
controller.start()
print(f"listening on {host}:{port}", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
signal.signal(signal.SIGINT, lambda *a: stop.set())
stop.wait()
controller.stop()
