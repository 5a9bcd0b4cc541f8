public import Foundation

/// Records both hops of a PHP site on loopback: curl → nginx (HTTP/1.1) and nginx → PHP-FPM (FastCGI,
/// kept alive with `fastcgi_keep_conn` and an upstream `keepalive` pool), tcpdump capturing both ports.
///
/// The scripts are `Tests/Fixtures/loopback/php/*.php`: a GET, a POST echoing its body with `201`, a
/// redirect, one writing to stderr with `error_log`, one gzip-compressing its output itself
/// (`ob_gzhandler`, asked for by `curl --compressed`); a request for a missing script gets PHP-FPM's
/// own `404` with `Primary script unknown` on stderr. Needs root (tcpdump; PHP-FPM runs its worker as
/// root with `-R`) and nginx, php-fpm, tcpdump and curl; check `unavailableReason` first.
public enum FastCGILoopbackRecorder {
    /// The PHP-FPM binaries looked for, newest first (Debian names it after the PHP version).
    public static let phpFPMNames = ["php-fpm", "php-fpm8.4", "php-fpm8.3", "php-fpm8.2", "php-fpm8.1"]

    /// Why this machine cannot record, or nil when it can.
    public static var unavailableReason: String? {
        RecordingPrerequisites.unavailableReason(tools: ["nginx", "tcpdump", "curl"], alsoMissing: phpFPM == nil ? ["php-fpm"] : [])
    }

    static var phpFPM: URL? { phpFPMNames.lazy.compactMap(ToolProcess.locate).first }

    /// One recording: the capture, the ports, and what curl got for each request.
    public struct Recording: Sendable {
        public var capture: URL
        public var httpPort: Int
        public var fastCGIPort: Int
        /// curl's output for each run (bodies, then `%{http_code}` lines).
        public var curlOutput: [String]
    }

    /// The curl runs: four GETs on one kept-alive connection, then a POST with a form body, then a GET
    /// accepting gzip.
    public static let getPaths = ["/index.php?name=a", "/redirect.php", "/warn.php", "/missing.php"]
    public static let postPath = "/post.php"
    public static let postBody = "a=1&b=two"
    public static let gzipPath = "/gzip.php"
    /// What `gzip.php` sends, before compression.
    public static let gzipText = String(repeating: "compressed by php line\n", count: 200)

    /// Records into `directory` (created; keep its path short).
    /// - Throws: `ToolProcess.Failure` when a tool is missing, does not start, or curl fails.
    public static func record(directory: URL) throws -> Recording {
        if let reason = unavailableReason { throw ToolProcess.Failure(description: "cannot record: \(reason)") }
        guard let phpFPM else { throw ToolProcess.Failure(description: "php-fpm is not installed") }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let root = directory.path
        let www = directory.appendingPathComponent("www")
        try? fileManager.removeItem(at: www)
        try fileManager.copyItem(at: Fixtures.directory.appendingPathComponent("loopback/php"), to: www)
        let (httpPort, fastCGIPort) = (FreePort.next(), FreePort.next())

        try Data(phpFPMConfiguration(root: root, port: fastCGIPort).utf8).write(to: directory.appendingPathComponent("fpm.conf"))
        try Data(nginxConfiguration(root: root, port: httpPort, fastCGIPort: fastCGIPort).utf8)
            .write(to: directory.appendingPathComponent("nginx.conf"))

        let fpmLog = directory.appendingPathComponent("fpm.out")
        let fpm = try ToolProcess.start(phpFPM.path, ["-R", "-F", "-n", "-y", "\(root)/fpm.conf"], log: fpmLog)
        defer { stop(fpm) }
        try ToolProcess.waitForListener(on: fastCGIPort, log: fpmLog, of: fpm)
        let nginxLog = directory.appendingPathComponent("nginx.out")
        let nginx = try ToolProcess.start(
            "nginx", ["-p", root, "-c", "\(root)/nginx.conf", "-e", "\(root)/error.log", "-g", "daemon off;"], log: nginxLog
        )
        defer { ToolProcess.kill(nginx) }
        try ToolProcess.waitForListener(on: httpPort, log: nginxLog, of: nginx)

        let capture = directory.appendingPathComponent("fastcgi.pcap")
        let tcpdump = try ToolProcess.launch(
            "tcpdump",
            ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-n", "-Z", "root", "-w", capture.path,
             "tcp port \(httpPort) or tcp port \(fastCGIPort)"],
            log: directory.appendingPathComponent("tcpdump.log"),
            waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }

        let base = "http://127.0.0.1:\(httpPort)"
        let runs: [[String]] = [
            ["-s", "-w", "\\n%{http_code}\\n"] + getPaths.map { base + $0 },
            ["-s", "-w", "\\n%{http_code}\\n", "--data-binary", postBody, "-H", "Content-Type: application/x-www-form-urlencoded", base + postPath],
            ["-s", "--compressed", "-w", "\\n%{http_code}\\n", base + gzipPath],
        ]
        var outputs: [String] = []
        for (number, arguments) in runs.enumerated() {
            let result = try ToolProcess.run("curl", arguments, log: directory.appendingPathComponent("curl-\(number).log"))
            guard result.status == 0 else {
                throw ToolProcess.Failure(description: "curl \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.output)")
            }
            outputs.append(result.output)
        }
        ToolProcess.stopCapture(tcpdump, writing: capture)
        return Recording(capture: capture, httpPort: httpPort, fastCGIPort: fastCGIPort, curlOutput: outputs)
    }

    /// Ends PHP-FPM with SIGTERM, on which its master ends the workers first: SIGKILL would leave a
    /// worker running, holding the port, and the master's exit unreaped.
    private static func stop(_ fpm: Process) {
        guard fpm.isRunning else { return }
        Glibc.kill(fpm.processIdentifier, SIGTERM)
        fpm.waitUntilExit()
    }

    private static func phpFPMConfiguration(root: String, port: Int) -> String {
        """
        [global]
        error_log = \(root)/fpm.log
        daemonize = no
        pid = \(root)/fpm.pid
        [www]
        user = root
        listen = 127.0.0.1:\(port)
        pm = static
        pm.max_children = 1
        """
    }

    private static func nginxConfiguration(root: String, port: Int, fastCGIPort: Int) -> String {
        NginxConfiguration.wrapping(
            root: root,
            http: """
                access_log off;
                upstream php { server 127.0.0.1:\(fastCGIPort); keepalive 4; }
                server {
                    listen 127.0.0.1:\(port);
                    root "\(root)/www";
                    location ~ \\.php$ {
                        include /etc/nginx/fastcgi_params;
                        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                        fastcgi_keep_conn on;
                        fastcgi_pass php;
                    }
                }
            """
        )
    }
}
