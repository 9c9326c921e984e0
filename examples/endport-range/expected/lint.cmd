lint --color never examples/endport-range
