import Conntrack
import Foundation
import NetCore
import NetNS
import Netlink
import Testing
import TestLab

@Suite("conntrack delete and namespace lifetime", .serialized, .enabled(if: Shell.isRoot, "needs root: creates network namespaces"))
struct ConntrackDeleteTests {
    static func udp(_ index: Int, dport: UInt16, zone: UInt16? = nil) -> Flow {
        let source = IPAddress.v4(0x0a00_0100 + UInt32(index))
        let destination = IPAddress("10.0.0.2")!
        return Flow(family: .ipv4,
                    original: Tuple(source: source, destination: destination, l4: .ports(.udp, source: 4000, destination: dport)),
                    reply: Tuple(source: destination, destination: source, l4: .ports(.udp, source: dport, destination: 4000)),
                    zone: zone.map { Zone(id: $0) }, timeout: 3600)
    }

    /// `conntrack -L -o id` inside the namespace: the oracle's ids.
    static func oracleIDs(_ namespace: LabNamespace) throws -> Set<UInt32> {
        let text = try namespace.exec(["conntrack", "-L", "-o", "id"], allowFailure: true)
        return Set(text.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last { $0.hasPrefix("id=") }.flatMap { UInt32($0.dropFirst(3)) }
        })
    }

    @Test("delete removes exactly the filtered entries and nothing else; a dry run removes nothing")
    func deleteExactly() throws {
        try withLab { lab in
            let table = try lab.namespace("tbl")
            let handle = try NamespaceHandle(path: table.path)
            let reader = try ConntrackReader(namespace: handle)
            for index in 0..<30 { try reader.insert(Self.udp(index, dport: 53)) }
            for index in 0..<20 { try reader.insert(Self.udp(index, dport: 54)) }
            for index in 0..<5 { try reader.insert(Self.udp(index, dport: 53, zone: 4)) }
            for index in 0..<10 {
                var tcp = Self.udp(index, dport: 53)
                tcp.original.l4 = .ports(.tcp, source: 4000, destination: 53)
                tcp.reply.l4 = .ports(.tcp, source: 53, destination: 4000)
                tcp.protocolState = .tcp(.established)
                try reader.insert(tcp)
            }
            let before = try Self.oracleIDs(table)
            #expect(before.count == 65)
            let filter = ConntrackFilter(l4Protocol: .udp, original: TupleFilter(destinationPorts: 53...53), zone: 0)
            var selected: [Flow] = []
            try reader.flows(matching: filter) { selected.append($0) }
            #expect(selected.count == 30)
            #expect(try Self.oracleIDs(table) == before)   // listing is the dry run
            var deleted: [UInt32] = []
            let deleter = try ConntrackReader(namespace: handle)
            let summary = try reader.deleteFlows(matching: filter, through: deleter) { flow, wasDeleted in
                if wasDeleted, let id = flow.id { deleted.append(id) }
            }
            #expect(summary.matched == 30 && deleted.count == 30)
            #expect(Set(deleted) == Set(selected.compactMap(\.id)))
            let after = try Self.oracleIDs(table)
            #expect(after == before.subtracting(deleted))
            // Deleting again finds the entries gone rather than failing.
            #expect(try reader.delete(selected[0]) == false)
        }
    }

    @Test("an event-buffer overrun is reported as lost events, and the watch goes on")
    func eventOverrun() throws {
        try withLab { lab in
            let table = try lab.namespace("ovr")
            let handle = try NamespaceHandle(path: table.path)
            let watcher = try ConntrackWatcher(namespace: handle, types: .new, receiveBufferBytes: 4096, wakeEveryMilliseconds: 100)
            let reader = try ConntrackReader(namespace: handle)
            for index in 0..<2000 { try reader.insert(Self.udp(index, dport: 53)) }
            var names: [String] = []
            var quiet = 0
            try watcher.watch(stop: { quiet += 1; return quiet > 3 }) { event in
                names.append(event.name)
                quiet = 0
                return true
            }
            #expect(names.contains("lost"))
            #expect(names.filter { $0 == "new" }.count < 2000)
            // After the overrun the subscription still delivers.
            try reader.insert(Self.udp(3000, dport: 99))
            var after: [Flow] = []
            try watcher.watch(stop: { true }) { event in
                if let flow = event.flow { after.append(flow) }
                return false
            }
            #expect(after.first?.original.destinationPort == 99)
        }
    }

    @Test("a namespace removed before it is opened gives a clear error")
    func namespaceGoneBeforeOpen() throws {
        let name = "nfs-test-\(getpid())-gone"
        let error = #expect(throws: NamespaceError.self) { _ = try NamespaceHandle(name: name) }
        #expect(error?.kind == .notFound)
        #expect(error?.description == "network namespace \(name) does not exist")
    }

    @Test("a namespace removed while it is read: the dump completes from the open socket")
    func namespaceGoneDuringRead() throws {
        try withLab { lab in
            let table = try lab.namespace("gone")
            let reader = try ConntrackReader(namespace: NamespaceHandle(path: table.path))
            try ConntrackTableFill.varied(count: 3000, into: reader)
            var count = 0
            var removed = false
            try reader.flows { _ in
                count += 1
                if !removed {
                    try Shell.run(["ip", "netns", "del", table.name])
                    removed = true
                }
            }
            #expect(removed)
            #expect(!FileManager.default.fileExists(atPath: table.path))
            #expect(count == 3000)
            #expect(throws: NamespaceError.self) { _ = try NamespaceHandle(path: table.path) }
        }
    }
}
