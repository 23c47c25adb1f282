// glibc's allocator tuning (mallopt), for the `pledge` executable.
#include <malloc.h>
