#ifndef NFSCOPE_CNETFILTERCONNTRACK_SHIM_H
#define NFSCOPE_CNETFILTERCONNTRACK_SHIM_H
/* Order matters: glibc socket headers first (in_addr ODR), then the kernel's nfnetlink.h before
   libnetfilter_conntrack pulls libnfnetlink's older copy under the same include guard. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#endif
