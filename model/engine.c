/* engine.c: the registry of engine backends.  See engine.h. */
#include "engine.h"

#include <errno.h>

static const struct nvo_engine_ops *const backends[] = {
    &nvo_engine_native_ops,
#ifdef NVO_HAVE_NS3
    &nvo_engine_ns3_ops,
#endif
};

const struct nvo_engine_ops *
nvo_engine_lookup(const char *name)
{
    for (size_t i = 0; i < NVO_ARRAY_SIZE(backends); i++) {
        if (!strcmp(backends[i]->name, name)) {
            return backends[i];
        }
    }
    return NULL;
}

const char *
nvo_engine_names(void)
{
#ifdef NVO_HAVE_NS3
    return "native, ns3";
#else
    return "native";
#endif
}

int
nvo_engine_create(const char *name, const char *scheduler,
                  struct nvo_engine **out)
{
    const struct nvo_engine_ops *ops = nvo_engine_lookup(name ? name
                                                         : "native");
    if (!ops) {
        return ENOENT;
    }
    return ops->create(scheduler, out);
}
