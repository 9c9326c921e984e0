explain --pod ledger-api examples/cross-namespace
