#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Ends a live run the way the end of a file ends a file's: on SIGINT (Ctrl-C) or SIGTERM, or when
/// the program asks (the command it watches has exited), live captures stop reading, deliver what the
/// kernel still holds, and report the end of their input, so every open connection is closed and every
/// output is complete.
///
/// The signal handler only sets a flag and writes a byte to a pipe (both async-signal-safe); live
/// captures wait on the pipe's read end beside their packets, and read the flag between waits. The handler is installed with `SA_RESETHAND`: a second Ctrl-C
/// kills hark at once, for when ending cleanly takes too long.
public enum StopSignal {
    /// The pipe's descriptors, set once by `install()`; -1 before.
    nonisolated(unsafe) private static var readDescriptor: Int32 = -1

    /// Installs the handlers for SIGINT and SIGTERM (once; later calls do nothing).
    public static func install() {
        guard readDescriptor < 0 else { return }
        // The flag exists before a handler can use it (a global is made on its first use).
        _ = stopRequested.load(ordering: .relaxed)
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        stopWriteDescriptor = descriptors[1]
        readDescriptor = descriptors[0]
        for signalNumber in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = requestStopFromSignal
            #else
            action.__sigaction_u.__sa_handler = requestStopFromSignal
            #endif
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(signalNumber, &action, nil)
        }
        // A parent may have blocked them (test runners do), and children inherit the mask.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGINT)
        sigaddset(&unblocked, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// The descriptor that becomes readable once a stop was requested (-1 before `install()`), for
    /// `poll` beside a capture's own.
    public static var descriptor: Int32 { readDescriptor }

    /// Whether a stop was requested. A flag, not a `poll` of the pipe: a live read asks after every
    /// NFLOG message or ring block, and that `poll` was one of the two system calls per message besides
    /// its `recv`.
    public static var isRequested: Bool {
        stopRequested.load(ordering: .acquiring)
    }

    /// Asks every live capture to stop, as Ctrl-C does (for the end of a watched command).
    public static func request() {
        requestStopFromSignal(0)
    }
}

/// The pipe's write end, read by the signal handler (a C function cannot capture state).
nonisolated(unsafe) private var stopWriteDescriptor: Int32 = -1

/// Whether a stop was requested: set once, never cleared, as the pipe's byte is never read.
private let stopRequested = Atomic<Bool>(false)

/// The signal handler: sets the flag and writes one byte to the pipe, nothing else.
private func requestStopFromSignal(_ signal: Int32) {
    stopRequested.store(true, ordering: .releasing)
    var byte: UInt8 = 1
    _ = write(stopWriteDescriptor, &byte, 1)
}
