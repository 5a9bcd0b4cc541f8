import Foundation

/// The nginx side of a TLS loopback recording: self-signed RSA and ECDSA certificates, the served files,
/// and one nginx process with two TLS servers (the second without encrypt_then_mac), all inside one
/// directory (no root-owned path is touched).
struct TLSLoopbackServer {
    /// The directory holding the configuration, certificates, files and logs.
    let directory: URL
    /// The port of each server.
    let ports: [TLSLoopbackRecorder.Server: Int]

    /// Both certificates, for curl's `--cacert` and `openssl s_client -CAfile`.
    var certificateBundle: URL { file("ca.pem") }
    /// nginx's access log.
    var accessLog: URL { file("access.log") }
    /// The body `POST /upload` sends.
    var uploadFile: URL { file("upload.bin") }

    /// A file in the directory.
    func file(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Writes the certificates (with openssl), the served files and `nginx.conf`.
    func prepare() throws {
        let www = file("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(TLSLoopbackRecorder.smallBody.utf8).write(to: www.appendingPathComponent("small.txt"))
        try Data(TLSLoopbackRecorder.bigBody.utf8).write(to: www.appendingPathComponent("big.txt"))
        try Data(TLSLoopbackRecorder.uploadBody).write(to: uploadFile)
        var bundle = Data()
        for (name, key) in [("rsa", ["rsa:2048"]), ("ecdsa", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])] {
            let arguments = ["req", "-x509", "-newkey"] + key + [
                "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", file("\(name).key").path, "-out", file("\(name).crt").path,
            ]
            let result = try ToolProcess.run("openssl", arguments, log: file("openssl-\(name).log"))
            guard result.status == 0 else {
                throw TLSLoopbackRecorder.Failure(description: "openssl req (\(name)) failed: \(result.output)")
            }
            bundle += try Data(contentsOf: file("\(name).crt"))
        }
        try bundle.write(to: certificateBundle)
        try Data(configuration.utf8).write(to: file("nginx.conf"))
    }

    /// Starts nginx in the foreground and waits until both servers accept connections.
    /// - Throws: when a port is already taken, or nginx exits or does not listen within 10 s.
    func start() throws -> Process {
        for port in ports.values.sorted() where ToolProcess.acceptsConnections(port: port) {
            throw TLSLoopbackRecorder.Failure(description: "port \(port) is already in use on 127.0.0.1")
        }
        let log = file("nginx.out")
        let nginx = try ToolProcess.start(
            "nginx",
            ["-p", directory.path, "-c", file("nginx.conf").path, "-e", file("error.log").path, "-g", "daemon off;"],
            log: log
        )
        do {
            for port in ports.values.sorted() {
                try ToolProcess.waitForListener(on: port, log: log, of: nginx)
            }
        } catch {
            ToolProcess.kill(nginx)
            let errors = (try? String(contentsOf: file("error.log"), encoding: .utf8)) ?? ""
            throw TLSLoopbackRecorder.Failure(description: "nginx did not start: \(error) \(errors)")
        }
        return nginx
    }

    /// Checks with `openssl s_client -tlsextdebug` that a CBC handshake negotiates encrypt_then_mac on
    /// the standard server and not on the other one. Run it before the capture starts.
    func verifyEncryptThenMac() throws {
        for (server, port) in ports.sorted(by: { $0.value < $1.value }) {
            let arguments = [
                "s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA",
                "-tlsextdebug", "-CAfile", certificateBundle.path,
            ]
            let result = try ToolProcess.run("openssl", arguments, log: file("s_client-\(port).log"))
            let negotiated = result.output.contains("\"encrypt-then-mac\"")
            guard result.status == 0, negotiated == (server == .standard) else {
                throw TLSLoopbackRecorder.Failure(
                    description: "server \(server) on port \(port): encrypt_then_mac \(negotiated ? "on" : "off"), "
                        + "s_client status \(result.status): \(result.output)"
                )
            }
        }
    }

    /// The nginx configuration: one process, gzip for text, every TLS 1.2 suite OpenSSL has
    /// (`@SECLEVEL=0` lets RSA key exchange and SHA-1 CBC through), the three TLS 1.3 suites, a session
    /// cache for resumption. `POST /upload` goes through a proxy on a Unix socket (not captured) so that
    /// nginx reads the whole body and counts it in `$request_length` (a bare `return` discards it uncounted).
    private var configuration: String {
        let root = directory.path
        let uploadSocket = "unix:\(root)/upload.sock"
        let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
        func server(_ server: TLSLoopbackRecorder.Server) -> String {
            let port = ports[server] ?? 0
            // A server's ssl_conf_command lines replace the http block's, so each server has all of its own.
            let options = server == .withoutEncryptThenMac ? "ssl_conf_command Options -EncryptThenMac;" : ""
            return """
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    ssl_conf_command Ciphersuites \(tls13Suites);
                    \(options)
                    location = /upload {
                        client_max_body_size 1m;
                        client_body_buffer_size 64k;
                        proxy_pass http://\(uploadSocket):/upload;
                    }
                }
            """
        }
        return NginxConfiguration.wrapping(root: root, http: """
                types { text/plain txt; }
                default_type text/plain;
                root "\(root)/www";
                log_format hark '\(TLSLoopbackRecorder.ServerLogLine.logFormat)';
                access_log "\(accessLog.path)" hark;
                gzip on;
                gzip_types text/plain;
                gzip_min_length 256;
                ssl_certificate "\(root)/rsa.crt";
                ssl_certificate_key "\(root)/rsa.key";
                ssl_certificate "\(root)/ecdsa.crt";
                ssl_certificate_key "\(root)/ecdsa.key";
                ssl_protocols TLSv1.2 TLSv1.3;
                ssl_ciphers ALL:@SECLEVEL=0;
                ssl_session_cache shared:hark:1m;
            \(server(.standard))
            \(server(.withoutEncryptThenMac))
                server {
                    listen \(uploadSocket);
                    access_log off;
                    location / { return 201 "stored $content_length bytes\\n"; }
                }
            """)
    }
}
