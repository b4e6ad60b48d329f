#!/usr/bin/env python3
"""Tiny RTP sender for the lab (RFC 3550 header, PCMU payload type 0).
  rtp_send.py DST_IP DST_PORT SRC_PORT COUNT [DELAY_S]
Sends COUNT packets of 160 bytes payload, 20 ms apart, after DELAY_S."""
import socket, struct, sys, time

dst, dport, sport, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
delay = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
time.sleep(delay)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', sport))
ssrc = 0x1a2b3c4d
for i in range(min(count, 500)):
    hdr = struct.pack('!BBHII', 0x80, 0, 1000 + i, 160 * i, ssrc)
    s.sendto(hdr + b'\xff' * 160, (dst, dport))
    time.sleep(0.02)
