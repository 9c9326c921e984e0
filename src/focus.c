/* --focus, --focus-direction and --focus-conn: resolve, and the pair predicate (parsing the
 * command line is focus_cli.c's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focus.h"
#include "query.h"

bool focus_active(const struct focus *f)
{
	return f->nitems || f->port;
}

static void focus_clear_resolved(struct focus *f)
{
	free(f->ep);
	free(f->eps);
	free(f->ips);
	f->ep = NULL;
	f->eps = NULL;
	f->ips = NULL;
	f->nep = f->neps = f->nips = 0;
}

/* Mark what item names in m; -1 when it names nothing there (printed unless quiet). */
/* Does item name e's owner, split into classes: OWNER, NS/OWNER or NS/OWNER[KIND]? */
static bool names_split_owner(const struct endpoint *e, const char *item)
{
	size_t nl = strlen(e->ns);
	if (!e->split)
		return false;
	if (!strcmp(item, e->owner_name) || !strcmp(item, e->owner_display))
		return true;
	return !strncmp(item, e->ns, nl) && item[nl] == '/' && !strcmp(item + nl + 1, e->owner_name);
}

static int resolve_item(struct focus *f, const struct model *m, const char *item,
			const char *default_ns, bool quiet)
{
	struct query_target t;
	/* A workload whose pods policies tell apart is several endpoints: the focus on the
	 * workload is on all of them (reach asks which one), when they are one owner's. */
	const struct endpoint *owner = NULL;
	bool one_owner = true;
	for (size_t i = 0; i < m->nendpoints && one_owner; i++) {
		const struct endpoint *e = m->endpoints[i];
		if (!names_split_owner(e, item))
			continue;
		if (owner && strcmp(owner->owner_display, e->owner_display))
			one_owner = false;
		owner = owner ? owner : e;
	}
	if (owner && one_owner) {
		for (size_t i = 0; i < m->nendpoints; i++)
			if (m->endpoints[i]->split &&
			    !strcmp(m->endpoints[i]->owner_display, owner->owner_display))
				f->ep[i] = true;
		return 0;
	}
	int rc = quiet ? query_resolve_quiet(m, item, default_ns, true, &t)
		       : query_resolve(m, item, default_ns, true, &t);
	if (rc)
		return -1;
	for (size_t k = 0; k < t.n; k++) {
		const struct sref *r = &t.refs[k];
		if (r->ep) {
			f->ep[r->ep->index] = true;
			continue;
		}
		f->ips = xrealloc(f->ips, sizeof(*f->ips) * (f->nips + 1));
		f->ips[f->nips++] = (struct focus_ip){ r->family, r->lo };
	}
	query_target_release(&t);
	return 0;
}

static void resolve_start(struct focus *f, const struct model *m)
{
	focus_clear_resolved(f);
	f->nep = m->nendpoints;
	f->ep = xcalloc(f->nep + 1, sizeof(*f->ep));
}

static void resolve_end(struct focus *f)
{
	for (size_t i = 0; i < f->nep; i++)
		if (f->ep[i]) {
			f->eps = xrealloc(f->eps, sizeof(*f->eps) * (f->neps + 1));
			f->eps[f->neps++] = (uint32_t)i;
		}
}

int focus_resolve(struct focus *f, const struct model *m, const char *default_ns, bool quiet)
{
	int rc = 0;
	resolve_start(f, m);
	for (size_t i = 0; i < f->nitems && !rc; i++)
		rc = resolve_item(f, m, f->items[i], default_ns, quiet);
	resolve_end(f);
	return rc;
}

int focus_resolve_either(struct focus *f[2], const struct model *m[2], const char *default_ns)
{
	int rc = 0;
	for (int k = 0; k < 2; k++)
		resolve_start(f[k], m[k]);
	for (size_t i = 0; i < f[0]->nitems && !rc; i++) {
		bool found = false;
		for (int k = 0; k < 2; k++)
			found |= !resolve_item(f[k], m[k], f[0]->items[i], default_ns, true);
		/* Named on neither side: say why on the new one. */
		if (!found && resolve_item(f[1], m[1], f[0]->items[i], default_ns, false))
			rc = -1;
	}
	for (int k = 0; k < 2; k++)
		resolve_end(f[k]);
	return rc;
}

void focus_copy_options(struct focus *dst, const struct focus *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->items = xcalloc(src->nitems + 1, sizeof(*dst->items));
	for (size_t i = 0; i < src->nitems; i++)
		dst->items[i] = xstrdup(src->items[i]);
	dst->nitems = src->nitems;
	dst->dir = src->dir;
	dst->proto = src->proto;
	dst->port = src->port;
}

void focus_release(struct focus *f)
{
	for (size_t i = 0; i < f->nitems; i++)
		free(f->items[i]);
	free(f->items);
	focus_clear_resolved(f);
	memset(f, 0, sizeof(*f));
}

bool focus_has(const struct focus *f, const struct sref *r)
{
	if (r->ep)
		return (size_t)r->ep->index < f->nep && f->ep[r->ep->index];
	for (size_t i = 0; i < f->nips; i++)
		if (f->ips[i].family == r->family && f->ips[i].addr >= r->lo &&
		    f->ips[i].addr <= r->hi)
			return true;
	return false;
}

bool focus_keeps(const struct focus *f, const struct sref *src, const struct sref *dst)
{
	if (!f || !f->nitems)
		return true;
	switch (f->dir) {
	case FOCUS_INGRESS: return focus_has(f, dst);
	case FOCUS_EGRESS: return focus_has(f, src);
	default: return focus_has(f, src) || focus_has(f, dst);
	}
}

bool focus_src_all(const struct focus *f, const struct sref *src)
{
	return !f || !f->nitems || (f->dir != FOCUS_INGRESS && focus_has(f, src));
}

bool focus_narrow(const struct focus *f, struct connset *c)
{
	if (!f || !f->port)
		return !connset_is_empty(c);
	/* Most pairs allow nothing: nothing to cut. */
	bool has = connset_contains(c, f->proto, f->port);
	if (!has && connset_is_empty(c))
		return false;
	connset_clear(c);
	if (has)
		connset_add(c, f->proto, f->port, f->port);
	return has;
}
