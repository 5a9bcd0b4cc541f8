import Glibc
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import NIOCore
import HarkStore

/// Copy as curl, save a body, export HAR.
extension TUIModel {
    /// The selected (or shown) exchange, read back whole.
    private var currentExchange: Exchange? {
        if screen == .detail, let detailExchange { return detailExchange }
        return selectedID.flatMap { store.exchange(id: $0) }
    }

    /// Puts the request as a curl command on the clipboard through OSC 52 (the terminal, even over ssh,
    /// sets its clipboard) and shows it.
    func copyCurl() {
        guard let exchange = currentExchange else { return }
        let command = CurlCommand.make(exchange)
        terminalOutput.append("\u{1B}]52;c;" + Base64.encode(Array(command.utf8)) + "\u{07}")
        message = "copied (OSC 52): " + command
    }

    func askSaveBody(response: Bool) {
        guard let exchange = currentExchange else { return }
        let which = response ? "response" : "request"
        prompt = Prompt(
            purpose: .saveBody(exchangeID: exchange.id, response: response),
            label: "save the \(which) body of #\(exchange.id) to: ", text: "hark-\(exchange.id)-\(which).body"
        )
    }

    /// `all`: the marked rows, or every shown row when none is marked; else the selected exchange.
    func askExport(all: Bool) {
        let ids: [Int]
        if all {
            ids = marks.isEmpty ? visible : visible.filter { marks.contains($0) }
        } else {
            ids = (screen == .detail ? detailID : selectedID).map { [$0] } ?? []
        }
        guard !ids.isEmpty else {
            message = "nothing to export"
            return
        }
        let what = all ? (marks.isEmpty ? "\(ids.count) shown" : "\(ids.count) marked") : "exchange #\(ids[0])"
        prompt = Prompt(purpose: .exportHAR(ids: ids), label: "export \(what) as HAR to: ", text: "hark-export.har")
    }

    /// Writes a body's content (decoded when it was content-encoded) to `path`.
    func saveBody(id: Int, response: Bool, to path: String) {
        guard let exchange = store.exchange(id: id) else {
            message = "exchange \(id) is no longer kept"
            return
        }
        guard let body = response ? exchange.response?.body : exchange.request.body else {
            message = "no response body"
            return
        }
        do {
            let sink = try Self.create(path)
            defer { close(sink.fileDescriptor) }
            var chunks = body.content.chunks()
            while let chunk = try chunks.next() {
                try chunk.withUnsafeReadableBytes { try sink.write($0) }
            }
            message = "saved \(ByteCountFormat.short(Int64(body.content.count))) to \(path)"
        } catch {
            message = "cannot save: \(error)"
        }
    }

    /// Writes the exchanges as a HAR 1.2 file, in start order, bodies included.
    func exportHAR(ids: [Int], to path: String) {
        do {
            let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "0.1.0")))
            var written = 0
            for id in ids {
                guard let exchange = store.exchange(id: id) else { continue }
                try spool.add(HAREntry(exchange: exchange))
                written += 1
            }
            let sink = try Self.create(path)
            defer { close(sink.fileDescriptor) }
            try spool.finish(to: sink)
            message = "exported \(written) exchanges to \(path)" + (written < ids.count ? " (\(ids.count - written) no longer kept)" : "")
        } catch {
            message = "cannot export: \(error)"
        }
    }

    private static func create(_ path: String) throws -> FileDescriptorSink {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ActionError(path: path, errno: errno) }
        return FileDescriptorSink(fileDescriptor: descriptor)
    }
}

/// A file an action could not create.
struct ActionError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32

    var description: String { "\(path): \(String(cString: strerror(errno)))" }
}
