import NetCore

/// Extensions iptables-nft turns into native expressions (mark, limit, tcp, udp, NFLOG, TRACE), which only
/// iptables-legacy keeps as xt blobs. Expected text: `iptables-legacy-save` 1.8.9 after loading the rule with
/// `iptables-legacy -A` in a throwaway namespace (`unshare -n`).
enum LegacyCorpus {
    static let cases: [XtCase] = [
        XtCase(.ipv4, "mark", 1, InfoBlob(size: 16).u32(0, 0x4000).u32(4, 0x4000), "-m mark --mark 0x4000/0x4000"),
        XtCase(.ipv4, "mark", 1, InfoBlob(size: 16).u32(0, 1).u32(4, 0xFFFF_FFFF).u8(8, 1), "-m mark ! --mark 0x1"),
        XtCase(.ipv6, "mark", 1, InfoBlob(size: 16).u32(0, 1).u32(4, 0xFF), "-m mark --mark 0x1/0xff"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 2000).u32(4, 5), "-m limit --limit 5/sec"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 60000).u32(4, 20),
               "-m limit --limit 10/min --limit-burst 20"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 36_000_000).u32(4, 5), "-m limit --limit 1/hour"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 18_000_000).u32(4, 1),
               "-m limit --limit 2/hour --limit-burst 1"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 1428).u32(4, 5), "-m limit --limit 7/sec"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 200_000).u32(4, 5), "-m limit --limit 3/min"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(0, 10).u32(4, 5), "-m limit --limit 1000/sec"),
        XtCase(.ipv4, "tcp", 0,
               InfoBlob(size: 16).u16(0, 1000).u16(2, 2000).u16(4, 80).u16(6, 80).u8(9, 0x12).u8(10, 0x02).u8(11, 2),
               "-m tcp --sport 1000:2000 ! --dport 80 --tcp-flags SYN,ACK SYN"),
        XtCase(.ipv4, "udp", 0, InfoBlob(size: 16).u16(0, 53).u16(2, 53).u16(4, 1000).u16(6, 2000).u8(8, 1),
               "-m udp ! --sport 53 --dport 1000:2000"),
        XtCase(.ipv6, "udp", 0, InfoBlob(size: 16).u16(0, 1).u16(2, 2).u16(6, 0xFFFF), "-m udp --sport 1:2"),
        XtCase(.ipv4, "NFLOG", 0,
               InfoBlob(size: 80).u32(0, 128).u16(4, 100).u16(6, 10).u16(8, 1).string(12, "calico drop"),
               #"-j NFLOG --nflog-prefix "calico drop" --nflog-group 100 --nflog-size 128 --nflog-threshold 10"#),
        XtCase(.ipv4, "NFLOG", 0, InfoBlob(size: 80).u16(4, 100), "-j NFLOG --nflog-group 100"),
        XtCase(.ipv4, "TRACE", 0, InfoBlob(size: 0), "-j TRACE"),
    ]
}

/// Older revisions that iptables 1.8.9 no longer writes on this kernel (it picks the newest revision the kernel
/// has), and extensions this kernel lacks (ipvs), so no tool run can produce them: expected text follows the
/// save function in libxt_*.c, and the cases pin the layout differences (field widths, byte order, missing
/// fields) between revisions.
enum OldRevisionCorpus {
    static let conntrack1 = InfoBlob(size: 152)
    static let conntrack2 = InfoBlob(size: 160)
    static let compat = InfoBlob(size: 24).u32(0, 1)

