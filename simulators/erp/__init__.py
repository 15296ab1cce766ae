"""The ERP simulator: NetSuite SuiteTalk REST shapes and finance rules."""
