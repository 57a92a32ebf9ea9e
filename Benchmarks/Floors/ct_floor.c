/* The C floor for `nfscope conntrack list`: dump the whole conntrack table of the current network namespace
 * through libnetfilter_conntrack and do nothing with the entries but count them. Whatever nfscope spends
 * above this is its own cost (decoding, filtering, formatting, writing).
 *
 * Build: cc -O2 -o ct_floor ct_floor.c -lnetfilter_conntrack   (Benchmarks/build-floors.sh)
 * Run:   ip netns exec NS ./ct_floor            prints the entry count on stderr
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

static int count_entry(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	(void)type;
	(void)ct;
	++*(unsigned long *)data;
	return NFCT_CB_CONTINUE;
}

int main(void)
{
	struct nfct_handle *handle = nfct_open(CONNTRACK, 0);
	if (handle == NULL) {
		perror("nfct_open");
		return 1;
	}
	unsigned long entries = 0;
	nfct_callback_register(handle, NFCT_T_ALL, count_entry, &entries);
	unsigned int family = AF_UNSPEC;
	if (nfct_query(handle, NFCT_Q_DUMP, &family) < 0) {
		perror("nfct_query(NFCT_Q_DUMP)");
		nfct_close(handle);
		return 1;
	}
	nfct_close(handle);
	fprintf(stderr, "%lu entries\n", entries);
	return 0;
}
