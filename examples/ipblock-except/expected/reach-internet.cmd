reach webhook-sender 203.0.113.10 -p 443 examples/ipblock-except
