/* y.c: analysis using the wire layer (refused) and an unfoldered include. */
#include "wire/pkt.h"
#include "pkt.h"
