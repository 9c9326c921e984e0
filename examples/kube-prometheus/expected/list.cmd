list examples/kube-prometheus
