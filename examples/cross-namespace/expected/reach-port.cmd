reach portal-web ledger-api -p 8080 examples/cross-namespace
