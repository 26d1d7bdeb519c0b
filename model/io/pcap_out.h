/* pcap_out.h: writing packets to pcap files that Wireshark reads.
 *
 * Scope: one capture file per writer, link type Ethernet (DLT_EN10MB),
 * nanosecond timestamps (magic 0xa1b23c4d), written through libpcap.
 * Every record has the true wire length (orig_len = nvo_pkt_len()).  What
 * is captured (incl_len) depends on the snap length:
 *   NVO_PCAP_SNAPLEN_HEADERS (the default): the packet's real bytes only,
 *     that is its headers, without the virtual payload (which would be
 *     zeros); Wireshark shows such a frame as "[Packet size limited during
 *     capture]", as a tcpdump -s capture of the headers would be;
 *   N: the real bytes followed by zeros for the virtual payload, cut at N
 *     bytes: incl_len = min(len, N);
 *   0: the whole frame (as NVO_PCAP_SNAPLEN_MAX).
 * Times are simulated picoseconds, truncated to nanoseconds.
 *
 * The file is written as PATH.tmp and renamed to PATH only by a
 * successful nvo_pcap_out_close(), so a crash or an error never leaves a
 * half-written PATH. */
#ifndef NVO_PCAP_OUT_H
#define NVO_PCAP_OUT_H

#include "core/nvo.h"
#include "core/units.h"
#include "fabric/link.h"
#include "wire/pkt.h"

/* libpcap's largest snap length; the file header's snap length in
 * headers-only mode. */
#define NVO_PCAP_SNAPLEN_MAX 262144u

/* Headers only: capture the real bytes, not the virtual payload. */
#define NVO_PCAP_SNAPLEN_HEADERS UINT32_MAX

struct nvo_pcap_out;

/* Creates PATH.tmp and writes the file header.  'snaplen' is
 * NVO_PCAP_SNAPLEN_HEADERS, 0 (whole frames, NVO_PCAP_SNAPLEN_MAX) or a
 * snap length 1..NVO_PCAP_SNAPLEN_MAX.  Returns 0 and *out, or an errno
 * (EINVAL for a snap length over the maximum, or the error creating the
 * file) with a message in 'err' (may be NULL). */
int nvo_pcap_out_open(const char *path, uint32_t snaplen,
                      struct nvo_pcap_out **out, char *err, size_t err_size);

/* Appends 'p' with timestamp 't' (>= 0).  Returns 0 or an errno (EINVAL
 * for a negative time; a write error); after an error the writer stays
 * failed and nvo_pcap_out_close() reports it. */
int nvo_pcap_out_write(struct nvo_pcap_out *, nvo_time_t t,
                       const struct nvo_pkt *p);

/* Captures the frames 'port' sends (as their serialization starts) and
 * receives (a port tap, link.h), or stops.  Write errors are kept and
 * reported by nvo_pcap_out_close(). */
void nvo_pcap_out_attach(struct nvo_pcap_out *, struct nvo_port *);
void nvo_pcap_out_detach(struct nvo_pcap_out *, struct nvo_port *);

/* The last error's message, "" if none. */
const char *nvo_pcap_out_error(const struct nvo_pcap_out *);

/* Packets written so far. */
uint64_t nvo_pcap_out_count(const struct nvo_pcap_out *);

/* Flushes, syncs and closes the file, and renames PATH.tmp to PATH.  On
 * any error (including an earlier write error) PATH.tmp is removed, PATH
 * is left as it was, and an errno is returned with a message in 'err'
 * (may be NULL).  Frees the writer; accepts NULL (returns 0). */
int nvo_pcap_out_close(struct nvo_pcap_out *, char *err, size_t err_size);

/* Closes the writer and removes PATH.tmp without producing PATH (an
 * aborted run).  Accepts NULL. */
void nvo_pcap_out_discard(struct nvo_pcap_out *);

#endif /* NVO_PCAP_OUT_H */
