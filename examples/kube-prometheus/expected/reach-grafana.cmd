reach grafana k8s -p web examples/kube-prometheus
