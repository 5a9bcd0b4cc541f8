import HarkModel
import HarkTLS

extension TLSSummary {
    /// The output-neutral summary of what a TLS analyzer learnt; `keyLogIsEmpty` and `keyLogPaths`
    /// (the key logs given) word the reason when there were no keys to try.
    init(_ session: TLSSessionInfo, keyLogIsEmpty: Bool, keyLogPaths: [String]) {
        let reason: String?
        switch session.decryption {
        case .decrypted: reason = nil
        case .pending: reason = "the handshake did not complete in the capture"
        case .noKeys where keyLogIsEmpty && keyLogPaths.isEmpty: reason = "no key log given (use --keylog)"
        case .noKeys where keyLogIsEmpty:
            reason = "the key log given (\(keyLogPaths.joined(separator: ", "))) holds no usable line"
        case .noKeys: reason = "no key for this session in the key log"
        case .unsupportedCipher(let suite): reason = "cipher suite \(suite) is not decrypted"
        case .unsupportedVersion(let version): reason = "\(version) is not decrypted"
        case .failed(let failure): reason = failure.description
        }
        self.init(
            version: session.version?.description ?? "",
            cipherSuite: session.cipherSuite?.description ?? "",
            serverName: session.serverName,
            offeredALPN: session.offeredALPN,
            alpn: session.alpn,
            resumed: session.resumed,
            clientHelloTime: session.clientHelloTime,
            handshakeCompletedTime: session.handshakeCompletedTime,
            notDecryptedReason: reason
        )
    }
}
