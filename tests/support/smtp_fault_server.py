#!/usr/bin/python3
"""A real SMTP server for the tests that misbehaves on demand: it refuses or
defers any step, drops the connection in the middle of DATA, answers slowly,
caps connections and messages per connection, and speaks STARTTLS, implicit
TLS and AUTH. It implements RFC 5321 itself (standard library only: asyncio
streams and ssl) so that PIPELINING (RFC 2920) really works: commands are
read one line at a time from what the client sent, answered in order, and the
replies go out together when the server has to wait for more input.

Listens on 127.0.0.1 only. Each accepted message becomes DIR/NNNNNN.eml
(000001.eml, ...; numbering goes on after files already there): the lines
"X-Envelope-From: ADDR" and "X-Envelope-To: ADDR,ADDR", then the content as
sent, dot-unstuffed, CRLF line ends kept. One file per message, however many
recipients; written under DIR/.incoming/ and renamed, so a reader never sees
part of one. Writes its port to PORTFILE when listening (PORTFILE.tmp, then
renamed); runs until SIGTERM or SIGINT, which end it at once.

    smtp_fault_server.py DIR PORTFILE [options]

Options (all may be combined):
  --port N                 listen on port N (default 0: a free port)
  --pidfile PATH           write the server's pid to PATH (atomically, before
                           PORTFILE)
  --log PATH               append one line per event (below) to PATH; flushed
                           every 0.2 s and at exit, whole lines only
  --tmpdir PATH            where messages are written before the rename
                           (default DIR/.incoming; same file system as DIR)
  --size-limit N           advertise SIZE N; MAIL with a larger SIZE= and a
                           larger message get 552 (default 10485760; 0: no
                           limit, advertised as a bare SIZE)
  --no-pipelining          do not advertise PIPELINING (commands sent ahead
                           are still answered, in order)
  --no-esmtp               refuse EHLO with 502, so the client must use HELO
  --starttls CERT KEY      offer STARTTLS with this certificate and key (PEM)
  --require-tls            MAIL before STARTTLS gets "530 5.7.0 Must issue a
                           STARTTLS command first" (needs --starttls)
  --implicit-tls CERT KEY  TLS from the first byte (port 465 style)
  --auth USER:PASS         offer AUTH PLAIN LOGIN (with --starttls only once
                           in TLS, like real servers); MAIL before a successful
                           AUTH gets "530 5.7.0 Authentication required",
                           wrong credentials "535 5.7.8 Authentication
                           credentials invalid"
  --fail STEP:CODE[:WHEN]  (repeatable; the first that matches wins) answer
                           STEP with CODE (400-599) and an injected text with
                           an enhanced status code, e.g. "451 4.3.0 injected
                           temporary failure". STEP is greeting, ehlo (EHLO
                           and HELO), mail, rcpt, data (the reply to DATA) or
                           eom (the reply after the final dot; the message is
                           not stored). WHEN is
                             all         every occurrence (the default)
                             N           only the Nth occurrence of STEP
                             every:N     every Nth occurrence
                             rcpt~TEXT   only when the recipient (rcpt) or
                                         one of the transaction's recipients
                                         (data, eom) contains TEXT
                           Occurrences count over the server's lifetime, from
                           1, and only commands that would otherwise succeed
                           (a RCPT after a failed MAIL is not one). A 421 is
                           followed by closing the connection. A failed
                           greeting other than 421 leaves a session that
                           answers 503 to all but QUIT (RFC 5321 3.1).
  --drop-mid-data N|every:N  (repeatable) on the Nth message (every Nth) of
                           the server's lifetime, counting messages whose DATA
                           got 354, close the connection abruptly once part of
                           the content has arrived, without answering it
  --delay SECONDS          sleep before every reply
  --delay-step STEP:SECONDS  (repeatable) sleep before STEP's reply only
                           (added to --delay), e.g. eom:5. The message is
                           stored before the pause, as by a server whose
                           answer is slow: a client that times out and sends
                           again makes a duplicate.
  --max-connections N      a session beyond N open at once gets "421 4.7.0
                           too many connections" and is closed
  --rate-limit-per-connection N  after N messages in one session (each whose
                           content was received, whatever the answer), MAIL
                           gets "421 4.7.0 too many messages, reconnect" and
                           the connection is closed

Events (--log), one a line, in the order they happen (sessions interleave):
  connect, refuse (--max-connections), tls (STARTTLS done or implicit TLS),
  tls-fail, ehlo NAME, helo NAME, auth ok, auth fail, mail ADDR (<> for the
  null sender), rcpt ADDR CODE, data CODE, eom CODE, stored NNNNNN.eml,
  fault STEP CODE (an injected reply), rate-limit, drop (--drop-mid-data),
  rset, quit, close (the server hung up after a 421), disconnect (the client
  went away without QUIT), pipelined-batch N (N > 1 commands arrived before
  the server had to read again: the client pipelined), error (a bug in this
  server; the traceback goes to stderr).
"""
import argparse
import asyncio
import base64
import binascii
import os
import re
import signal
import ssl
import sys
import traceback
from dataclasses import dataclass

