/* npcheck matrix: the truth table over all endpoint pairs for some ports and protocols. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "connlist.h"
#include "query.h"

/* "Every port named in the input": numeric policy ports and container ports. */
static void input_ports(const struct model *m, const bool protos[PROTO__COUNT],
			struct portset ps[PROTO__COUNT])
{
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *p = m->policies[i];
		if (p->invalid)
			continue;
		for (int d = 0; d < DIR__COUNT; d++)
			for (size_t r = 0; r < p->nrules[d]; r++)
				for (size_t k = 0; k < p->rules[d][r].nports; k++) {
					const struct np_port *pt = &p->rules[d][r].ports[k];
					if (pt->proto >= 0 && protos[pt->proto] && pt->has_port &&
					    !pt->port_name)
						portset_add_range(&ps[pt->proto], pt->port, pt->port);
				}
	}
	for (size_t i = 0; i < m->nendpoints; i++)
		for (size_t k = 0; k < m->endpoints[i]->nports; k++) {
			const struct container_port *cp = &m->endpoints[i]->ports[k];
			if (cp->proto >= 0 && protos[cp->proto])
				portset_add_range(&ps[cp->proto], cp->port, cp->port);
		}
}

struct column {
	int proto, port;
};

/* A name as a Markdown table cell, in *sb (reused from call to call). */
static const char *md_cell(const char *s, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_add_md(sb, s);
	return sb->buf;
}

int cmd_matrix(struct cli *cli)
{
	const char *fmt = cli_format(cli);
	const char *const *paths;
	size_t npaths;
	bool protos[PROTO__COUNT] = { false, true, false };
	struct portset ps[PROTO__COUNT];
	struct portset asked;
	struct loaded l;
	struct solver s;

	if (!fmt)
		return EXIT_USAGE;
	if (cli->protocol) {
		const char *bad;
		int r = query_parse_protocols(cli->protocol, protos, &bad);
		if (r == -2)
			return cli_usage_error(cli, "NetworkPolicy does not define %s: its behaviour "
					       "under a policy is up to the CNI plugin", bad);
		if (r)
			return cli_usage_error(cli, "unknown protocol '%s' (TCP, UDP or SCTP)", bad);
	}
	portset_init(&asked);
	if (cli->port && query_parse_ports(cli->port, &asked)) {
		portset_release(&asked);
		return cli_usage_error(cli, "cannot read port list '%s' (e.g. 80,443,8000-8080)",
				       cli->port);
	}
	if (cli_input_paths(cli, &paths, &npaths)) {
		portset_release(&asked);
		return EXIT_USAGE;
	}
	int rc = cli_load(cli, paths, npaths, &l);
	const struct model *mm = &l.model;
	solver_init(&s, mm);

	for (int p = 0; p < PROTO__COUNT; p++) {
		portset_init(&ps[p]);
		if (protos[p] && cli->port)
			portset_copy(&ps[p], &asked);
	}
	if (!cli->port) {
		if (!cli->protocol)
			protos[PROTO_UDP] = protos[PROTO_SCTP] = true;
		input_ports(mm, protos, ps);
	}
	struct column *cols = NULL;
	size_t ncols = 0, cap = 0;
	for (int p = 0; p < PROTO__COUNT; p++)
		for (size_t r = 0; r < ps[p].n; r++)
			for (int port = ps[p].r[r].lo; port <= ps[p].r[r].hi; port++) {
				if (ncols >= 4096)
					break;
				XGROW(cols, cap, ncols + 1);
				cols[ncols].proto = p;
				cols[ncols++].port = port;
			}

	size_t n = mm->nendpoints;
	struct connset c;
	struct cand cand;
	unsigned char *row = xcalloc(n * (ncols ? ncols : 1) + 1, 1);
	bool csv = !strcmp(fmt, "csv"), json = !strcmp(fmt, "json");
	/* The grids need the whole table: one bit per cell. */
	uint8_t *grid = csv || json ? NULL : xcalloc((n * n * ncols + 7) / 8 + 1, 1);
	size_t rows = 0;

	/* ",PROTO,PORT" per column, formatted once. */
	char (*colname)[24] = xcalloc(ncols ? ncols : 1, sizeof(*colname));
	for (size_t k = 0; k < ncols; k++)
		snprintf(colname[k], sizeof(colname[k]), ",%s,%d", proto_name(cols[k].proto),
			 cols[k].port);
	connset_init(&c);
	cand_init(&cand, &s);
	if (csv)
		fputs("source,destination,protocol,port,verdict\n", stdout);
	else if (json)
		fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		/* Row i: everything denied but what the candidates allow (and loopback). */
		memset(row, 0, n * ncols);
		connlist_candidates(&s, i, &cand);
		if (mm->endpoints[i]->is_pod) {
			cand.v = xrealloc(cand.v, sizeof(*cand.v) * (cand.n + 1));
			cand.cap = cand.n + 1;
			cand.v[cand.n++] = (uint32_t)i;
		}
		for (size_t t = 0; t < cand.n; t++) {
			size_t j = cand.v[t];
			struct sref src = { .ep = mm->endpoints[i] }, dst = { .ep = mm->endpoints[j] };
			solver_allowed(&s, &src, &dst, &c);
			for (size_t k = 0; k < ncols; k++)
				row[j * ncols + k] = connset_contains(&c, cols[k].proto, cols[k].port);
		}
		if (grid) {
			for (size_t j = 0; j < n; j++)
				for (size_t k = 0; k < ncols; k++)
					if (row[j * ncols + k]) {
						size_t bit = (i * n + j) * ncols + k;
						grid[bit / 8] |= (uint8_t)(1u << (bit % 8));
					}
			continue;
		}
		struct strbuf sb = STRBUF_INIT;
		const char *si = mm->endpoints[i]->display;
		size_t sil = strlen(si);
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < ncols; k++) {
				const char *v = row[j * ncols + k] ? "allow" : "deny";
				if (csv) {
					/* The bulk of a large run: plain appends, no format parsing. */
					strbuf_add(&sb, si, sil);
					strbuf_addch(&sb, ',');
					strbuf_addstr(&sb, mm->endpoints[j]->display);
					strbuf_addstr(&sb, colname[k]);
					strbuf_addstr(&sb, row[j * ncols + k] ? ",allow\n" : ",deny\n");
					continue;
				}
				strbuf_addstr(&sb, rows++ ? ",\n  {\"source\": " : "\n  {\"source\": ");
				strbuf_add_json_str(&sb, mm->endpoints[i]->display);
				strbuf_addstr(&sb, ", \"destination\": ");
				strbuf_add_json_str(&sb, mm->endpoints[j]->display);
				strbuf_addf(&sb, ", \"protocol\": \"%s\", \"port\": %d, \"verdict\": \"%s\"}",
					    proto_name(cols[k].proto), cols[k].port, v);
			}
		if (sb.len)
			fwrite(sb.buf, 1, sb.len, stdout);
		strbuf_release(&sb);
	}
	connset_release(&c);
	cand_release(&cand);
	free(row);
	free(colname);
