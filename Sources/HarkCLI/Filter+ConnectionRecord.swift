import HarkFilter
import HarkModel
import HarkReassembly
import HarkSession

extension Filter {
    /// Whether a finished connection satisfies the filter.
    func matches(_ connection: ConnectionRecord) -> Bool {
        let info = connection.summary.info
        return matches(
            ConnectionContext(id: info.id, client: info.client, server: info.server),
            applicationProtocol: connection.applicationProtocol
        )
    }
}
