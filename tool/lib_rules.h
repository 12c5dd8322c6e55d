/* lib_rules.h — copies, in the tool, of rules that belong to the library (rnnts.h): how a model's
   metadata maps N to a readout head, the parameter checksum, and how a checkpoint's configuration
   is compared with the one flags describe. They live here, one function each, so that each can be
   replaced by a library API in one place. Implemented in lib_rules.c.
   (Other copies: the JSON readers st_header.c and runlog.c, and the enum-name ternaries listed in
   the commit that created this file.) */
#ifndef RNNTS_TOOL_LIB_RULES_H
#define RNNTS_TOOL_LIB_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "../rnnts.h"

/* Parses a metadata "ns" string ("2,3,4"); returns the count (0 when empty or malformed). */
int parse_ns(const char *s, int *ns, int max);
/* The parameter checksum: XXH3-64 of the parameters as little-endian float32 bytes. */
uint64_t param_checksum(const rnnts_rnn *net);
/* The head that reads out N by the model's metadata (curriculum, ns); -1 with a reason in why. */
int head_for(const rnnts_rnn *net, int N, char *why, size_t cap);
/* The first difference between a checkpoint's configuration (net, have) and the one the flags
   describe (want_rc, want_tc), into why; 0 when they agree. */
int config_differs(const rnnts_rnn_config *want_rc, const rnnts_train_config *want_tc, const rnnts_rnn *net,
                   const rnnts_train_config *have, char *why, size_t cap);

#endif /* RNNTS_TOOL_LIB_RULES_H */
