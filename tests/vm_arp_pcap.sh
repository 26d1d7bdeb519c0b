#!/bin/sh
# vm_arp_pcap.sh: tshark decodes the ARP and RARP that VMs and their
# hypervisors send, inside VXLAN with the tenant's VNI (and the RARP in
# each of the other eight encapsulations with the tenant's id), in a pcap
# of the PE a VM moved to (scenarios/overlay-vm-move.xml).
# Usage: vm_arp_pcap.sh NVOSIM SOURCE_DIR
set -u
nvosim=$1
src=$2
command -v tshark >/dev/null 2>&1 || { echo "no tshark: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {                   # check WHAT WANT GOT
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected [$2], got [$3]"; fail=1
    fi
}
for announce in rarp garp; do
    out=$tmp/$announce
    "$nvosim" run "$src/scenarios/overlay-vm-move.xml" --quiet --out "$out" \
        --set overlay.move.announce=$announce \
        --set output.pcap.node=hv4-2 >"$tmp/log" 2>&1 \
        || { cat "$tmp/log"; echo "FAIL: nvosim run"; exit 1; }
    pcap=$out/hv4-2-1.pcap
    # The announcement of VM 0 (00:50:56:00:00:00, 10.0.0.1, VNI 5000):
    # one copy to each of the 7 other PEs of the tenant, out of hv4-2
    # (eth.type: the outer IPv4, then the inner RARP).
    if [ $announce = rarp ]; then
        got=$(tshark -r "$pcap" -Y 'arp.opcode == 3' -T fields \
                  -e vxlan.vni -e eth.type -e arp.src.hw_mac \
                  -e arp.dst.hw_mac -e arp.src.proto_ipv4 2>/dev/null \
              | sort | uniq -c | sed 's/^ *//')
        check "RARP" "7 5000	0x0800,0x8035	00:50:56:00:00:00	00:50:56:00:00:00	0.0.0.0" "$got"
    else
        got=$(tshark -r "$pcap" -Y 'arp.isgratuitous' -T fields \
                  -e vxlan.vni -e arp.opcode -e arp.src.hw_mac \
                  -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 2>/dev/null \
              | sort | uniq -c | sed 's/^ *//')
        check "gratuitous ARP" "7 5000	1	00:50:56:00:00:00	10.0.0.1	10.0.0.1" "$got"
    fi
    # Every ARP request and reply tshark sees is inside VXLAN, in one of
    # the two tenants' VNIs, and the capture holds both kinds.
    bad=$(tshark -r "$pcap" -Y 'arp && !(vxlan.vni == 5000 || vxlan.vni == 5001)' \
              2>/dev/null | wc -l)
    check "ARP outside the tenants' VNIs" 0 "$bad"
    n_req=$(tshark -r "$pcap" -Y 'arp.opcode == 1 && !arp.isgratuitous' \
                2>/dev/null | wc -l)
    n_rep=$(tshark -r "$pcap" -Y 'arp.opcode == 2' 2>/dev/null | wc -l)
    [ "$n_req" -gt 0 ] || { echo "FAIL: no ARP request in $pcap"; fail=1; }
    [ "$n_rep" -gt 0 ] || { echo "FAIL: no ARP reply in $pcap"; fail=1; }
    # The VMs' broadcasts (NetBIOS name queries, 78 IP bytes) and
    # multicasts (mDNS queries, 62 IP bytes, TTL 255): every one as
    # docs/vm-traffic.md says, inside VXLAN.
    n_nb=$(tshark -r "$pcap" -Y 'udp.dstport == 137' 2>/dev/null | wc -l)
    ok_nb=$(tshark -r "$pcap" -Y 'vxlan && udp.dstport == 137 && ip.dst == 255.255.255.255 && ip.len == 78 && eth.dst == ff:ff:ff:ff:ff:ff' 2>/dev/null | wc -l)
    n_md=$(tshark -r "$pcap" -Y 'udp.dstport == 5353' 2>/dev/null | wc -l)
    ok_md=$(tshark -r "$pcap" -Y 'vxlan && udp.dstport == 5353 && ip.dst == 224.0.0.251 && ip.len == 62 && ip.ttl == 255 && eth.dst == 01:00:5e:00:00:fb' 2>/dev/null | wc -l)
    [ "$n_nb" -gt 0 ] || { echo "FAIL: no broadcast in $pcap"; fail=1; }
    [ "$n_md" -gt 0 ] || { echo "FAIL: no multicast in $pcap"; fail=1; }
    check "NetBIOS broadcasts as documented" "$n_nb" "$ok_nb"
    check "mDNS multicasts as documented" "$n_md" "$ok_md"
done
# The same RARP inside every other encapsulation, with the tenant's id:
# Geneve's VNI, NVGRE's key (VSID 5000 = 0x001388, FlowID 0xf0),
# VXLAN-GPE's VNI, GRE-in-UDP's inner frame, STT's context (found by the
# heuristic only), the MPLS label (Ethernet over MPLS by "decode as": the
# pseudowire heuristic does not take a frame to ff:ff:ff:ff:ff:ff).
mpls="-d mpls.label==5000,pwethnocw -d mpls.label==5001,pwethnocw"
for e in "geneve|geneve.vni == 5000|" "nvgre|gre.key == 0x001388f0|" \
         "vxlan-gpe|vxlan.vni == 5000|" "gre-udp|gre|" \
         "stt|stt.context_id == 5000|-o ip.try_heuristic_first:TRUE" \
         "mpls-udp|mpls.label == 5000|$mpls" "mpls-gre|mpls.label == 5000|$mpls" \
         "mpls-ip|mpls.label == 5000|$mpls"; do
    encap=${e%%|*}
    rest=${e#*|}
    filter=${rest%%|*}
    opts=${rest#*|}
    out=$tmp/$encap
    "$nvosim" run "$src/scenarios/overlay-vm-move.xml" --quiet --out "$out" \
        --set overlay.encap=$encap --set output.pcap.node=hv4-2 \
        >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: $encap"; exit 1; }
    # shellcheck disable=SC2086
    got=$(tshark $opts -r "$out/hv4-2-1.pcap" \
              -Y "arp.opcode == 3 && arp.src.hw_mac == 00:50:56:00:00:00 && $filter" \
              2>/dev/null | wc -l)
    check "RARP in $encap" 7 "$got"
done
[ $fail = 0 ] && echo "ARP and RARP decoded inside all nine encapsulations"
exit $fail
