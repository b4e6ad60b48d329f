/*
 * rawloop: the physical limit for reading a capture with libpcap.
 *
 * Opens each file with pcap_open_offline() and walks it with pcap_next_ex(),
 * touching one byte of every packet (so the data is really paged in) and
 * nothing else.  No analyzer can read the same file through libpcap faster
 * than this, so imsec's packets/s is reported as a fraction of it.
 *
 * Output (one line, machine-readable):
 *   packets=N bytes=N seconds=S pps=N mbps=N checksum=N
 * bytes counts captured bytes (caplen); mbps is MiB/s of the file size.
 *
 * Build: gcc -O2 -o rawloop rawloop.c -lpcap
 */
#define _DEFAULT_SOURCE /* u_char etc. in <pcap/pcap.h> under -std=c11 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.pcap [FILE...]\n", argv[0]);
        return 2;
    }
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t file_bytes = 0;
    unsigned checksum = 0;
    double t0 = now_s();
    for (int i = 1; i < argc; i++) {
        char err[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline(argv[i], err);
        if (p == NULL) {
            fprintf(stderr, "rawloop: %s: %s\n", argv[i], err);
            return 2;
        }
        struct stat st;
        if (stat(argv[i], &st) == 0) {
            file_bytes += (uint64_t)st.st_size;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc;
        while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
            packets++;
            bytes += h->caplen;
            if (h->caplen > 0) {
                /* touch one byte so the packet is really read */
                checksum += data[h->caplen / 2];
            }
        }
        if (rc == PCAP_ERROR) {
            fprintf(stderr, "rawloop: %s: %s\n", argv[i], pcap_geterr(p));
        }
        pcap_close(p);
    }
    double el = now_s() - t0;
    if (el <= 0.0) {
        el = 1e-9;
    }
    printf("packets=%llu bytes=%llu seconds=%.6f pps=%.0f mbps=%.1f checksum=%u\n",
           (unsigned long long)packets, (unsigned long long)bytes, el,
           (double)packets / el, (double)file_bytes / el / 1048576.0, checksum);
    return 0;
}
