// The ruleset model (tables, chains, rules, sets, expressions) and its renderings are part of NFScope's API.
@_exported import NFTables
@_exported import Render
