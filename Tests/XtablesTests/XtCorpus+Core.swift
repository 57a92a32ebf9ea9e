import NetCore

/// Cases for the extensions kube-proxy's iptables mode writes. Expected text: iptables-nft-save 1.8.9.
enum CoreCorpus {
    static let comment = InfoBlob(size: 256)
    static let statistic = InfoBlob(size: 24)
    static let conntrack3 = InfoBlob(size: 168)
    static let recent1 = InfoBlob(size: 232)
    static let range2 = InfoBlob(size: 48)
    static let compat = InfoBlob(size: 24).u32(0, 1)

    static let cases: [XtCase] = [
        XtCase(.ipv4, "comment", 0, comment.string(0, "kube-system/kube-dns:dns cluster IP"),
               #"-m comment --comment "kube-system/kube-dns:dns cluster IP""#),
        XtCase(.ipv4, "comment", 0, comment.string(0, #"a "quoted" it's"#),
               #"-m comment --comment "a \"quoted\" it\'s""#),
        XtCase(.ipv4, "comment", 0, comment.string(0, "plain_word-1"), "-m comment --comment plain_word-1"),
        XtCase(.ipv4, "statistic", 0, statistic.u32(4, 715_827_883),
               "-m statistic --mode random --probability 0.33333333349"),
        XtCase(.ipv4, "statistic", 0, statistic.u16(2, 1).u32(4, 0x4000_0000),
               "-m statistic --mode random ! --probability 0.50000000000"),
        XtCase(.ipv4, "statistic", 0, statistic.u16(0, 1).u32(4, 2).u32(8, 1).u32(12, 1),
               "-m statistic --mode nth --every 3 --packet 1"),
        XtCase(.ipv4, "statistic", 0, statistic.u16(0, 1).u32(4, 2).u32(12, 2),
               "-m statistic --mode nth --every 3 --packet 0"),
        XtCase(.ipv4, "addrtype", 1, InfoBlob(size: 8).u16(2, 4), "-m addrtype --dst-type LOCAL"),
        XtCase(.ipv4, "addrtype", 1, InfoBlob(size: 8).u16(0, 12).u32(4, 5),
               "-m addrtype ! --src-type LOCAL,BROADCAST --limit-iface-in"),
        XtCase(.ipv4, "conntrack", 3, conntrack3.u16(146, 1).u16(150, 6),
               "-m conntrack --ctstate RELATED,ESTABLISHED"),
        XtCase(.ipv4, "conntrack", 3, conntrack3.u16(146, 0x2001).u16(150, 9), "-m state --state INVALID,NEW"),
        XtCase(.ipv4, "conntrack", 3,
               conntrack3.address(0, "10.0.0.0").address(16, "255.0.0.0")
                   .address(32, "1.2.3.4").address(48, "255.255.255.255")
                   .u32(128, 5).u32(132, 10).u16(136, 6).u16(140, 80).u16(156, 90)
                   .u16(146, 0x12CF).u16(148, 0x1001).u16(150, 128).u16(152, 4),
               "-m conntrack ! --ctstate DNAT --ctproto 6 --ctorigsrc 10.0.0.0/8 --ctorigdst 1.2.3.4"
                   + " --ctorigdstport 80:90 --ctstatus ASSURED --ctexpire 5:10 --ctdir REPLY"),
        XtCase(.ipv4, "recent", 1,
               recent1.u32(0, 10800).u8(8, 33).string(10, "KUBE-SEP-XXX").address(212, "255.255.255.255"),
               "-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-XXX --mask 255.255.255.255 --rsource"),
        XtCase(.ipv4, "recent", 1,
               recent1.u8(8, 2).string(10, "KUBE-SEP-XXX").u8(210, 1).address(212, "255.255.255.0"),
               "-m recent --set --name KUBE-SEP-XXX --mask 255.255.255.0 --rdest"),
        XtCase(.ipv4, "REJECT", 0, InfoBlob(size: 4).u32(0, 7), "-j REJECT --reject-with tcp-reset"),
        XtCase(.ipv4, "REJECT", 0, InfoBlob(size: 4).u32(0, 3), "-j REJECT --reject-with icmp-port-unreachable"),
        XtCase(.ipv4, "REJECT", 0, InfoBlob(size: 4).u32(0, 6), "-j REJECT --reject-with icmp-host-prohibited"),
        XtCase(.ipv4, "DNAT", 2,
               range2.u32(0, 3).address(4, "10.42.0.5").address(20, "10.42.0.5").be16(36, 9090).be16(38, 9090),
               "-j DNAT --to-destination 10.42.0.5:9090"),
        XtCase(.ipv4, "DNAT", 2,
               range2.u32(0, 15).address(4, "10.42.0.5").address(20, "10.42.0.9").be16(36, 9090).be16(38, 9095),
               "-j DNAT --to-destination 10.42.0.5-10.42.0.9:9090-9095 --random --persistent"),
        XtCase(.ipv4, "DNAT", 2, range2.u32(0, 1).address(4, "10.42.0.5").address(20, "10.42.0.5"),
               "-j DNAT --to-destination 10.42.0.5"),
        XtCase(.ipv4, "MARK", 2, InfoBlob(size: 8).u32(0, 0x4000).u32(4, 0x4000), "-j MARK --set-xmark 0x4000/0x4000"),
        XtCase(.ipv4, "MARK", 2, InfoBlob(size: 8).u32(0, 0x4000).u32(4, 0xFFFF_FFFF),
               "-j MARK --set-xmark 0x4000/0xffffffff"),
        XtCase(.ipv4, "REDIRECT", 0, compat.u32(4, 2).be16(16, 15001).be16(18, 15001),
               "-j REDIRECT --to-ports 15001"),
        XtCase(.ipv4, "MASQUERADE", 0, compat.u32(4, 16), "-j MASQUERADE --random-fully"),
        XtCase(.ipv4, "SNAT", 0,
               compat.u32(4, 3).address(8, "1.2.3.4").address(12, "1.2.3.4").be16(16, 1000).be16(18, 2000),
               "-j SNAT --to-source 1.2.3.4:1000-2000"),
        XtCase(.ipv4, "SNAT", 0, compat.u32(4, 1).address(8, "1.2.3.4").address(12, "1.2.3.5"),
               "-j SNAT --to-source 1.2.3.4-1.2.3.5"),
    ]
}
