reach encoder relay examples/endport-range
