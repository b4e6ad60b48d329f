#!/usr/bin/env python3
"""Tiny media anchor for the lab: relays COUNT UDP datagrams received on
LISTEN_PORT to DST_IP:DST_PORT (from the same port), then exits; bounded
by TIMEOUT_S.
  udp_relay.py LISTEN_PORT DST_IP DST_PORT COUNT [TIMEOUT_S]"""
import socket, sys

lport, dst, dport, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 10.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', lport))
s.settimeout(timeout)
try:
    for _ in range(min(count, 500)):
        data, _src = s.recvfrom(2048)
        s.sendto(data, (dst, dport))
except socket.timeout:
    pass
