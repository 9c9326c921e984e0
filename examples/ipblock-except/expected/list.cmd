list examples/ipblock-except
