#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd, Debian's python3-aiosmtpd) on
127.0.0.1: accepts every message into DIR (one file each), refuses
recipients with "reject" in them (550) and defers those with "later" (451).
Writes its port to PORTFILE when listening; runs until killed.
    smtp_server.py DIR PORTFILE"""
import asyncio, os, socket, sys, time
from aiosmtpd.controller import Controller

class Handler:
    def __init__(self, folder):
        self.folder, self.count = folder, 0
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 no such reader"
        if "later" in address:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        with open(os.path.join(self.folder, "%06d.eml" % self.count), "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        return "250 2.0.0 queued"

folder, portfile = sys.argv[1], sys.argv[2]
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
controller = Controller(Handler(folder), hostname="127.0.0.1", port=port)
controller.start()
with open(portfile + ".tmp", "w") as f:
    f.write(str(port))
os.rename(portfile + ".tmp", portfile)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
