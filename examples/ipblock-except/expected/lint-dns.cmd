lint --color never examples/ipblock-except examples/dns-egress/kube-system.yaml
