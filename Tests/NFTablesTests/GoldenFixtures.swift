import Foundation
import Netlink
import NFTables

/// Golden messages recorded from the kernel (Tests/Fixtures/netlink/*.hex, see RulesetGoldenRecorder).
enum GoldenFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/netlink")

    /// The message payloads of a fixture (comment lines skipped).
    static func payloads(_ name: String) throws -> [[UInt8]] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { hexBytes(String($0)) }
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index < hex.endIndex {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    /// A netlink message of `type` around a payload.
    static func message(_ type: NFTMessage, payload: [UInt8]) -> NetlinkMessage {
        NetlinkMessage(header: NetlinkHeader(length: UInt32(16 + payload.count), type: type.netlinkType, flags: .multipart),
                       payload: payload[...])
    }
}
