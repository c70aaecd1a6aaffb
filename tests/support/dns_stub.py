#!/usr/bin/env python3
"""A tiny authoritative DNS server on 127.0.0.1 (UDP, standard library only)
for the sign-up MX check's tests. It knows a few invented domains:

  mail.example      MX 10 mx.mail.example
  nullmx.example    MX 0 .           (RFC 7505: takes no mail)
  aonly.example     no MX; A 192.0.2.1 (the implicit MX)
  noaddr.example    exists, with no MX, A or AAAA
  servfail.example  SERVFAIL
  silent.example    never answered
  anything else     NXDOMAIN

Usage: dns_stub.py PORT_FILE   (binds a free port and writes it there)
"""
import socket
import struct
import sys

MX, A, AAAA = 15, 1, 28


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
    else:
        rcode = 3
    header = struct.pack("!HHHHHH", ident, 0x8400 | (flags & 0x0100) | rcode, 1, len(records), 0, 0)
    body = question
    for rtype, rdata in records:
        body += struct.pack("!HHHIH", 0xC00C, rtype, 1, 60, len(rdata)) + rdata
    return header + body


def main():
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
