/// The timeline page: one HTML document with its style and script inside (no file, CDN or font is
/// fetched), served by `hark web` and written whole, with the data inside, by `hark timeline`.
///
/// The page is hand-written HTML, CSS and JavaScript drawing on canvas (`Page/`): npm is not
/// reachable, the Debian JS libraries (d3, Chart.js) draw SVG charts, not a 250,000-packet timeline at
/// 30 frames per second, and one self-contained file must open offline. The files are compiled into
/// the binary (`embedInCode`), so an installed `hark` needs nothing beside it.
///
/// Capture text never becomes markup: the data rides in a `<script type="application/json">` element
/// with every `<` written as `\u003c` (so no `</script>` can end it), and the script puts text on the
/// page through `textContent` and canvas `fillText` only. A Content-Security-Policy allows the page's
/// own script (by nonce) and nothing else: no other script, no network but the server itself when
/// served, none at all in a report.
public enum TimelinePage {
    /// Where the page gets its data.
    public enum Mode: Sendable {
        /// From the `hark web` server that serves it (`/api/…` with the token of its own URL).
        case served
        /// From the JSON document inside it: a report that opens offline.
        case report(json: [UInt8])
    }

    /// The Content-Security-Policy for a page with `nonce`.
    public static func contentSecurityPolicy(nonce: String, mode: Mode) -> String {
        let connect: String
        switch mode {
        case .served: connect = "'self'"
        case .report: connect = "'none'"
        }
        return "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src data:; "
            + "connect-src \(connect); base-uri 'none'; form-action 'none'"
    }

    /// The whole HTML document.
    ///
    /// - Parameters:
    ///   - mode: served, or a report with its JSON document.
    ///   - nonce: a fresh random value for the page's script and style.
    public static func html(mode: Mode, nonce: String) -> [UInt8] {
        let template = PackageResources.timeline_html
        var output: [UInt8] = []
        output.reserveCapacity(
            template.count + PackageResources.filter_js.count + PackageResources.model_js.count
                + PackageResources.timeline_js.count
                + PackageResources.timeline_css.count + 64
        )
        var index = 0
        while index < template.count {
            guard template[index] == UInt8(ascii: "{"), index + 1 < template.count, template[index + 1] == UInt8(ascii: "{"),
                let close = closing(in: template, from: index + 2)
            else {
                output.append(template[index])
                index += 1
                continue
            }
            let name = String(decoding: template[(index + 2)..<close], as: UTF8.self)
            switch name {
            case "CSP": output += Array(contentSecurityPolicy(nonce: nonce, mode: mode).utf8)
            case "NONCE": output += Array(nonce.utf8)
            case "STYLE": output += PackageResources.timeline_css
            case "SCRIPT":
                output += PackageResources.filter_js
                output.append(UInt8(ascii: "\n"))
                output += PackageResources.model_js
                output.append(UInt8(ascii: "\n"))
                output += PackageResources.timeline_js
            case "DATA":
                switch mode {
                case .served: output += Array("null".utf8)
                case .report(let json): appendScriptSafe(json, to: &output)
                }
            default: output += template[index..<(close + 2)]
            }
            index = close + 2
        }
        return output
    }

    /// The index of the `}}` that closes a placeholder opened before `start`, when it follows within a
    /// placeholder name's length.
    private static func closing(in template: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < template.count, index < start + 16 {
            if template[index] == UInt8(ascii: "}"), template[index + 1] == UInt8(ascii: "}") { return index }
            index += 1
        }
        return nil
    }

    /// Appends JSON so that it cannot end the `<script>` element holding it: `<` only occurs inside JSON
    /// strings, where `\u003c` means the same.
    static func appendScriptSafe(_ json: [UInt8], to output: inout [UInt8]) {
        for byte in json {
            if byte == UInt8(ascii: "<") {
                output += Array("\\u003c".utf8)
            } else {
                output.append(byte)
            }
        }
    }
}
