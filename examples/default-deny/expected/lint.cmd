lint --color never examples/default-deny
