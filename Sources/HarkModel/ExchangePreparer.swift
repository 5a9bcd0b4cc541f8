/// Work an observer has done on each exchange ahead of time, on the thread that analysed the
/// exchange's connection, so that the thread calling the observer (which calls it for every
/// connection, in one order) only has to use the result.
///
/// When connections are analysed on worker threads (`SessionConfiguration.analysisThreads` > 1),
/// `CaptureSession` calls `prepare(_:)` on the worker for each complete exchange and gives the result
/// to `SessionObserver.exchange(_:prepared:)`; with one thread it never calls it, and the observer
/// gets nil. Whatever the observer makes of a prepared exchange must therefore be exactly what it makes
/// of the exchange without one.
///
/// What `prepare(_:)` sees is the exchange before the session numbered it and linked it to other hops:
/// its `id`, `upstream` and `downstream` are not final. The session passes nil instead of the
/// result for an exchange it then links to another hop (`upstream` or `downstream` set); a preparer
/// must not use `id`.
///
/// ### Example
/// ```swift
/// struct LinePreparer: ExchangePreparer {
///     func prepare(_ exchange: Exchange) -> (any Sendable)? {
///         "\(exchange.request.method) \(exchange.request.target)"
///     }
/// }
/// ```
public protocol ExchangePreparer: Sendable {
    /// What the observer will want of `exchange`, or nil to leave it all to `exchange(_:prepared:)`.
    /// Called on worker threads, several at once: it must not touch shared mutable state (a
    /// thread-safe counter, such as a budget of memory, aside).
    func prepare(_ exchange: Exchange) -> (any Sendable)?
}
