/* alias.h: drawing from a fixed discrete distribution in O(1) by Walker's
 * alias method (Vose's construction): the negatives of BPR, its fold-in
 * and item2vec. */
#ifndef RS_ALIAS_H
#define RS_ALIAS_H
#include <stdint.h>

/* The table for the weights w[0..n) (>= 0, not all 0; n >= 1): slot i
 * keeps i with probability prob[i], else gives alias[i].  Each slot is
 * chosen with probability 1/n.  prob and alias hold n entries. */
void rs_alias_build(const double *w, uint32_t n, double *prob, uint32_t *alias);

/* The table packed for drawing with one 64-bit random number (8 bytes a
 * slot, so a draw touches one cache line). */
typedef struct rs_alias { float p; uint32_t alias; } rs_alias;

/* The packed table for w[0..n) (n + 1 entries, to free). */
rs_alias *rs_alias_new(const double *w, uint32_t n);

/* The slot the random number x looks at (to prefetch it). */
static inline uint32_t rs_alias_column(uint32_t n, uint64_t x)
{
    return (uint32_t)(((unsigned __int128)x * n) >> 64);
}

/* The index drawn with the random number x. */
static inline uint32_t rs_alias_draw(const rs_alias *t, uint32_t n, uint64_t x)
{
    uint32_t col = rs_alias_column(n, x);
    /* The low bits, which the column hardly depends on, make the coin. */
    float coin = (float)(x & 0xffffffu) * 0x1.0p-24f;
    rs_alias a = t[col];
    return coin < a.p ? col : a.alias;
}

#endif
