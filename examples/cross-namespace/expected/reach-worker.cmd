reach ledger-worker ledger-api -p 8080 examples/cross-namespace
