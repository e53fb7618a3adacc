/* The CHECK macro of the standalone C tests (the test/c/NAME_test.c files): counts every
 * check, reports each failure with its line and goes on. */
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
