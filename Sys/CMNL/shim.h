#ifndef NFSCOPE_CMNL_SHIM_H
#define NFSCOPE_CMNL_SHIM_H
/* glibc's socket headers first: <linux/...> headers pulled in after them reuse glibc's in_addr (clang-module ODR). */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* glibc hides setns() and CLONE_NEWNET behind _GNU_SOURCE. */
extern int setns(int fd, int nstype);
static const int CMNL_CLONE_NEWNET = 0x40000000;

/* MNL_SOCKET_BUFFER_SIZE is a sysconf() expression Swift cannot import. */
static inline size_t cmnl_socket_buffer_size(void) { return MNL_SOCKET_BUFFER_SIZE; }

#endif