HOSTNAME = "localhost"
STEPS = ("greeting", "ehlo", "mail", "rcpt", "data", "eom")
RCPT_STEPS = ("rcpt", "data", "eom")  # the steps that know a recipient
MAX_LINE = 4096  # RFC 5321 asks for 512 octets per command; be generous
READ_CHUNK = 256 * 1024
READER_LIMIT = 1 << 20  # StreamReader pauses the socket past twice this
LINGER_SECONDS = 1.0
TLS_HANDSHAKE_SECONDS = 10.0
LOG_FLUSH_SECONDS = 0.2

# Commands RFC 5321 knows that this server does not do: 502, not 500.
NOT_IMPLEMENTED = {"VRFY", "EXPN", "HELP", "TURN", "ETRN", "BDAT", "SEND", "SOML", "SAML"}
COMMANDS = {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "STARTTLS", "AUTH"}

# Injected replies carry an enhanced status code (RFC 3463) fitting the code.
FAULT_TEXTS = {
    421: "4.3.2 injected: service not available, closing transmission channel",
    450: "4.2.0 injected: mailbox unavailable",
    451: "4.3.0 injected temporary failure",
    452: "4.3.1 injected: insufficient system storage",
    550: "5.7.1 injected permanent failure",
    552: "5.3.4 injected: message too big",
    553: "5.1.3 injected: mailbox name not allowed",
    554: "5.3.0 injected: transaction failed",
}

# MAIL FROM:<addr> params / RCPT TO:<addr> params; a bare address is
# tolerated since some clients send one.
PATH_RE = re.compile(r"(FROM|TO):\s*(?:<([^<>]*)>|([^\s<>]+))\s*(.*)", re.IGNORECASE | re.DOTALL)


class ClientGone(Exception):
    """The client closed the connection (or it broke) mid-session."""


TOO_LONG = object()  # read_line's answer for a line over MAX_LINE
DROPPED = object()  # read_data's answer when --drop-mid-data hung up


# ---------------------------------------------------------------- options

@dataclass
class When:
    """Which occurrences of a step a fault (or drop) applies to."""
    kind: str = "all"  # "all", "nth", "every" or "rcpt"
    n: int = 0
    text: str = ""

    def applies(self, occurrence, rcpts=()):
        if self.kind == "nth":
            return occurrence == self.n
        if self.kind == "every":
            return occurrence % self.n == 0
        if self.kind == "rcpt":
            return any(self.text in r for r in rcpts)
        return True


@dataclass
class Fault:
    step: str
    code: int
    when: When


def positive(text):
    n = int(text)
    if n < 1:
        raise ValueError("must be at least 1")
    return n


def parse_when(text):
    """all | N | every:N | rcpt~TEXT"""
    if text in ("", "all"):
        return When()
    if text.startswith("every:"):
        return When("every", positive(text[len("every:"):]))
    if text.startswith("rcpt~") and len(text) > len("rcpt~"):
        return When("rcpt", text=text[len("rcpt~"):])
    return When("nth", positive(text))


