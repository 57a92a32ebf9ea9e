/// Values whose JSON form is their usual text (`"10.42.0.5"`, `"10.42.0.0/16"`), as operators read them.
public protocol CodableAsText: Codable, LosslessStringConvertible {}

extension CodableAsText {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a valid \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
