lint --color never examples/shop
