reach webhook-sender 169.254.169.254 -p 80 examples/ipblock-except
