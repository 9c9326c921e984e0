reach webhook-sender 10.20.30.40 -p 443 examples/ipblock-except
