lint --color never examples/multi-tenant
