lint --color never examples/statefulset-primary
