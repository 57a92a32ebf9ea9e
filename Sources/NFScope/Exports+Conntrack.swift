// Conntrack's flows, filters and readers are part of NFScope's API.
@_exported import Conntrack
