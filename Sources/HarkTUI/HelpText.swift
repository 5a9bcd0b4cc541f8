/// Every key, as `?` shows it.
enum HelpText {
    static let sections: [(title: String, keys: [(keys: String, meaning: String)])] = [
        ("List", [
            ("j k ↓ ↑", "next / previous exchange"),
            ("g G Home End", "first / last exchange"),
            ("PgDn PgUp Space ^F ^B", "a page down / up"),
            ("Enter l →", "open the exchange (detail tabs)"),
            ("/ f", "edit the filter (errors show at their column as you type)"),
            ("c", "clear the filter"),
            ("F", "follow mode: keep the newest exchange selected"),
            ("o O", "sort by the next column / reverse the order"),
            ("m x  M", "mark the exchange (and move on)  /  clear all marks"),
            ("y", "copy as curl (to the clipboard through OSC 52)"),
            ("w", "save the response body to a file"),
            ("e", "export marked (else all shown) exchanges as HAR"),
            ("E", "export the selected exchange as HAR"),
            ("q Q ^C", "quit"),
        ]),
        ("Detail", [
            ("Tab → l  ⇧Tab ← h", "next / previous tab"),
            ("1 … 7", "Headers … TLS; 7 Messages (WebSocket only)"),
            ("j k PgDn PgUp g G", "scroll (the pager)"),
            ("/  n N", "search the tab  /  next / previous match"),
            ("J K", "next / previous exchange"),
            ("y w E", "curl, save this tab's body, export as HAR"),
            ("q Esc", "back to the list"),
        ]),
        ("Filter editor", [
            ("Enter", "close the editor (a valid filter applies as you type)"),
            ("Esc", "cancel the edit: the filter from before it is back"),
            ("^U", "clear"),
        ]),
        ("Examples", [
            ("status>=400", "client and server errors"),
            ("host=*.example.com and latency>500ms", "slow requests to one domain"),
            ("proto=grpc and grpc.status!=0", "failed gRPC calls"),
            ("resp.header.content-type~json", "JSON responses"),
        ]),
    ]

    /// The help screen's lines.
    static let lines: [StyledLine] = {
        var lines: [StyledLine] = [StyledLine("hark tui: keys (any key closes this help)", .bold), StyledLine("")]
        for section in sections {
            lines.append(StyledLine(section.title, .bold))
            for entry in section.keys {
                var line = StyledLine("  ")
                line.append(DetailContent.pad(entry.keys, 22), .color(CellStyle.cyan))
                line.append(entry.meaning)
                lines.append(line)
            }
            lines.append(StyledLine(""))
        }
        return lines
    }()
}
