#!/bin/sh
# layers.sh: checks that each folder of model/ includes only its own layer
# and the layers before it (docs/architecture.md), so the layering cannot
# rot.  Usage: layers.sh SOURCE_DIR.  Prints each violation as
# file:line: what is wrong, and exits 1 if there is any.
set -eu
src=${1:?usage: layers.sh SOURCE_DIR}
order="core wire fabric overlay ctrl traffic io run analysis"
rank() {
    i=0
    for l in $order; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}
TMPF=$(mktemp)
trap 'rm -f "$TMPF"' EXIT
cd "$src/model"
for f in */*.c */*.h; do
    layer=${f%%/*}
    me=$(rank "$layer")
    if [ "$me" -lt 0 ]; then
        echo "model/$f:1: folder '$layer' is not a layer ($order)"
        echo x >> "$TMPF"
        continue
    fi
    # Every quoted include must name a layer folder.
    grep -n '^#include "' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s' "$line" | sed 's/^[0-9]*:#include "\([^"]*\)".*/\1/')
        il=${inc%%/*}
        r=$(rank "$il")
        if [ "$inc" = "$il" ] || [ "$r" -lt 0 ]; then
            echo "model/$f:$n: includes \"$inc\", which is not in a layer folder"
            echo x >> "$TMPF"
        elif [ "$layer" = analysis ] && [ "$il" != core ] && [ "$il" != analysis ]; then
            echo "model/$f:$n: analysis includes \"$inc\": it may use only core"
            echo x >> "$TMPF"
        elif [ "$r" -gt "$me" ]; then
            echo "model/$f:$n: layer $layer includes \"$inc\" from the later layer $il"
            echo x >> "$TMPF"
        fi
    done
done
if [ -s "$TMPF" ]; then
    exit 1
fi
echo "layers: every include of model/ goes to its own layer or an earlier one"
