import Foundation
import HarkCore
import HarkHAR
import HarkTestSupport
import NIOCore
import Testing

/// Runs `Scripts/validate-har` (python3 + jsonschema against `Tests/Schemas/har-1.2.schema.json`) on
/// written documents.
struct ValidateHARScriptTests {
    static let validatorAvailable = HARValidator.isAvailable

    static func validate(_ document: [UInt8]) throws -> (status: Int32, errors: String) {
        try HARValidator.validate(document)
    }

    @Test(.enabled(if: validatorAvailable, "python3 with the jsonschema package is not installed"))
    func writtenDocumentsAreValid() throws {
        var tricky = HARTestDocuments.postEntry
        tricky.timings = HARTimings(blocked: .nan, send: -1, wait: .infinity, receive: 0.0001)
        tricky.response.headers.append(HARHeader(name: "X-\u{01}", value: "\u{00}\"\\\u{1F}"))
        tricky.request.postData = HARPostData(mimeType: "application/octet-stream", text: HARBody(BodyStorage(ByteBuffer(bytes: [0xFF]))))
        let entries = [HARTestDocuments.getEntry, HARTestDocuments.postEntry, tricky]
        for configuration in [HARWriter.Configuration(), .init(pretty: true, redaction: .chromeSanitized)] {
            let result = try Self.validate(try HARTestDocuments.write(entries, configuration: configuration))
            #expect(result.status == 0, "\(result.errors)")
        }
        let empty = try HARWriter.document(HARLog(creator: HARTestDocuments.creator))
        #expect(try Self.validate(empty).status == 0)
    }

    @Test(.enabled(if: validatorAvailable, "python3 with the jsonschema package is not installed"))
    func brokenDocumentsAreRejectedWithEachViolationListed() throws {
        var text = String(decoding: try HARTestDocuments.write([HARTestDocuments.getEntry]), as: UTF8.self)
        text = text.replacingOccurrences(of: #""wait":20.125,"#, with: "")
        text = text.replacingOccurrences(of: #""statusText":"OK""#, with: #""statusText":null"#)
        text = text.replacingOccurrences(of: #""redirectURL""#, with: #""redirectUrl""#)
        let result = try Self.validate(Array(text.utf8))
        #expect(result.status == 1)
        #expect(result.errors.contains("$.log.entries[0].timings: 'wait' is a required property"))
        #expect(result.errors.contains("$.log.entries[0].response.statusText: null is not of type \"string\""))
        #expect(result.errors.contains("'redirectUrl' does not match any of the regexes: '^_'"))
        #expect(result.errors.contains("$.log.entries[0].time: 23.875 is not the sum of the timings"))
        #expect(try Self.validate(Array("{\"log\":".utf8)).status == 1)
    }
}
