lint --color never examples/dns-egress
