#ifndef C_FUZZER_DRIVER_H
#define C_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt `FuzzerInterface.h`). SwiftPM names an executable's `main` after its
/// module, so the fuzz executable's entry point calls this instead of relying on libFuzzer's `main`.
/// Defined only when linked with `-sanitize=fuzzer` (see `Scripts/fuzz`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
