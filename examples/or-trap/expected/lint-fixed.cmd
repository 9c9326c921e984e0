lint --color never examples/or-trap/.fixed
