/*
 * nft_floor: the floor for reading a ruleset. It lists the chains, then dumps the rules one chain at a time
 * (NFTA_RULE_TABLE + NFTA_RULE_CHAIN in the request, as iptables-nft-save does), parses each rule with
 * libnftnl and walks its expressions, printing only counts. Mode "whole" dumps every rule in one request
 * instead (the quadratic kernel path). Run inside the namespace: ip netns exec NS ./nft_floor [chain|whole]
 *
 * Written for nfscope's benchmarks; not part of the tool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>

#define BUFFER_SIZE (64 * 1024)

struct chain_ref { int family; char *table; char *name; };
struct state { struct chain_ref *chains; size_t count, capacity; long rules, expressions; };

static int chain_cb(const struct nlmsghdr *nlh, void *data) {
    struct state *state = data;
    struct nftnl_chain *chain = nftnl_chain_alloc();
    if (nftnl_chain_nlmsg_parse(nlh, chain) < 0) { nftnl_chain_free(chain); return MNL_CB_ERROR; }
    if (state->count == state->capacity) {
        state->capacity = state->capacity ? state->capacity * 2 : 1024;
        state->chains = realloc(state->chains, state->capacity * sizeof(*state->chains));
    }
    struct chain_ref *ref = &state->chains[state->count++];
    ref->family = nftnl_chain_get_u32(chain, NFTNL_CHAIN_FAMILY);
    ref->table = strdup(nftnl_chain_get_str(chain, NFTNL_CHAIN_TABLE));
    ref->name = strdup(nftnl_chain_get_str(chain, NFTNL_CHAIN_NAME));
    nftnl_chain_free(chain);
    return MNL_CB_OK;
}

static int expr_cb(struct nftnl_expr *expr, void *data) {
    struct state *state = data;
    (void)nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);
    state->expressions++;
    return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data) {
    struct state *state = data;
    struct nftnl_rule *rule = nftnl_rule_alloc();
    if (nftnl_rule_nlmsg_parse(nlh, rule) < 0) { nftnl_rule_free(rule); return MNL_CB_ERROR; }
    state->rules++;
    nftnl_expr_foreach(rule, expr_cb, state);
    nftnl_rule_free(rule);
    return MNL_CB_OK;
}

static int run_dump(struct mnl_socket *nl, char *buf, struct nlmsghdr *request, mnl_cb_t cb, struct state *state) {
    unsigned int portid = mnl_socket_get_portid(nl);
    unsigned int seq = request->nlmsg_seq;
    if (mnl_socket_sendto(nl, request, request->nlmsg_len) < 0) { perror("sendto"); return -1; }
    int ret;
    while ((ret = mnl_socket_recvfrom(nl, buf, BUFFER_SIZE)) > 0) {
        ret = mnl_cb_run(buf, ret, seq, portid, cb, state);
        if (ret <= MNL_CB_STOP) break;
    }
    if (ret < 0) { perror("dump"); return -1; }
    return 0;
}

int main(int argc, char **argv) {
    int whole = argc > 1 && strcmp(argv[1], "whole") == 0;
    struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) { perror("socket"); return 1; }
    int rcvbuf = 1 << 20;
    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    char *buf = malloc(BUFFER_SIZE);
    char request[4096];
    struct state state = {0};
    unsigned int seq = (unsigned int)time(NULL);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);

    if (whole) {
        struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(request, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, seq++);
        if (run_dump(nl, buf, nlh, rule_cb, &state) < 0) return 1;
    } else {
        struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(request, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, seq++);
        if (run_dump(nl, buf, nlh, chain_cb, &state) < 0) return 1;
        for (size_t i = 0; i < state.count; i++) {
            struct nftnl_rule *filter = nftnl_rule_alloc();
            nftnl_rule_set_str(filter, NFTNL_RULE_TABLE, state.chains[i].table);
            nftnl_rule_set_str(filter, NFTNL_RULE_CHAIN, state.chains[i].name);
            nlh = nftnl_nlmsg_build_hdr(request, NFT_MSG_GETRULE, state.chains[i].family, NLM_F_DUMP, seq++);
            nftnl_rule_nlmsg_build_payload(nlh, filter);
            nftnl_rule_free(filter);
            if (run_dump(nl, buf, nlh, rule_cb, &state) < 0) return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%s: %zu chains, %ld rules, %ld expressions in %.3f s\n", whole ? "whole" : "per-chain",
           state.count, state.rules, state.expressions, seconds);
    mnl_socket_close(nl);
    return 0;
}
