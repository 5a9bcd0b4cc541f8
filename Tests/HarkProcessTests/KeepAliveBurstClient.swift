import Foundation
import HarkTestSupport

/// A Python client for the `--pid` tests that need busy traffic: it waits until a file holds a marker
/// (polling every millisecond; an empty marker waits for the file to exist), then sends requests to a
/// server on 127.0.0.1 on several keep-alive connections at once for a number of seconds (each URL
/// once), and prints how many answers it got. It acknowledges at once (`TCP_QUICKACK`): the server
/// writes its headers and its body separately, and a delayed ACK held each body 40 ms (Nagle), 8
/// requests in the first 0.1 s.
enum KeepAliveBurstClient {
    static let script = """
        import http.client, os, socket, sys, threading, time
        port, wait_path, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        connections, seconds = int(sys.argv[4]), float(sys.argv[5])
        while not (os.path.exists(wait_path) and marker in open(wait_path).read()):
            time.sleep(0.001)
        start = time.time()
        answered = []
        def run(index):
            connection = http.client.HTTPConnection("127.0.0.1", port)
            number = 0
            while time.time() - start < seconds:
                connection.request("GET", "/c%d-%d" % (index, number))
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                response = connection.getresponse()
                response.read()
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                if response.status == 200:
                    answered.append(number)
                number += 1
            connection.close()
        threads = [threading.Thread(target=run, args=(index,)) for index in range(connections)]
        for thread in threads: thread.start()
        for thread in threads: thread.join()
        print("answered", len(answered), flush=True)
        """

    /// Starts the client against `port` in `servers`' directory, waiting for `marker` in `waitFile`;
    /// its output goes to `log`.
    static func start(
        port: Int, waitingFor marker: String = "", in waitFile: URL, connections: Int, seconds: Double,
        servers: LoopbackServers, log: URL
    ) throws -> Process {
        let path = servers.file("burst.py")
        if !FileManager.default.fileExists(atPath: path.path) { try Data(script.utf8).write(to: path) }
        return try ToolProcess.start(
            "python3", [path.path, "\(port)", waitFile.path, marker, "\(connections)", "\(seconds)"], log: log)
    }

    /// The answers the client said it got (its last word), once it has printed them.
    static func answered(in log: URL) -> Int? {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: " ").last
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
