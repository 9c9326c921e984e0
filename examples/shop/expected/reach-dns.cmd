reach api kube-system/coredns -p 53 --protocol udp examples/shop examples/dns-egress/kube-system.yaml
