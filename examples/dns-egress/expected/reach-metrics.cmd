reach report-builder kube-system/coredns -p 9153 examples/dns-egress
