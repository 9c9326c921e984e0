list examples/dns-egress
