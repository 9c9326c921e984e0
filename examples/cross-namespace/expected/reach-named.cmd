reach portal-web ledger-api -p http examples/cross-namespace
