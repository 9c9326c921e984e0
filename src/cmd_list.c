/* npcheck list (not yet written). */
#include <stdio.h>

#include "cli.h"

int cmd_list(struct cli *cli)
{
	(void)cli;
	fprintf(stderr, "npcheck list: not implemented yet\n");
	return EXIT_INTERNAL;
}
