import ArgumentParser
import Foundation

/// `--json`, which every command accepts.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (snake_case keys, with a schema_version) instead of text.")
    var json = false
}

/// JSON output conventions: snake_case keys, sorted for stable diffs, `schema_version` on every document.
enum JSONOutput {
    static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Prints one JSON document.
    static func print<T: Encodable>(_ value: T, pretty: Bool = true) throws {
        let data = try encoder(pretty: pretty).encode(value)
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
