/* Fills the conntrack table of the current network namespace with N synthetic UDP and TCP entries
 * (timeout 3600 s) through ctnetlink, for the conntrack benchmark. Not a benchmark itself.
 *
 * Build: cc -O2 -o ct_fill ct_fill.c -lnetfilter_conntrack   (Benchmarks/build-floors.sh)
 * Run:   ip netns exec NS ./ct_fill COUNT [FIRST]     entries FIRST..FIRST+COUNT-1 (FIRST defaults to 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

int main(int argc, char **argv)
{
	long total = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	long first = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	struct nfct_handle *handle = nfct_open(CONNTRACK, 0);
	if (handle == NULL) {
		perror("nfct_open");
		return 1;
	}
	struct nf_conntrack *ct = nfct_new();
	for (long index = first; index < first + total; index++) {
		uint32_t client = htonl(0x0a000000u | (uint32_t)(index & 0xffffff));
		uint32_t server = htonl(0x0a2b0000u | (uint32_t)(index % 250));
		uint16_t sport = htons((uint16_t)(1024 + index % 60000));
		uint16_t dport = htons((uint16_t)(index % 2 ? 443 : 53));
		uint8_t proto = index % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
		nfct_set_attr_u32(ct, ATTR_IPV4_SRC, client);
		nfct_set_attr_u32(ct, ATTR_IPV4_DST, server);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, server);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, client);
		nfct_set_attr_u8(ct, ATTR_L4PROTO, proto);
		/* the reply tuple carries its own protocol numbers, or libnfct leaves out its addresses */
		nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
		nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, proto);
		nfct_set_attr_u16(ct, ATTR_PORT_SRC, sport);
		nfct_set_attr_u16(ct, ATTR_PORT_DST, dport);
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, dport);
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, sport);
		if (proto == IPPROTO_TCP)
			nfct_set_attr_u8(ct, ATTR_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
		nfct_set_attr_u32(ct, ATTR_TIMEOUT, 3600);
		nfct_set_attr_u32(ct, ATTR_MARK, (uint32_t)(index % 4));
		if (nfct_query(handle, NFCT_Q_CREATE, ct) < 0) {
			perror("nfct_query(NFCT_Q_CREATE)");
			return 1;
		}
	}
	nfct_destroy(ct);
	nfct_close(handle);
	return 0;
}
