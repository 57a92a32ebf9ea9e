import ArgumentParser
import Foundation

/// `--color auto|always|never`: colour only on a terminal (`auto`: standard output is a tty and `NO_COLOR`
/// is unset or empty, as no-color.org asks), or always, or never.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// `--color` for the commands whose text output is coloured.
struct ColorOptions: ParsableArguments {
    @Option(name: .customLong("color"), help: "Colour the text output: auto (only on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    var style: TextStyle { TextStyle(choice: color) }
}

/// ANSI styling that is a no-op when colour is off, so renderers write one text either way.
struct TextStyle: Sendable {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    init(choice: ColorChoice, isTerminal: Bool = isatty(STDOUT_FILENO) == 1,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        switch choice {
        case .always: enabled = true
        case .never: enabled = false
        case .auto: enabled = isTerminal && (environment["NO_COLOR"] ?? "").isEmpty
        }
    }

    static let plain = TextStyle(enabled: false)

    func bold(_ text: String) -> String { wrap(text, "1") }
    func dim(_ text: String) -> String { wrap(text, "2") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func cyan(_ text: String) -> String { wrap(text, "36") }
    /// The decisive rule: bold on a yellow background, so it stands out of a long path.
    func highlight(_ text: String) -> String { wrap(text, "1;30;43") }

    /// An outcome word coloured by what it means for the sender: green delivered, red refused or dropped.
    func outcome(_ outcome: String) -> String {
        let word = outcome.uppercased()
        switch outcome {
        case "ok": return bold(green(word))
        case "refused", "dropped", "timeout", "unreachable": return bold(red(word))
        default: return bold(yellow(word))
        }
    }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    /// Pads to `width` visible characters (escape sequences excluded), for aligned columns.
    func padded(to width: Int) -> String {
        let visible = visibleCount
        return visible >= width ? self : self + String(repeating: " ", count: width - visible)
    }

    /// The number of characters a terminal shows: ANSI escape sequences (`ESC [ … m`) take no room.
    var visibleCount: Int {
        var count = 0
        var inEscape = false
        for character in self {
            if inEscape { if character == "m" { inEscape = false }; continue }
            if character == "\u{1B}" { inEscape = true; continue }
            count += 1
        }
        return count
    }
}
