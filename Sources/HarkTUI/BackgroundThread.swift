import Glibc

/// Runs a closure on a new detached POSIX thread with an 8 MiB stack. Foundation's `Thread` would do,
/// but linking Foundation into `hark` costs every command about 12 M instructions of dynamic linking
/// and conformance scanning at start-up (measured with callgrind), so the UI uses pthreads directly.
enum BackgroundThread {
    private final class Work {
        let body: @Sendable () -> Void

        init(_ body: @escaping @Sendable () -> Void) {
            self.body = body
        }
    }

    /// Starts `body`; runs it on this thread when no thread can be made.
    static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Work(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 8 << 20)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        if created != 0 {
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
        }
    }
}
