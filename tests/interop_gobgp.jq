# interop_gobgp.jq: GoBGP's "gobgp global rib -a evpn -j" as one line per
# best path, in the format of tests/interop_gen.c's expected.txt.
def rd: "\(.admin):\(.assigned)";
def attr($t): [ .attrs[] | select(.type == $t) ][0];
def ecs: [ (attr(16).value // [])[]
           | if .type == 0 and .subtype == 2 then "rt:\(.value)"
             elif .type == 3 and .subtype == 12 then "encap:\(.tunnel_type)"
             elif .type == 6 and .subtype == 0 then "mm:\(.sequence)"
             else "other" end ] | sort | join(",");
.[][] | select(.best == true)
| .nlri as $n
| (if $n.type == 2 then
     "type=2 rd=\($n.value.rd | rd) mac=\($n.value.mac) ip=\(if ($n.value.ip // "") == "" or $n.value.ip == "0.0.0.0" then "none" else $n.value.ip end) label=\($n.value.labels[0])"
   else
     "type=3 rd=\($n.value.rd | rd) etag=\($n.value.etag) orig=\($n.value.ip)"
   end)
  + " ec=\(ecs) nh=\(attr(14).nexthop) originator=\(attr(9).value // .["source-id"])"
  + (if $n.type == 3 then
       " pmsi=" + (attr(22) as $p | if $p then "\($p["tunnel-type"]):\($p.label):\($p["tunnel-id"])" else "none" end)
     else "" end)
