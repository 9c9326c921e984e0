/* npcheck diff (not yet written). */
#include <stdio.h>

#include "cli.h"

int cmd_diff(struct cli *cli)
{
	(void)cli;
	fprintf(stderr, "npcheck diff: not implemented yet\n");
	return EXIT_INTERNAL;
}
