reach encoder relay -p 32768 examples/endport-range
