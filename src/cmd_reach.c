/* npcheck reach (not yet written). */
#include <stdio.h>

#include "cli.h"

int cmd_reach(struct cli *cli)
{
	(void)cli;
	fprintf(stderr, "npcheck reach: not implemented yet\n");
	return EXIT_INTERNAL;
}
