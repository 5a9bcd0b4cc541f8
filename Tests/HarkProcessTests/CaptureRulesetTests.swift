@testable import HarkProcess
import Testing

@Suite struct CaptureRulesetTests {
    @Test func seedingPutsEachSocketInItsSet() {
        let ruleset = CaptureRuleset(table: "hark_1_2_3", cgroupPath: "unified/hark-1-2-3", group: 18500)
        let sockets = SocketTable.parse(
            """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0
               1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 112 1 0 100 0 0 10 0
               2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 113 1 0 20 4 30 10 -1
            """, isIPv6: false)
            + SocketTable.parse(
                """
                  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 00000000000000000000000001000000:0BB8 00000000000000000000000001000000:D431 01 00000000:00000000 00:00000000 00000000     0        0 114 1 0 20 4 30 10 -1
                   1: 0000000000000000FFFF00000100007F:0BB9 0000000000000000FFFF00000100007F:D432 01 00000000:00000000 00:00000000 00000000     0        0 115 1 0 20 4 30 10 -1
                """, isIPv6: true)
        #expect(sockets.count == 5)
        #expect(
            ruleset.seedingScript(sockets) == """
                add element inet hark_1_2_3 own4 { 127.0.0.1 . 3001 . 127.0.0.1 . 54322, 127.0.0.1 . 8080 . 127.0.0.1 . 50000 }
                add element inet hark_1_2_3 own6 { ::1 . 3000 . ::1 . 54321 }
                add element inet hark_1_2_3 listen4 { 127.0.0.1 . 8080 }
                add element inet hark_1_2_3 listenports { 80 }

                """)
    }

    @Test func theLoggedCounterIsReadFromNftsListing() {
        let listing = "table inet hark_1_2_3 {\n\tcounter logged {\n\t\tpackets 186672 bytes 27531446\n\t}\n}\n"
        #expect(NFTables.packets(inCounterListing: listing) == 186_672)
        #expect(NFTables.packets(inCounterListing: "Error: No such file or directory\n") == nil)
        let ruleset = CaptureRuleset(table: "hark_1_2_3", cgroupPath: "unified/hark-1-2-3", group: 18500)
        // Every log statement counts, the test packet's excepted.
        let script = ruleset.creationScript
        let logLines = script.split(separator: "\n").filter { $0.contains("log group 18500") }
        #expect(logLines.count == 9)
        #expect(logLines.allSatisfy { $0.contains("counter name \"logged\" log group 18500") })
        #expect(script.contains("meta mark 0x4841524b udp dport 18500 log prefix \"hark-probe\" group 18500 drop"))
        // Only the test packet's own mark is read, and no packet's mark is changed: other rules and
        // another hark's table see the marks they set.
        #expect(!script.contains("mark set"))
        #expect(script.split(separator: "\n").filter { $0.contains("meta mark") }.count == 1)
    }

    @Test func statLineWithParenthesesInTheName() {
        let status = ProcessTable.parseStat(
            "4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615")
        #expect(status == ProcessTable.Status(parent: 17, startTime: 987654))
    }

    @Test func namesRoundTripAndForeignNamesAreNotOurs() {
        let name = CaptureName(pid: 42, startTime: 7, serial: 1)
        #expect(CaptureName(parsing: name.table) == name)
        #expect(CaptureName(parsing: name.cgroup) == name)
        #expect(CaptureName(parsing: "hark_something") == nil)
        #expect(CaptureName(parsing: "harkless-1-2-3") == nil)
    }

    @Test func hybridAndPureLayouts() {
        let hybrid = CgroupHierarchy.find(mounts: """
            cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
            cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
            """)
        #expect(hybrid?.nftablesPath(of: "hark-1") == "unified/hark-1")
        let pure = CgroupHierarchy.find(mounts: "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n")
        #expect(pure?.nftablesPath(of: "hark-1") == "hark-1")
        #expect(CgroupHierarchy.find(mounts: "proc /proc proc rw 0 0\n") == nil)
    }

    @Test func groupPickingSkipsBoundGroups() {
        let bound = NFLogGroup.boundGroups("18432 12345 0 2 65535 100 1\n")
        #expect(bound == [18432])
        #expect(NFLogGroup.pick(seed: 0, bound: bound) == 18433)
    }
}