def parse_fault(spec):
    step, _, rest = spec.partition(":")
    code_text, _, when_text = rest.partition(":")
    try:
        code, when = int(code_text), parse_when(when_text)
    except ValueError as e:
        raise argparse.ArgumentTypeError("%r: %s (STEP:CODE[:all|N|every:N|rcpt~TEXT])" % (spec, e))
    if step not in STEPS:
        raise argparse.ArgumentTypeError("%r: STEP is one of %s" % (spec, ", ".join(STEPS)))
    if not 400 <= code <= 599:
        raise argparse.ArgumentTypeError("%r: CODE must be 400-599" % spec)
    if when.kind == "rcpt" and step not in RCPT_STEPS:
        raise argparse.ArgumentTypeError("%r: rcpt~TEXT needs a step that knows the recipient: %s"
                                         % (spec, ", ".join(RCPT_STEPS)))
    return Fault(step, code, when)


def parse_drop(spec):
    try:
        when = parse_when(spec)
    except ValueError as e:
        raise argparse.ArgumentTypeError("%r: %s (N or every:N)" % (spec, e))
    if when.kind not in ("nth", "every"):
        raise argparse.ArgumentTypeError("%r: N or every:N" % spec)
    return when


def parse_delay_step(spec):
    step, _, seconds = spec.partition(":")
    if step not in STEPS:
        raise argparse.ArgumentTypeError("%r: STEP is one of %s" % (spec, ", ".join(STEPS)))
    try:
        return step, float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError("%r: STEP:SECONDS" % spec)


def parse_credentials(spec):
    user, sep, password = spec.partition(":")
    if not sep or not user:
        raise argparse.ArgumentTypeError("%r: USER:PASS" % spec)
    return user, password


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir")
    p.add_argument("portfile")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p.add_argument("--tmpdir")
    p.add_argument("--size-limit", type=int, default=10485760)
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--no-esmtp", action="store_true")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth", type=parse_credentials, metavar="USER:PASS")
    p.add_argument("--fail", type=parse_fault, action="append", default=[], metavar="STEP:CODE[:WHEN]")
    p.add_argument("--drop-mid-data", type=parse_drop, action="append", default=[], metavar="N|every:N")
    p.add_argument("--delay", type=float, default=0.0, metavar="SECONDS")
    p.add_argument("--delay-step", type=parse_delay_step, action="append", default=[], metavar="STEP:SECONDS")
    p.add_argument("--max-connections", type=positive, metavar="N")
    p.add_argument("--rate-limit-per-connection", type=positive, metavar="N")
    opts = p.parse_args(argv)
    if opts.starttls and opts.implicit_tls:
        p.error("--starttls and --implicit-tls exclude each other")
    if opts.require_tls and not (opts.starttls or opts.implicit_tls):
        p.error("--require-tls needs --starttls (or --implicit-tls)")
    if opts.size_limit < 0:
        p.error("--size-limit must be 0 or more")
    opts.step_delay = dict(opts.delay_step)
    return opts


# ---------------------------------------------------------------- shared state

