/* pcap_out: the one pcap writer behind every evidence file (offline -w
 * FILE and live -w DIR).
 *
 * Classic libpcap format (pcap-savefile(5)): a 24-byte file header with
 * magic 0xa1b2c3d4 and version 2.4 in the writer's byte order, thiszone and
 * sigfigs 0, snaplen 262144, then per frame a 16-byte record header (32-bit
 * seconds, microseconds, captured and original length) and the captured
 * bytes. These are the bytes libpcap's pcap_dump writes, so a file made
 * here and one made by tcpdump -w read the same everywhere. */
#ifndef IMSEC_OUTPUT_PCAP_OUT_H
#define IMSEC_OUTPUT_PCAP_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "imsec/imsec.h"

#define PCAP_OUT_SNAPLEN 262144u
#define PCAP_OUT_HDR_LEN 24u
#define PCAP_OUT_REC_LEN 16u

/* false on a write error (errno from stdio). */
bool pcap_out_header(FILE *f, int linktype);
bool pcap_out_record(FILE *f, imsec_ts ts, uint32_t caplen, uint32_t wirelen, const uint8_t *data);

#endif
