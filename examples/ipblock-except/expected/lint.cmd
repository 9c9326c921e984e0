lint --color never examples/ipblock-except
