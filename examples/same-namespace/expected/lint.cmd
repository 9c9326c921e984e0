lint --color never examples/same-namespace
