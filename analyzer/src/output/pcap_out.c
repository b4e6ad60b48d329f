#include "output/pcap_out.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); } /* the writer's byte order */

bool pcap_out_header(FILE *f, int linktype)
{
    uint8_t hdr[PCAP_OUT_HDR_LEN];
    uint16_t maj = 2, min = 4;
    put32(hdr, 0xa1b2c3d4u);
    memcpy(hdr + 4, &maj, 2);
    memcpy(hdr + 6, &min, 2);
    put32(hdr + 8, 0);
    put32(hdr + 12, 0);
    put32(hdr + 16, PCAP_OUT_SNAPLEN);
    put32(hdr + 20, (uint32_t)linktype);
    return fwrite(hdr, 1, sizeof hdr, f) == sizeof hdr;
}

bool pcap_out_record(FILE *f, imsec_ts ts, uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
    uint8_t rec[PCAP_OUT_REC_LEN];
    put32(rec, (uint32_t)ts.sec);
    put32(rec + 4, ts.usec);
    put32(rec + 8, caplen);
    put32(rec + 12, wirelen);
    return fwrite(rec, 1, sizeof rec, f) == sizeof rec &&
           (caplen == 0 || fwrite(data, 1, caplen, f) == caplen);
}