def write_atomically(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


class EventLog:
    """Event lines for the tests, written in whole lines by a periodic flush:
    a write per event would cost more than the SMTP work itself."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if path else None
        self.pending = []

    def __call__(self, event):
        if self.fd is not None:
            self.pending.append(event + "\n")

    def flush(self):
        if self.fd is not None and self.pending:
            data = "".join(self.pending).encode("utf-8", "surrogateescape")
            self.pending.clear()
            while data:
                data = data[os.write(self.fd, data):]

    async def flush_every(self, seconds):
        while True:
            await asyncio.sleep(seconds)
            self.flush()

    def close(self):
        self.flush()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def tls_context(cert_key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*cert_key)
    return ctx


def highest_stored(folder):
    """The largest NNNNNN of DIR/NNNNNN.eml, so a restarted server does not overwrite."""
    numbers = [int(m.group(1)) for m in map(re.compile(r"(\d+)\.eml$").match, os.listdir(folder)) if m]
    return max(numbers, default=0)


class FaultServer:
    """What outlives a session: the options, the lifetime counters the faults
    count with, the open-session count and the message store."""

    def __init__(self, opts, log):
        self.opts = opts
        self.log = log
        self.occurrences = dict.fromkeys(STEPS, 0)
        self.messages_begun = 0  # DATA transactions that got 354 (--drop-mid-data)
        self.sessions = 0
        self.folder = opts.dir
        self.tmpdir = opts.tmpdir or os.path.join(opts.dir, ".incoming")
        os.makedirs(self.tmpdir, exist_ok=True)
        self.last_stored = highest_stored(self.folder)
        self.starttls_ctx = tls_context(opts.starttls) if opts.starttls else None
        self.implicit_ctx = tls_context(opts.implicit_tls) if opts.implicit_tls else None

    def occur(self, step, rcpts=()):
        """Counts one occurrence of STEP; returns the fault to inject, or None."""
        self.occurrences[step] += 1
        n = self.occurrences[step]
        for fault in self.opts.fail:
            if fault.step == step and fault.when.applies(n, rcpts):
                return fault
        return None

    def begin_message(self):
        """Counts a message whose DATA got 354; True when it is to be dropped."""
        self.messages_begun += 1
        return any(when.applies(self.messages_begun) for when in self.opts.drop_mid_data)

    def store(self, mail_from, rcpts, content):
        """Writes the message (tmp file, then rename: never seen half written); returns its name."""
        self.last_stored += 1
        name = "%06d.eml" % self.last_stored
        tmp = os.path.join(self.tmpdir, name)
        data = memoryview(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (mail_from, ",".join(rcpts)))
                          .encode("utf-8", "surrogateescape") + content)
        # os.open, not open(): Python's file object adds three syscalls a file,
        # and creating files is most of what this server costs the kernel.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        os.replace(tmp, os.path.join(self.folder, name))
        return name

    async def handle(self, reader, writer):
        await Session(self, reader, writer).run()


# ---------------------------------------------------------------- one session

def unstuff(content):
    """RFC 5321 4.5.2: a line's leading dot was doubled by the client."""
    if content.startswith(b"."):
        content = content[1:]
    return content.replace(b"\r\n.", b"\r\n")


def parse_path(arg, keyword):
    """(address, [params]) of "FROM:<addr> params" / "TO:<addr>", or None."""
    m = PATH_RE.fullmatch(arg)
    if not m or m.group(1).upper() != keyword:
        return None
    address = m.group(2) if m.group(2) is not None else m.group(3)
    if any(c.isspace() for c in address):
        return None
    return address, m.group(4).split()


class Session:
    def __init__(self, server, reader, writer):
        self.server = server
        self.opts = server.opts
        self.log = server.log
        self.reader = reader
        self.writer = writer
        self.inbuf = bytearray()  # what the client sent and we have not parsed yet
        self.outbuf = bytearray()  # replies not yet written (RFC 2920: sent together)
        self.commands_since_read = 0
        self.closed = False
        self.tls = server.implicit_ctx is not None
        self.greeted = None  # None, "helo" or "ehlo"
        self.authed = False
        self.no_service = False  # after a failed greeting: only QUIT
        self.messages = 0  # in this session, for --rate-limit-per-connection
        self.counted = False  # in server.sessions (--max-connections)
        self.reset_transaction()

    def reset_transaction(self):
        self.mail_from = None
        self.rcpts = []

    # ---- the loop

    async def run(self):
        self.server.sessions += 1
        self.counted = True
        try:
            self.log("connect")
            if self.tls:
                self.log("tls")
            if self.opts.max_connections and self.server.sessions > self.opts.max_connections:
                self.log("refuse")
                await self.reply(421, "4.7.0 too many connections")
                await self.hang_up()
                return
            await self.greet()
            while not self.closed:
                await self.command(await self.read_line())
        except (ClientGone, ConnectionError, OSError, ssl.SSLError):
            self.log("disconnect")
        except Exception:  # a bug here: say so, and end only this session
            traceback.print_exc()
            self.log("error")
        finally:
            self.release()
            self.writer.close()

    def release(self):
        """Ends the session's part in --max-connections and in the event log
        (once: also when hanging up, before lingering on the socket)."""
        self.note_batch()
        if self.counted:
            self.counted = False
            self.server.sessions -= 1

    async def greet(self):
        fault = self.server.occur("greeting")
        if fault is None:
            await self.reply(220, HOSTNAME + " ESMTP newsdesk fault server", step="greeting")
        elif not await self.inject("greeting", fault):
            # RFC 5321 3.1: after a refusing greeting the server waits for QUIT.
            self.no_service = True

    async def command(self, line):
        self.commands_since_read += 1
        if line is TOO_LONG:
            await self.reply(500, "5.5.2 Line too long")
            return
        verb, _, arg = line.decode("utf-8", "surrogateescape").partition(" ")
        verb, arg = verb.upper(), arg.strip()
        if self.no_service and verb != "QUIT":
            await self.reply(503, "5.5.1 No service here, only QUIT")
        elif verb in COMMANDS:
            await getattr(self, "cmd_" + verb.lower())(arg)
        elif verb in NOT_IMPLEMENTED:
            await self.reply(502, "5.5.1 Command not implemented")
        else:
            await self.reply(500, "5.5.2 Command unrecognized")

    # ---- input: one buffer, so pipelined commands are never lost

    async def fill(self):
        """Reads more of what the client sent. Replies are written first: a
        pipelining client waits for them before it sends more (RFC 2920)."""
        await self.flush()
        self.note_batch()
        chunk = await self.reader.read(READ_CHUNK)
        if not chunk:
            raise ClientGone()
        self.inbuf += chunk

    def note_batch(self):
        # More than one command parsed from one read: they were sent before
        # any reply to the first, which only a pipelining client does.
        if self.commands_since_read > 1:
            self.log("pipelined-batch %d" % self.commands_since_read)
        self.commands_since_read = 0

    async def read_line(self):
        """The next CRLF-ended line without its CRLF, or TOO_LONG."""
        while True:
            end = self.inbuf.find(b"\r\n")
            if end > MAX_LINE:
                del self.inbuf[:end + 2]
                return TOO_LONG
            if end >= 0:
                line = bytes(self.inbuf[:end])
                del self.inbuf[:end + 2]
                return line
            if len(self.inbuf) > MAX_LINE:
                return await self.skip_long_line()
            await self.fill()

    async def skip_long_line(self):
        while True:
            end = self.inbuf.find(b"\r\n")
            if end >= 0:
                del self.inbuf[:end + 2]
                return TOO_LONG
            del self.inbuf[:-1]  # keep a last CR: its LF may come next
            await self.fill()

    async def read_data(self, drop):
        """DATA's content up to CRLF.CRLF, unstuffed, and whether it was too
        big (then its content is b""); DROPPED if DROP and we hung up."""
        limit = self.opts.size_limit
        at_start = True  # nothing of the content thrown away yet
        too_big = False
        scan = 0
        while True:
            if drop and self.inbuf:
                await self.drop()
                return DROPPED, False
            # An empty message: the final dot is the very first line.
            if at_start and self.inbuf.startswith(b".\r\n"):
                del self.inbuf[:3]
                return b"", too_big
            end = self.inbuf.find(b"\r\n.\r\n", scan)
            if end >= 0:
                content = bytes(self.inbuf[:end + 2])
                del self.inbuf[:end + 5]
                if too_big or (limit and len(content) > limit):
                    return b"", True
                return unstuff(content), False
            if limit and len(self.inbuf) - 4 > limit:
                # Too big: keep reading to the end, but only the tail where
                # the end mark may have begun.
                too_big, at_start = True, False
                del self.inbuf[:-4]
            scan = max(0, len(self.inbuf) - 4)
            await self.fill()

    # ---- output

    async def reply(self, code, *lines, step=None):
        """Queues a reply (several lines: a multiline one), after --delay and
        STEP's --delay-step; what was queued before goes out before a pause."""
        delay = self.opts.delay + self.opts.step_delay.get(step, 0.0)
        if delay > 0:
            await self.flush()
            await asyncio.sleep(delay)
        last = len(lines) - 1
        for i, line in enumerate(lines):
            separator = b"-" if i < last else b" "  # "250-" lines go on, "250 " ends
            self.outbuf += b"%d%s%s\r\n" % (code, separator, line.encode("utf-8", "surrogateescape"))

    async def flush(self):
        if self.outbuf:
            data, self.outbuf = self.outbuf, bytearray()
            self.writer.write(data)
            await self.writer.drain()

    async def inject(self, step, fault):
        """Answers STEP with FAULT's code; a 421 also hangs up. Returns whether it did."""
        self.log("fault %s %d" % (step, fault.code))
        text = FAULT_TEXTS.get(fault.code) or "%d.0.0 injected %s failure" % (
            fault.code // 100, "temporary" if fault.code < 500 else "permanent")
        await self.reply(fault.code, text, step=step)
        if fault.code == 421:
            await self.close_after_421()
            return True
        return False

    async def drop(self):
        """Hangs up like a crashing server: the replies so far go out, the
        message is never answered, and the socket is closed at once (a RST,
        since the client's data is still unread)."""
        self.note_batch()
        self.log("drop")
        self.closed = True
        await self.flush()
        self.writer.transport.abort()

    async def close_after_421(self):
        self.log("close")
        await self.hang_up()

    async def hang_up(self):
        """Closes after a last reply. Half-closes, then reads and discards what
        the client still sends for a moment: closing with unread input makes
        the kernel send a RST, which can destroy the reply before it is read."""
        self.closed = True
        await self.flush()
        self.release()
        try:
            if self.writer.can_write_eof():
                self.writer.write_eof()
            await asyncio.wait_for(self.discard_input(), LINGER_SECONDS)
        except (asyncio.TimeoutError, ConnectionError, OSError, ssl.SSLError):
            pass
        self.writer.close()

    async def discard_input(self):
        while await self.reader.read(READ_CHUNK):
            pass

    # ---- commands

    def ehlo_keywords(self):
        keywords = []
        if not self.opts.no_pipelining:
            keywords.append("PIPELINING")
        keywords.append("SIZE %d" % self.opts.size_limit if self.opts.size_limit else "SIZE")
        keywords += ["8BITMIME", "ENHANCEDSTATUSCODES"]
        if self.server.starttls_ctx and not self.tls:
            keywords.append("STARTTLS")
        if self.opts.auth and self.auth_offered():
            keywords.append("AUTH PLAIN LOGIN")
        return keywords

    def auth_offered(self):
        # Like real servers: no passwords in the clear when TLS is on offer.
        return self.tls or self.server.starttls_ctx is None

    async def cmd_ehlo(self, arg):
        if self.opts.no_esmtp:
            await self.reply(502, "5.5.1 EHLO not supported, use HELO")
        else:
            await self.hello("ehlo", arg)

    async def cmd_helo(self, arg):
        await self.hello("helo", arg)

    async def hello(self, kind, name):
        if not name:
            await self.reply(501, "5.5.4 Syntax: %s domain" % kind.upper())
            return
        self.log("%s %s" % (kind, name))
        fault = self.server.occur("ehlo")
        if fault is not None:
            await self.inject("ehlo", fault)
            return
        self.reset_transaction()  # RFC 5321 4.1.4: EHLO resets like RSET
        self.greeted = kind
        if kind == "ehlo":
            await self.reply(250, "%s greets %s" % (HOSTNAME, name), *self.ehlo_keywords(), step="ehlo")
        else:
            await self.reply(250, HOSTNAME, step="ehlo")

    async def cmd_mail(self, arg):
        if self.greeted is None:
            await self.reply(503, "5.5.1 Send EHLO or HELO first")
        elif self.opts.require_tls and not self.tls:
            await self.reply(530, "5.7.0 Must issue a STARTTLS command first")
        elif self.opts.auth and not self.authed:
            await self.reply(530, "5.7.0 Authentication required")
        elif self.opts.rate_limit_per_connection and self.messages >= self.opts.rate_limit_per_connection:
            self.log("rate-limit")
            await self.reply(421, "4.7.0 too many messages, reconnect")
            await self.close_after_421()
        elif self.mail_from is not None:
            await self.reply(503, "5.5.1 Nested MAIL command")
        else:
            await self.mail(arg)

    async def mail(self, arg):
        parsed = parse_path(arg, "FROM")
        if parsed is None:
            await self.reply(501, "5.5.4 Syntax: MAIL FROM:<address>")
            return
        address, params = parsed
        size = self.declared_size(params)
        if size is None:
            await self.reply(501, "5.5.4 Syntax: SIZE=number")
            return
        if self.opts.size_limit and size > self.opts.size_limit:
            await self.reply(552, "5.3.4 Message size exceeds fixed maximum message size")
            return
        self.log("mail " + (address or "<>"))
        fault = self.server.occur("mail")
        if fault is not None:
            await self.inject("mail", fault)
            return
        self.mail_from, self.rcpts = address, []
        await self.reply(250, "2.1.0 Sender OK", step="mail")

    @staticmethod
    def declared_size(params):
        """SIZE=N from MAIL's parameters (0 when absent; None when malformed); the rest are ignored."""
        for param in params:
            key, _, value = param.partition("=")
            if key.upper() == "SIZE":
                return int(value) if value.isdigit() else None
        return 0

    async def cmd_rcpt(self, arg):
        if self.mail_from is None:
            await self.reply(503, "5.5.1 Need MAIL before RCPT")
            return
        parsed = parse_path(arg, "TO")
        if parsed is None or not parsed[0]:
            await self.reply(501, "5.5.4 Syntax: RCPT TO:<address>")
            return
        address = parsed[0]
        fault = self.server.occur("rcpt", [address])
        if fault is not None:
            self.log("rcpt %s %d" % (address, fault.code))
            await self.inject("rcpt", fault)
            return
        self.rcpts.append(address)
        self.log("rcpt %s 250" % address)
        await self.reply(250, "2.1.5 Recipient OK", step="rcpt")

    async def cmd_data(self, arg):
        if arg:
            await self.reply(501, "5.5.4 Syntax: DATA")
        elif self.mail_from is None:
            await self.reply(503, "5.5.1 Need MAIL command")
        elif not self.rcpts:
            await self.reply(554, "5.5.1 No valid recipients")  # RFC 2920 3.1
        else:
            await self.data()

    async def data(self):
        fault = self.server.occur("data", self.rcpts)
        if fault is not None:
            self.log("data %d" % fault.code)
            await self.inject("data", fault)
            return
        drop = self.server.begin_message()
        self.log("data 354")
        await self.reply(354, "End data with <CR><LF>.<CR><LF>", step="data")
        content, too_big = await self.read_data(drop)
        if content is DROPPED:
            return
        self.messages += 1
        mail_from, rcpts = self.mail_from, self.rcpts
        self.reset_transaction()
        if too_big:
            self.log("eom 552")
            await self.reply(552, "5.3.4 Message too big", step="eom")
            return
        fault = self.server.occur("eom", rcpts)
        if fault is not None:
            self.log("eom %d" % fault.code)
            await self.inject("eom", fault)
            return
        name = self.server.store(mail_from, rcpts, content)
        self.log("stored " + name)
        self.log("eom 250")
        await self.reply(250, "2.0.0 Ok: queued as " + name[:-4], step="eom")

    async def cmd_rset(self, arg):
        self.log("rset")
        self.reset_transaction()
        await self.reply(250, "2.0.0 Reset")

    async def cmd_noop(self, arg):
        await self.reply(250, "2.0.0 OK")

    async def cmd_quit(self, arg):
        self.log("quit")
        await self.reply(221, "2.0.0 Bye")
        await self.hang_up()

    async def cmd_starttls(self, arg):
        if self.server.starttls_ctx is None:
            await self.reply(502, "5.5.1 STARTTLS not offered")
        elif self.tls:
            await self.reply(503, "5.5.1 Already in TLS")
        elif arg:
            await self.reply(501, "5.5.4 Syntax: STARTTLS")
        else:
            await self.reply(220, "2.0.0 Ready to start TLS")
            await self.start_tls()

    async def start_tls(self):
        await self.flush()
        self.note_batch()
        # RFC 3207 4.2: what the client sent after STARTTLS, before the
        # handshake, is thrown away (it could be a plaintext injection). Some
        # of it may still sit in the StreamReader (no public API to drop it).
        self.inbuf.clear()
        pending = getattr(self.reader, "_buffer", None)
        if isinstance(pending, bytearray):
            pending.clear()
        try:
            await self.writer.start_tls(self.server.starttls_ctx, ssl_handshake_timeout=TLS_HANDSHAKE_SECONDS)
        except Exception as e:  # any handshake failure ends the session
            self.log("tls-fail")
            print("smtp_fault_server: TLS handshake failed: %r" % e, file=sys.stderr)
            self.closed = True
            self.writer.transport.abort()
            return
        # Python 3.11's StreamWriter.start_tls leaves the StreamReader with
        # the plaintext transport, which it pauses and resumes for flow
        # control (cpython issue 114921): point it at the TLS one.
        if hasattr(self.reader, "_transport"):
            self.reader._transport = self.writer.transport
        self.log("tls")
        # RFC 3207 4.2: the client starts over, with EHLO.
        self.tls, self.greeted, self.authed = True, None, False
        self.reset_transaction()

    async def cmd_auth(self, arg):
        if not self.opts.auth:
            await self.reply(502, "5.5.1 AUTH not offered")
        elif self.greeted != "ehlo":
            await self.reply(503, "5.5.1 Send EHLO first")
        elif not self.auth_offered():
            await self.reply(538, "5.7.11 Encryption required for requested authentication mechanism")
        elif self.authed:
            await self.reply(503, "5.5.1 Already authenticated")
        elif self.mail_from is not None:
            await self.reply(503, "5.5.1 AUTH not allowed during a mail transaction")
        else:
            await self.authenticate(arg)

    async def authenticate(self, arg):
        mechanism, _, initial = arg.partition(" ")
        mechanism, initial = mechanism.upper(), initial.strip()
        if mechanism == "PLAIN":
            credentials = await self.auth_plain(initial)
        elif mechanism == "LOGIN":
            credentials = await self.auth_login(initial)
        else:
            await self.reply(504, "5.5.4 Unrecognized authentication mechanism")
            return
        if credentials is None:
            return  # cancelled or malformed: already answered
        user, password = self.opts.auth
        if credentials == (user.encode(), password.encode()):
            self.authed = True
            self.log("auth ok")
            await self.reply(235, "2.7.0 Authentication successful")
        else:
            self.log("auth fail")
            await self.reply(535, "5.7.8 Authentication credentials invalid")

    async def auth_plain(self, initial):
        response = await self.auth_response(initial, "")
        if response is None:
            return None
        parts = response.split(b"\0")
        if len(parts) != 3:
            await self.reply(501, "5.5.2 Malformed PLAIN response")
            return None
        return parts[1], parts[2]  # authorization identity ignored

    async def auth_login(self, initial):
        user = await self.auth_response(initial, base64.b64encode(b"Username:").decode())
        if user is None:
            return None
        password = await self.auth_response("", base64.b64encode(b"Password:").decode())
        if password is None:
            return None
        return user, password

    async def auth_response(self, initial, challenge):
        """The client's decoded answer: the initial response when it gave
        one, else the line after a 334 CHALLENGE. None when it cancelled or
        sent no base64 (already answered)."""
        if initial:
            text = initial
        else:
            await self.reply(334, challenge)
            line = await self.read_line()
            if line is TOO_LONG:
                await self.reply(500, "5.5.6 Authentication exchange line is too long")
                return None
            text = line.decode("ascii", "replace").strip()
        if text == "*":
            await self.reply(501, "5.7.0 Authentication cancelled")
            return None
        if text == "=":  # RFC 4954: an empty initial response
            return b""
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            await self.reply(501, "5.5.2 Cannot decode response")
            return None


# ---------------------------------------------------------------- main

def quiet_exceptions(loop, context):
    # A client that breaks a TLS handshake or vanishes is routine here: one
    # line, not a traceback. Anything else is a bug and keeps its traceback.
    error = context.get("exception")
    if isinstance(error, (ssl.SSLError, ConnectionError)):
        print("smtp_fault_server: %r" % error, file=sys.stderr)
    else:
        loop.default_exception_handler(context)


async def serve(opts, log):
    server = FaultServer(opts, log)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(quiet_exceptions)
    listener = await asyncio.start_server(
        server.handle, "127.0.0.1", opts.port, ssl=server.implicit_ctx,
        ssl_handshake_timeout=TLS_HANDSHAKE_SECONDS if server.implicit_ctx else None,
        backlog=1024, limit=READER_LIMIT)
    port = listener.sockets[0].getsockname()[1]
    if opts.pidfile:
        write_atomically(opts.pidfile, str(os.getpid()))
    write_atomically(opts.portfile, str(port))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    flusher = asyncio.create_task(log.flush_every(LOG_FLUSH_SECONDS))
    await stop.wait()
    # Stop at once: open sessions are cancelled by asyncio.run as it ends.
    listener.close()
    flusher.cancel()


def main(argv):
    opts = parse_args(argv)
    log = EventLog(opts.log)
    try:
        asyncio.run(serve(opts, log))
    finally:
        log.close()


if __name__ == "__main__":
    main(sys.argv[1:])
