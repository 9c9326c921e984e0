lint --color never examples/and-selector
