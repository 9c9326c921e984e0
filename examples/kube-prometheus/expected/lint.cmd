lint --color never examples/kube-prometheus
