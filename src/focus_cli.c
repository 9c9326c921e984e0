/* --focus, --focus-direction and --focus-conn read from the command line into struct focus.
 * Apart from focus.c, which connlist.c and the fuzzers use without the command line. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "focus.h"

int focus_parse(struct focus *f, struct cli *cli)
{
	memset(f, 0, sizeof(*f));
	if (cli->focus) {
		for (const char *p = cli->focus;;) {
			/* Commas separate the values, except inside the braces of a split
			 * workload's class (NS/NAME[KIND]{pod-1,pod-2}). */
			size_t n = 0;
			for (int depth = 0; p[n] && (p[n] != ',' || depth > 0); n++)
				depth += (p[n] == '{') - (p[n] == '}' && depth > 0);
			if (!n) {
				focus_release(f);
				return cli_usage_error(cli, "--focus takes endpoint names separated by "
						       "commas, not '%s'", cli->focus);
			}
			f->items = xrealloc(f->items, sizeof(*f->items) * (f->nitems + 1));
			f->items[f->nitems] = xmalloc(n + 1);
			memcpy(f->items[f->nitems], p, n);
			f->items[f->nitems++][n] = '\0';
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	if (cli->focus_dir) {
		if (!strcasecmp(cli->focus_dir, "ingress")) {
			f->dir = FOCUS_INGRESS;
		} else if (!strcasecmp(cli->focus_dir, "egress")) {
			f->dir = FOCUS_EGRESS;
		} else {
			focus_release(f);
			return cli_usage_error(cli, "--focus-direction takes ingress or egress, not "
					       "'%s'%s", cli->focus_dir,
					       cli_did_you_mean(cli->focus_dir, "ingress,egress"));
		}
		if (!f->nitems) {
			focus_release(f);
			return cli_usage_error(cli, "--focus-direction needs --focus: the direction "
					       "is into or out of the focused endpoints");
		}
	}
	if (cli->focus_conn) {
		/* PROTO-PORT, as netpol-analyzer writes it: tcp-8080. */
		const char *c = cli->focus_conn, *dash = strchr(c, '-');
		char proto[16];
		char *end;
		long port = 0;
		bool ok = dash && dash > c && (size_t)(dash - c) < sizeof(proto) &&
			  dash[1] >= '0' && dash[1] <= '9';
		if (ok) {
			port = strtol(dash + 1, &end, 10);
			ok = !*end && port >= PORT_MIN && port <= PORT_MAX;
		}
		if (!ok) {
			focus_release(f);
			return cli_usage_error(cli, "--focus-conn takes PROTOCOL-PORT (a port from 1 "
					       "to 65535: tcp-8080, udp-53), not '%s'", c);
		}
		memcpy(proto, c, (size_t)(dash - c));
		proto[dash - c] = '\0';
		f->proto = proto_parse(proto);
		if (f->proto < 0) {
			focus_release(f);
			return cli_usage_error(cli, "--focus-conn: unknown protocol '%s' (tcp, udp or "
					       "sctp)%s", proto, cli_did_you_mean(proto, "tcp,udp,sctp"));
		}
		f->port = (int)port;
	}
	return 0;
}
