reach report-builder kube-system/coredns -p 53 --protocol udp examples/dns-egress
