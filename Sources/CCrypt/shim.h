#include <crypt.h>

/// The size `crypt_rn` needs for its work area: `struct crypt_data` is 32 KiB of char arrays that
/// Swift would import as tuples of tens of thousands of elements, so Swift asks C for the size.
static inline int CCrypt_dataSize(void) {
    return (int)sizeof(struct crypt_data);
}
