/* x.h: a fabric header that includes the run layer (tests/layers.sh must refuse it). */
#include "run/sim.h"
