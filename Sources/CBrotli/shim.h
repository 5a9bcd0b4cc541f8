// The brotli decoder, for the br content coding (Debian: libbrotli-dev).
#include <brotli/decode.h>
