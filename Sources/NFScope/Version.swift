public enum NFScopeVersion { public static let string = "0.1.0" }
