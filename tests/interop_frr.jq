# interop_frr.jq: FRR's "show bgp l2vpn evpn route detail json" as one
# line per best path, in the format of tests/interop_gen.c's expected.txt
# (FRR 8.4 does not show the PMSI tunnel identifier: "pmsi=TYPE:LABEL").
def ecs: [ (.extendedCommunity.string // "") | split(" ")[]
           | select(length > 0)
           | if startswith("RT:") then "rt:" + .[3:]
             elif startswith("ET:") then "encap:" + .[3:]
             elif startswith("MM:") then "mm:" + (.[3:] | split(",")[0])
             else "other" end ] | sort | join(",");
def pmsi_type: if . == "Ingress Replication" then "6"
               elif . == "PIM-SSM" then "3" elif . == "PIM-SM" then "4"
               else . end;
to_entries[] | select(.value | type == "object") | .value
| to_entries[] | select(.value | type == "object") | .value
| . as $r | .paths[][] | select(.bestpath.overall == true)
| (if $r.routeType == 2 then
     "type=2 rd=\($r.rd) mac=\($r.mac) ip=\($r.ip // "none") label=\(.vni)"
   else
     "type=3 rd=\($r.rd) etag=\($r.ethTag) orig=\($r.ip)"
   end)
  + " ec=\(ecs) nh=\(.nexthops[0].ip) originator=\(.originatorId // .peer.routerId)"
  + (if $r.routeType == 3 then
       " pmsi=" + (if .pmsi then "\(.pmsi.tunnelType | pmsi_type):\(.pmsi.label)"
                   else "none" end)
     else "" end)
