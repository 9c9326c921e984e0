reach portal-web accounting/svc/ledger-api -p 80 examples/cross-namespace