    static let cases: [XtCase] = [
        XtCase(.ipv4, "addrtype", 0, InfoBlob(size: 12).u16(0, 4).u32(4, 1), "-m addrtype ! --src-type LOCAL"),
        XtCase(.ipv4, "conntrack", 1, conntrack1.u16(146, 0x201).u8(150, 2).be16(140, 443),
               "-m conntrack --ctstate ESTABLISHED --ctorigdstport 443"),
        XtCase(.ipv4, "conntrack", 2, conntrack2.u16(146, 0x41).u16(148, 0x40).u16(150, 0x100),
               "-m conntrack --ctstate UNTRACKED ! --ctstatus NONE"),
        XtCase(.ipv6, "conntrack", 2, conntrack2.u16(146, 0x4).address(0, "fd00::").address(16, "ffff::"),
               "-m conntrack --ctorigsrc fd00::/16"),
        XtCase(.ipv4, "state", 0, InfoBlob(size: 4).u32(0, 6), "-m state --state RELATED,ESTABLISHED"),
        XtCase(.ipv4, "state", 0, InfoBlob(size: 4).u32(0, 64), "-m state --state UNTRACKED"),
        XtCase(.ipv4, "recent", 0, InfoBlob(size: 216).u8(8, 2).string(10, "foo"), "-m recent --set --name foo --rsource"),
        XtCase(.ipv4, "multiport", 0, InfoBlob(size: 32).u8(0, 1).u8(1, 2).u16(2, 80).u16(4, 443),
               "-m multiport --dports 80,443"),
        XtCase(.ipv4, "set", 0, InfoBlob(size: 32).u16(0, 1).u32(4, 5).u32(8, 2), "-m set ! --match-set <ipset#1> src,dst"),
        XtCase(.ipv4, "set", 1, InfoBlob(size: 4).u16(0, 2).u8(2, 2).u8(3, 0x02), "-m set --match-set <ipset#2> src,dst"),
        XtCase(.ipv4, "set", 2, InfoBlob(size: 4).u8(2, 1).u8(3, 0x83),
               "-m set ! --match-set <ipset#0> src --return-nomatch"),
        XtCase(.ipv4, "set", 3, InfoBlob(size: 48).u8(2, 1).u8(8, 4).u64(16, 10).u8(24, 2).u64(32, 100),
               "-m set --match-set <ipset#0> dst --packets-gt 10 ! --bytes-eq 100"),
        XtCase(.ipv4, "DNAT", 0, compat.u32(4, 3).address(8, "10.0.0.1").address(12, "10.0.0.1").be16(16, 80)
                   .be16(18, 80), "-j DNAT --to-destination 10.0.0.1:80"),
        XtCase(.ipv6, "DNAT", 1, InfoBlob(size: 40).u32(0, 3).address(4, "fd00::1").address(20, "fd00::1")
                   .be16(36, 80).be16(38, 80), "-j DNAT --to-destination [fd00::1]:80"),
        XtCase(.ipv4, "SNAT", 2, InfoBlob(size: 48).u32(0, 0x23).address(4, "1.2.3.4").address(20, "1.2.3.4")
                   .be16(36, 1000).be16(38, 2000).be16(40, 5000), "-j SNAT --to-source 1.2.3.4:1000-2000/5000"),
        XtCase(.ipv6, "MASQUERADE", 0, InfoBlob(size: 40).u32(0, 2).be16(36, 1024).be16(38, 2048),
               "-j MASQUERADE --to-ports 1024-2048"),
        XtCase(.ipv4, "MARK", 0, InfoBlob(size: 8).u64(0, 0x10), "-j MARK --set-mark 0x10"),
        XtCase(.ipv4, "MARK", 1, InfoBlob(size: 16).u64(0, 0xFF).u8(8, 1), "-j MARK --and-mark 0xff"),
        XtCase(.ipv4, "MARK", 1, InfoBlob(size: 16).u64(0, 0x2).u8(8, 2), "-j MARK --or-mark 0x2"),
        XtCase(.ipv4, "CONNMARK", 1, InfoBlob(size: 16).u32(0, 1).u32(4, 0xFF), "-j CONNMARK --set-xmark 0x1/0xff"),
        XtCase(.ipv4, "NFQUEUE", 0, InfoBlob(size: 8).u16(0, 7), "-j NFQUEUE --queue-num 7"),
        XtCase(.ipv4, "NFQUEUE", 1, InfoBlob(size: 8).u16(0, 4).u16(2, 4), "-j NFQUEUE --queue-balance 4:7"),
        XtCase(.ipv4, "NFQUEUE", 2, InfoBlob(size: 8).u16(0, 1).u16(2, 1).u16(4, 1),
               "-j NFQUEUE --queue-num 1 --queue-bypass"),
        XtCase(.ipv4, "CT", 0, InfoBlob(size: 40).u16(2, 3), "-j CT --zone 3"),
        XtCase(.ipv4, "CT", 0, InfoBlob(size: 40).u16(0, 3), "-j CT"),
        XtCase(.ipv4, "CT", 1, InfoBlob(size: 72).string(28, "tcp-short"), "-j CT --timeout tcp-short"),
        XtCase(.ipv4, "NOTRACK", 0, InfoBlob(size: 0), "-j NOTRACK"),
        XtCase(.ipv4, "TPROXY", 0, InfoBlob(size: 16).u32(0, 1).u32(4, 1).address(8, "127.0.0.1").be16(12, 15001),
               "-j TPROXY --on-port 15001 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1"),
        XtCase(.ipv4, "socket", 1, InfoBlob(size: 8).u8(0, 3), "-m socket --transparent"),
        XtCase(.ipv4, "socket", 0, InfoBlob(size: 0), "-m socket"),
        XtCase(.ipv4, "hashlimit", 1,
               InfoBlob(size: 56).string(0, "old").u32(16, 4).u32(20, 2000).u32(24, 5).u32(36, 1000).u32(40, 1000)
                   .u8(44, 32).u8(45, 32),
               "-m hashlimit --hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-mode srcip --hashlimit-name old"),
        XtCase(.ipv6, "hashlimit", 2,
               InfoBlob(size: 304).string(0, "two").u64(256, 200_000).u64(264, 5).u32(272, 0x10).u32(284, 1000)
                   .u32(288, 1000).u8(292, 128).u8(293, 64),
               "-m hashlimit --hashlimit-above 5/sec --hashlimit-burst 5 --hashlimit-name two --hashlimit-dstmask 64"),
        XtCase(.ipv4, "ipvs", 0, InfoBlob(size: 40).u8(39, 1), "-m ipvs --ipvs"),
        XtCase(.ipv4, "ipvs", 0, InfoBlob(size: 40).u8(39, 1).u8(38, 1), "-m ipvs ! --ipvs"),
        XtCase(.ipv4, "ipvs", 0,
               InfoBlob(size: 40).address(0, "10.96.0.0").address(16, "255.240.0.0").be16(32, 80).u8(34, 6)
                   .u8(39, 0x3F).u8(38, 0x18),
               "-m ipvs --vproto 6 --vaddr 10.96.0.0/12 ! --vport 80 --vdir REPLY --vmethod MASQ"),
        XtCase(.ipv6, "ipvs", 0,
               InfoBlob(size: 40).address(0, "fd00::1").address(16, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
                   .u8(35, 3).be16(36, 21).u8(39, 0x65).u8(38, 0x20),
               "-m ipvs --vaddr fd00::1 ! --vmethod GATE --vportctl 21"),
        XtCase(.ipv4, "cgroup", 0, InfoBlob(size: 8).u32(0, 5).u32(4, 1), "-m cgroup ! --cgroup 5"),
        XtCase(.ipv4, "cgroup", 1, InfoBlob(size: 4112).u8(0, 1).string(4, "/kubepods/burstable"),
               #"-m cgroup --path "/kubepods/burstable""#),
    ]
}

/// Values iptables prints oddly or cannot print; the expected text is what this module chose (see the
/// rendering functions' comments), pinned so a change is deliberate.
enum EdgeCorpus {
    static let cases: [XtCase] = [
        XtCase(.ipv4, "icmp", 0, InfoBlob(size: 4).u8(0, 255).u8(2, 255), "-m icmp --icmp-type any"),
        XtCase(.ipv4, "tcp", 0, InfoBlob(size: 16).u16(2, 0xFFFF).u16(6, 0xFFFF).u8(9, 0xC2).u8(10, 0),
               "-m tcp --tcp-flags SYN,0xC0 NONE"),
        XtCase(.ipv4, "limit", 0, InfoBlob(size: 40).u32(4, 5), "-m limit --limit inf"),
        XtCase(.ipv4, "REJECT", 0, InfoBlob(size: 4).u32(0, 4), "-j REJECT --reject-with (null)"),
        XtCase(.ipv6, "REJECT", 0, InfoBlob(size: 4).u32(0, 99), "-j REJECT --reject-with (null)"),
        XtCase(.ipv4, "statistic", 0, InfoBlob(size: 24).u16(0, 7), "-m statistic"),
        XtCase(.ipv4, "multiport", 1, InfoBlob(size: 48).u8(0, 1).u8(1, 15).u8(32 + 14, 1),
               "-m multiport --dports 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"),
        XtCase(.ipv4, "addrtype", 1, InfoBlob(size: 8).u16(0, 0x8000), "-m addrtype --src-type "),
        XtCase(.ipv4, "CT", 2, InfoBlob(size: 72).u16(0, 3), "-j NOTRACK"),
        XtCase(.ipv4, "CONNMARK", 2, InfoBlob(size: 16).u8(12, 5).u8(13, 2), "-j CONNMARK --set-xmark 0x0/0x0 --shift-dir-5 2"),
    ]
}
