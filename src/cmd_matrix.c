/* npcheck matrix (not yet written). */
#include <stdio.h>

#include "cli.h"

int cmd_matrix(struct cli *cli)
{
	(void)cli;
	fprintf(stderr, "npcheck matrix: not implemented yet\n");
	return EXIT_INTERNAL;
}
