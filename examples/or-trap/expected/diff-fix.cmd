diff examples/or-trap examples/or-trap/.fixed
