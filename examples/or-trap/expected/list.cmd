list examples/or-trap
