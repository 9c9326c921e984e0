reach checkout ledger -p 9000 examples/default-deny
