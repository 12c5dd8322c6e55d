/* rnnts_impl.c — the one implementation of rnnts.h that the tool's modules link against (each
   module includes the header for its declarations only). */
#define _POSIX_C_SOURCE 200809L
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
