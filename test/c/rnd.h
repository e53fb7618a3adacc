/* A repeatable pseudo-random sequence (a 64-bit LCG's high bits) for the
 * standalone C tests that cut input at random places; seed `rng` to vary it. */
#ifndef ANTH_TEST_RND_H
#define ANTH_TEST_RND_H

static unsigned long rng = 0x9E3779B9UL;
static unsigned long rnd(void) {
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (rng >> 33) & 0x7FFFFFFFUL;
}

#endif
