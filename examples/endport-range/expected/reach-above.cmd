reach encoder relay -p 32769 examples/endport-range
