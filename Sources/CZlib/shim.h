// zlib, for the gzip and deflate content codings (Debian: zlib1g-dev).
#include <zlib.h>
