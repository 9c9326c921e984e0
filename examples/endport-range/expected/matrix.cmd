matrix --port 31999,32000,32768,32769 examples/endport-range
