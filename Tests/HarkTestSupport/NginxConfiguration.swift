/// The frame of an nginx configuration for a test server that runs as the test's own process, with
/// every file it writes under `root`: no master process, pid and error log in `root`, and the
/// temporary directories of every module there too (nginx's defaults are system paths).
public enum NginxConfiguration {
    /// A whole configuration: the frame around `http`, the directives of the `http` block.
    public static func wrapping(root: String, http: String) -> String {
        """
        master_process off;
        pid "\(root)/nginx.pid";
        error_log "\(root)/error.log" notice;
        events { worker_connections 64; }
        http {
            client_body_temp_path "\(root)/body";
            proxy_temp_path "\(root)/proxy";
            fastcgi_temp_path "\(root)/fastcgi";
            uwsgi_temp_path "\(root)/uwsgi";
            scgi_temp_path "\(root)/scgi";
        \(http)
        }
        """
    }
}
