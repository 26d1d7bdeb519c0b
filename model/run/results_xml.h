/* results_xml.h: the attribute writers results.xml's sections share
 * (results.c, results_ctrl.c): counts, decimals (a missing one, NAN, is
 * left out), strings, times in microseconds. */
#ifndef NVO_RUN_RESULTS_XML_H
#define NVO_RUN_RESULTS_XML_H

#include <inttypes.h>
#include <math.h>
#include <libxml/xmlwriter.h>

static inline void
attr_u64__(xmlTextWriterPtr w, const char *name, uint64_t v)
{
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%" PRIu64, v);
}

/* A decimal; a missing one (NAN: no samples) is left out. */
static inline void
attr_f__(xmlTextWriterPtr w, const char *name, double v)
{
    if (!isfinite(v)) {
        return;
    }
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%.6g", v);
}

static inline void
attr_s__(xmlTextWriterPtr w, const char *name, const char *v)
{
    xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
}

static inline void
attr_time__(xmlTextWriterPtr w, const char *name, double ps)
{
    /* Times in results are microseconds, with the unit in the name. */
    attr_f__(w, name, ps / 1e6);
}

#endif /* NVO_RUN_RESULTS_XML_H */
