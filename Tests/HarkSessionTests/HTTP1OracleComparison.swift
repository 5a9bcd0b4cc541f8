import Foundation
import HarkCore
import HarkModel
import HarkTestSupport

/// The HTTP/1 messages of one TCP stream, as tshark lists them or as hark found them.
struct StreamMessages: Equatable, CustomStringConvertible {
    /// `METHOD url`, in order.
    var requests: [String] = []
    /// Status codes in order, interim ones included (tshark lists `100 Continue` as a response).
    var responses: [String] = []

    var description: String { "requests \(requests) responses \(responses)" }
}

enum HTTP1OracleComparison {
    /// tshark's view: `*.oracle.tsv` rows grouped by `tcp.stream`, comma-joined values split apart.
    static func tshark(_ capture: URL) throws -> [Int: StreamMessages] {
        let oracle = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle"))
        var streams: [Int: StreamMessages] = [:]
        for row in oracle.rows {
            guard let stream = Int(row["tcp.stream"] ?? "") else { continue }
            let methods = split(row["http.request.method"])
            let uris = splitURIs(row["http.request.full_uri"])
            for (index, method) in methods.enumerated() {
                streams[stream, default: StreamMessages()].requests.append("\(method) \(index < uris.count ? uris[index] : "")")
            }
            streams[stream, default: StreamMessages()].responses += split(row["http.response.code"])
        }
        return streams
    }

    /// hark's view of the same, from its exchanges. URLs follow tshark's `full_uri` convention
    /// (packet-http.c): empty for a request without a Host header (hark's own URLs fall back to the
    /// server address), the target as sent for CONNECT.
    static func hark(_ exchanges: [Exchange]) -> [Int: StreamMessages] {
        var streams: [Int: StreamMessages] = [:]
        let ordered = exchanges.sorted {
            ($0.connection.id, $0.indexOnConnection) < ($1.connection.id, $1.indexOnConnection)
        }
        // tshark's HTTP/1 oracle does not list HTTP/2 streams (after an h2c upgrade); HTTP2CorpusTests does.
        for exchange in ordered where exchange.applicationProtocol == .http1 {
            let stream = exchange.connection.id
            let isPlaceholder = exchange.request.isPlaceholder
            if !isPlaceholder {
                let request = exchange.request
                let url = request.headers.first("Host") == nil ? "" : request.url(server: exchange.connection.server)
                streams[stream, default: StreamMessages()].requests.append("\(request.method) \(url)")
            }
            for interim in exchange.interimResponses {
                streams[stream, default: StreamMessages()].responses.append(String(interim.status.rawValue))
            }
            if let response = exchange.response, response.status != .absent {
                streams[stream, default: StreamMessages()].responses.append(String(response.status.rawValue))
            }
        }
        return streams
    }

    private static func split(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.components(separatedBy: ",")
    }

    /// Splits comma-joined `full_uri` values; URLs may hold commas themselves
    /// (`/home/0,7340,L-8,00.html`), but each value starts with `http://` or `https://`, so a piece that
    /// does not belongs to the URL before it.
    static func splitURIs(_ value: String?) -> [String] {
        var uris: [String] = []
        for piece in split(value) {
            if let last = uris.last, !piece.hasPrefix("http://"), !piece.hasPrefix("https://") {
                uris[uris.count - 1] = last + "," + piece
            } else {
                uris.append(piece)
            }
        }
        return uris
    }
}
