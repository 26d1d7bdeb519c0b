/* trace.h: ASCII packet traces in the style of ns-3's AsciiTraceHelper.
 *
 * One line per event:
 *   EV TIME NODE/PORT uid=U tc=CLASS len=BYTES [reason=R] SUMMARY
 * with EV one of '+' (enqueued), '-' (dequeued: starts transmission),
 * 'r' (received), 'd' (dropped, with the reason); TIME in seconds with 12
 * decimals (exact picoseconds); SUMMARY the decoded headers
 * (nvo_wire_summary()); PORT numbered from 1, as in pcap file names
 * (NODE-PORT.pcap) and scenarios.  Example:
 *   + 0.000001000000 pe1/1 uid=3 tc=data len=1554 eth 00:..>00:.. ipv4 ...
 *
 * The file is written under a temporary name and renamed by
 * nvo_trace_close(), so a crash never leaves a half-written trace. */
#ifndef NVO_TRACE_H
#define NVO_TRACE_H

#include "core/units.h"
#include "fabric/link.h"
#include "wire/pkt.h"

struct nvo_trace;

/* Opens 'path' for writing (as path.tmp until closed).  Returns 0 or an
 * errno. */
int nvo_trace_open(const char *path, struct nvo_trace **out);

/* Writes one line; 'port' is the port's 0-based index (printed + 1).
 * Write errors are kept and reported by nvo_trace_close(). */
void nvo_trace_event(struct nvo_trace *, char ev, nvo_time_t now,
                     const char *node, uint32_t port,
                     const struct nvo_pkt *p, const char *reason);

/* Traces every event of 'port' (a port tap, link.h), or stops. */
void nvo_trace_attach(struct nvo_trace *, struct nvo_port *);
void nvo_trace_detach(struct nvo_trace *, struct nvo_port *);

/* Number of lines written. */
uint64_t nvo_trace_n_lines(const struct nvo_trace *);

/* Flushes, closes and renames to the final name.  Returns 0 or an errno
 * (then the temporary file is removed).  Accepts NULL. */
int nvo_trace_close(struct nvo_trace *);

/* Closes and removes the temporary file without publishing it (a run that
 * failed).  Accepts NULL. */
void nvo_trace_abort(struct nvo_trace *);

#endif /* NVO_TRACE_H */