#define CELL(i, j, k) ((grid[(((i) * n + (j)) * ncols + (k)) / 8] >> ((((i) * n + (j)) * ncols + (k)) % 8)) & 1)
	if (json) {
		printf(rows ? "\n]\n" : "]\n");
	} else if (grid) {
		bool md = !strcmp(fmt, "md");
		struct strbuf cell = STRBUF_INIT;
		if (!md) {
			printf("Endpoints:\n");
			for (size_t i = 0; i < n; i++)
				printf("  %*zu  %s\n", snprintf(NULL, 0, "%zu", n), i + 1,
				       mm->endpoints[i]->display);
			printf("Rows are sources, columns destinations: '.' allowed, 'X' denied.\n");
		}
		for (size_t k = 0; k < ncols; k++) {
			if (md) {
				printf("\n### %s %d\n\n| source \\ destination |", proto_name(cols[k].proto),
				       cols[k].port);
				for (size_t j = 0; j < n; j++)
					printf(" %s |", md_cell(mm->endpoints[j]->display, &cell));
				printf("\n|---|");
				for (size_t j = 0; j < n; j++)
					printf("---|");
				printf("\n");
				for (size_t i = 0; i < n; i++) {
					printf("| %s |", md_cell(mm->endpoints[i]->display, &cell));
					for (size_t j = 0; j < n; j++)
						printf(" %s |", CELL(i, j, k) ? "allow" : "deny");
					printf("\n");
				}
				continue;
			}
			/* Cells as wide as the largest endpoint number, so columns line up. */
			int w = snprintf(NULL, 0, "%zu", n);
			printf("\n%s %d\n%*s", proto_name(cols[k].proto), cols[k].port, w + 3, "");
			for (size_t j = 0; j < n; j++)
				printf(" %*zu", w, j + 1);
			printf("\n");
			for (size_t i = 0; i < n; i++) {
				printf("  %*zu ", w, i + 1);
				for (size_t j = 0; j < n; j++)
					printf(" %*s", w, CELL(i, j, k) ? "." : "X");
				printf("\n");
			}
		}
		strbuf_release(&cell);
	}
#undef CELL
	free(grid);
	free(cols);
	for (int p = 0; p < PROTO__COUNT; p++)
		portset_release(&ps[p]);
	portset_release(&asked);
	solver_free(&s);
	cli_unload(&l);
	return rc;
}
