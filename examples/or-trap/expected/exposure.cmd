exposure examples/or-trap
