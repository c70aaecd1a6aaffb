#!/usr/bin/env python3
"""A tiny authoritative DNS server on 127.0.0.1 (UDP, standard library only)
for the sign-up MX check's tests. It knows a few invented domains:

  mail.example      MX 10 mx.mail.example
  nullmx.example    MX 0 .           (RFC 7505: takes no mail)
  aonly.example     no MX; A 192.0.2.1 (the implicit MX)
  noaddr.example    exists, with no MX, A or AAAA
  servfail.example  SERVFAIL
  silent.example    never answered
  anything else     NXDOMAIN, unless ZONE_FILE has it

Usage: dns_stub.py PORT_FILE [ZONE_FILE]   (binds a free port and writes it there)

ZONE_FILE (for the pre-send check's tests, which write records for their own
invented domains, e.g. a DKIM key made by the test) adds records, one a line,
`#` starting a comment:

  NAME A 192.0.2.10
  NAME AAAA 2001:db8::10
  NAME MX 10 mx.example
  NAME TXT "v=spf1 ip4:192.0.2.10 -all"
  NAME TXT "first string" "second string"

A TXT value is one or more double-quoted strings (or one bare word); a string
longer than 255 octets goes out as several, as DNS requires. The domains
above are answered as before, whatever the file says. A name the file has,
asked for a type it has not (or a name above one of its names, such as
_domainkey.good.example), gets an empty answer (NODATA); others NXDOMAIN.
"""
import ipaddress
import shlex
import socket
import struct
import sys

MX, A, AAAA, TXT = 15, 1, 28, 16
TYPES = {"A": A, "AAAA": AAAA, "MX": MX, "TXT": TXT}
ZONE = {}  # name -> [(type, rdata)], from ZONE_FILE


def txt_rdata(strings):
    out = b""
    for s in strings:
        data = s.encode()
        for at in range(0, max(len(data), 1), 255):
            piece = data[at:at + 255]
            out += bytes([len(piece)]) + piece
    return out


def read_zone(path):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line, posix=True)
            if len(words) < 3 or words[1].upper() not in TYPES:
                raise SystemExit(f"{path}:{number}: NAME A|AAAA|MX|TXT VALUE, not: {line}")
            name, rtype, values = words[0].lower().strip("."), words[1].upper(), words[2:]
            if rtype == "A":
                rdata = ipaddress.IPv4Address(values[0]).packed
            elif rtype == "AAAA":
                rdata = ipaddress.IPv6Address(values[0]).packed
            elif rtype == "MX":
                rdata = struct.pack("!H", int(values[0])) + encode_name(values[1])
            else:
                rdata = txt_rdata(values)
            ZONE.setdefault(name, []).append((TYPES[rtype], rdata))


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def parse_question(packet):
    at, labels = 12, []
    while packet[at] != 0:
        n = packet[at]
        labels.append(packet[at + 1:at + 1 + n].decode("ascii", "replace"))
        at += 1 + n
    at += 1
    qtype, qclass = struct.unpack("!HH", packet[at:at + 4])
    return ".".join(labels).lower(), qtype, packet[12:at + 4]


def answer(packet):
    ident, flags = struct.unpack("!HH", packet[:4])
    name, qtype, question = parse_question(packet)
    rcode, records = 0, []
    if name == "silent.example":
        return None
    if name == "servfail.example":
        rcode = 2
    elif name == "mail.example":
        if qtype == MX:
            records.append((MX, struct.pack("!H", 10) + encode_name("mx.mail.example")))
    elif name == "nullmx.example":
        if qtype == MX:
            records.append((MX, struct.pack("!H", 0) + b"\x00"))
    elif name == "aonly.example":
        if qtype == A:
            records.append((A, bytes([192, 0, 2, 1])))
    elif name == "noaddr.example":
        pass
    elif name in ZONE:
        records.extend(r for r in ZONE[name] if r[0] == qtype)
    elif not any(known.endswith("." + name) for known in ZONE):
        rcode = 3
    header = struct.pack("!HHHHHH", ident, 0x8400 | (flags & 0x0100) | rcode, 1, len(records), 0, 0)
    body = question
    for rtype, rdata in records:
        body += struct.pack("!HHHIH", 0xC00C, rtype, 1, 60, len(rdata)) + rdata
    return header + body


def main():
    if len(sys.argv) > 2:
        read_zone(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(sock.getsockname()[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        packet, peer = sock.recvfrom(4096)
        try:
            reply = answer(packet)
        except (IndexError, struct.error, UnicodeError):
            continue  # not a question we can read: no answer, as a real server might
        if reply is not None:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
