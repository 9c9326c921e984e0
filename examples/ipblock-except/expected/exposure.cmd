exposure examples/ipblock-except
