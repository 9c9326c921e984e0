explain --pod report-builder examples/dns-egress
