/* What the C unit tests share: CHECK(cond) counts a check and reports a
 * failed one (file:line and the condition) without stopping the test. */
#ifndef ANTH_TEST_CHECK_H
#define ANTH_TEST_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        checks++;                                                                    \
        if (!(cond)) {                                                               \
            failures++;                                                              \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#endif
