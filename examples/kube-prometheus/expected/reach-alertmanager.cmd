reach k8s main -p web examples/kube-prometheus
