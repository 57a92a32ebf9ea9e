// The value types that appear in NFScope's API come from these modules; importing NFScope is enough.
@_exported import NetCore
@_exported import NetNS
@_exported import Netlink
@_exported import Simulator
