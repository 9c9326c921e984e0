lint --color never examples/cross-namespace
