list examples/default-deny
