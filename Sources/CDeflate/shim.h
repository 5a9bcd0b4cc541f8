// libdeflate, for decoding a whole gzip body in one call (Debian: libdeflate-dev).
#include <libdeflate.h>
