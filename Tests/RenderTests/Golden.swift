import Foundation
import Netlink
import NFTables

/// Kernel-recorded rule messages (Tests/Fixtures/netlink, see RulesetGoldenRecorder).
enum Golden {
    static func rules(_ name: String) throws -> [Rule] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/netlink/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            var bytes: [UInt8] = []
            var index = line.startIndex
            while index < line.endIndex, let next = line.index(index, offsetBy: 2, limitedBy: line.endIndex) {
                bytes.append(UInt8(line[index..<next], radix: 16) ?? 0)
                index = next
            }
            let message = NetlinkMessage(header: NetlinkHeader(length: UInt32(16 + bytes.count),
                                                               type: NFTMessage.newRule.netlinkType, flags: .multipart),
                                         payload: bytes[...])
            return try Rule(message: message)
        }
    }
}
