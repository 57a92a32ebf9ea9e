#ifndef NFSCOPE_CPREFETCH_H
#define NFSCOPE_CPREFETCH_H
/* A cache hint Swift has no spelling for: the compiled matcher asks for the cache lines of a chain it is
   about to jump to while it finishes the current rule, so the misses of a large ruleset overlap instead of
   following one another. A hint only: it never faults and changes no result. */
static inline void nfscope_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
