list examples/endport-range
