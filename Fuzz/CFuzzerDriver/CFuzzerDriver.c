// CFuzzerDriver exists for its header: the driver itself is in libFuzzer.
