reach report-builder kube-system/svc/kube-dns -p 53 --protocol udp examples/dns-egress
