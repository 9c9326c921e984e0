lint --color never examples/endport-range examples/dns-egress/kube-system.yaml
