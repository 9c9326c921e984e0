/* npcheck explain (not yet written). */
#include <stdio.h>

#include "cli.h"

int cmd_explain(struct cli *cli)
{
	(void)cli;
	fprintf(stderr, "npcheck explain: not implemented yet\n");
	return EXIT_INTERNAL;
}
