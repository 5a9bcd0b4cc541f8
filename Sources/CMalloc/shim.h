// glibc's allocator tuning (mallopt and its M_* parameters), for the hark executable.
#include <malloc.h>
