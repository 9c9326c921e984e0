/* Unit tests for the solver: isolation, peers, ipBlocks, ports, verdicts, external ranges, epsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "solver.h"
#include "testutil.h"

/* A model and the solver over it. */
struct st {
	struct tu t;
	struct solver s;
};

static void st_load(struct st *x, const char *yaml)
{
	tu_load(&x->t, yaml);
	for (size_t i = 0; i < x->t.d.n; i++)
		if (x->t.d.items[i].severity == SEV_ERROR && x->t.d.items[i].rule != RULE_INVALID_SPEC)
			fail_msg("unexpected finding %d:%d %s", x->t.d.items[i].pos.line,
				 x->t.d.items[i].pos.col, x->t.d.items[i].message);
	solver_init(&x->s, &x->t.m);
}

static void st_free(struct st *x)
{
	solver_free(&x->s);
	tu_free(&x->t);
}

static struct sref ep(const struct st *x, const char *display)
{
	const struct endpoint *e = tu_ep(&x->t.m, display);
	if (!e)
		fail_msg("no endpoint %s", display);
	struct sref r = { .ep = e };
	return r;
}

static struct sref range(const char *lo, const char *hi)
{
	struct sref r = { 0 };
	int f2;
	if (ip_parse(lo, false, &r.family, &r.lo) || ip_parse(hi, false, &f2, &r.hi) || f2 != r.family)
		fail_msg("bad range %s-%s", lo, hi);
	return r;
}

static struct sref ip(const char *a)
{
	return range(a, a);
}

/* What solver_allowed says, in the output contract's words; solver_allowed_tmp, whose
 * output and scratch sets come in holding other ports, must say the same. */
static void check_conns(const struct st *x, struct sref src, struct sref dst, const char *want,
			const char *file, int line)
{
	struct connset c, c2, tmp;
	struct strbuf sb = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	connset_init(&c);
	connset_init(&c2);
	connset_init(&tmp);
	solver_allowed(&x->s, &src, &dst, &c);
	connset_add(&c2, PROTO_UDP, 7, 9);
	connset_add(&tmp, PROTO_TCP, 1, 3);
	solver_allowed_tmp(&x->s, &src, &dst, &c2, &tmp);
	if (!connset_equal(&c, &c2)) {
		connset_release(&c);
		connset_release(&c2);
		connset_release(&tmp);
		fail_msg("solver_allowed_tmp differs from solver_allowed (%s:%d)", file, line);
	}
	connset_release(&c2);
	connset_release(&tmp);
	connset_format(&c, &sb);
	if (strcmp(sb.buf, want)) {
		sref_format(&src, &a);
		sref_format(&dst, &b);
		print_error("%s => %s : %s, want %s\n", a.buf, b.buf, sb.buf, want);
		connset_release(&c);
		strbuf_release(&sb);
		strbuf_release(&a);
		strbuf_release(&b);
		_fail(file, line);
	}
	connset_release(&c);
	strbuf_release(&sb);
}
#define assert_conns(x, src, dst, want) check_conns((x), (src), (dst), (want), __FILE__, __LINE__)

#define ALL "All Connections"
#define NONE "No Connections"

/* Names quoted: y and n are booleans in YAML 1.1, as kubectl reads manifests. */
#define NS(name, labels) "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: \"" name \
	"\", labels: " labels "}\n"
#define POD(ns, name, labels) "---\napiVersion: v1\nkind: Pod\nmetadata: {name: \"" name \
	"\", namespace: \"" ns "\", labels: " labels "}\n"
#define POD_IP(ns, name, labels, addr) POD(ns, name, labels) "status: {podIP: '" addr "'}\n"
#define NP(ns, name) "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" \
	"metadata: {name: \"" name "\", namespace: \"" ns "\"}\n"

/* ---- isolation ---- */

static void test_not_isolated_allows_all(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "web", "{app: web}") POD("shop", "db", "{app: db}")
		NP("other", "deny") "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
		POD("other", "x", "{app: x}"));
	struct sref web = ep(&x, "shop/web[Pod]"), db = ep(&x, "shop/db[Pod]");
	assert_conns(&x, web, db, ALL);
	assert_conns(&x, db, web, ALL);
	assert_conns(&x, web, ip("8.8.8.8"), ALL);
	assert_conns(&x, ip("8.8.8.8"), db, ALL);
	/* A policy of another namespace isolates only its own pods. */
	assert_false(x.s.eps[web.ep->index].isolated[DIR_INGRESS]);
	assert_false(x.s.eps[web.ep->index].isolated[DIR_EGRESS]);
	assert_true(x.s.eps[ep(&x, "other/x[Pod]").ep->index].isolated[DIR_INGRESS]);
	assert_conns(&x, web, ep(&x, "other/x[Pod]"), NONE);
	st_free(&x);
}

static void test_isolation_per_direction(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "web", "{app: web}") POD("shop", "db", "{app: db}")
		NP("shop", "deny-in") "spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress]}\n"
		NP("shop", "deny-out") "spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Egress]}\n");
	struct sref web = ep(&x, "shop/web[Pod]"), db = ep(&x, "shop/db[Pod]"), ext = ip("1.2.3.4");
	assert_true(x.s.eps[db.ep->index].isolated[DIR_INGRESS]);
	assert_false(x.s.eps[db.ep->index].isolated[DIR_EGRESS]);
	assert_false(x.s.eps[web.ep->index].isolated[DIR_INGRESS]);
	assert_true(x.s.eps[web.ep->index].isolated[DIR_EGRESS]);
	assert_conns(&x, web, db, NONE);
	assert_conns(&x, db, web, ALL);
	assert_conns(&x, ext, db, NONE);
	assert_conns(&x, db, ext, ALL);
	assert_conns(&x, ext, web, ALL);
	assert_conns(&x, web, ext, NONE);

	/* Each direction on its own. */
	struct connset c;
	connset_init(&c);
	solver_direction(&x.s, DIR_EGRESS, &db, &web, &c);
	assert_true(connset_is_all(&c));
	solver_direction(&x.s, DIR_INGRESS, &db, &web, &c);
	assert_true(connset_is_all(&c));
	solver_direction(&x.s, DIR_INGRESS, &web, &db, &c);
	assert_true(connset_is_empty(&c));
	connset_release(&c);
	st_free(&x);
}

/* ---- peers ---- */

#define PEER_MODEL \
	NS("a", "{team: a}") NS("b", "{team: b}") NS("c", "{team: c}") \
	POD("a", "target", "{app: target}") POD("a", "x", "{app: x}") \
	POD("b", "x", "{app: x}") POD("b", "y", "{app: \"y\"}") POD("c", "x", "{app: x}")

static void test_and_peer(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PEER_MODEL NP("a", "and")
		"spec:\n  podSelector: {matchLabels: {app: target}}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: b}}\n"
		"      podSelector: {matchLabels: {app: x}}\n");
	struct sref t = ep(&x, "a/target[Pod]");
	assert_conns(&x, ep(&x, "b/x[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "b/y[Pod]"), t, NONE);
	assert_conns(&x, ep(&x, "a/x[Pod]"), t, NONE);
	assert_conns(&x, ep(&x, "c/x[Pod]"), t, NONE);
	assert_conns(&x, ip("10.0.0.1"), t, NONE);
	st_free(&x);
}

static void test_or_peers(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PEER_MODEL NP("a", "or")
		"spec:\n  podSelector: {matchLabels: {app: target}}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: b}}\n"
		"    - podSelector: {matchLabels: {app: x}}\n");
	struct sref t = ep(&x, "a/target[Pod]");
	assert_conns(&x, ep(&x, "b/x[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "b/y[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "a/x[Pod]"), t, ALL);
	/* A podSelector alone selects in the policy's own namespace only. */
	assert_conns(&x, ep(&x, "c/x[Pod]"), t, NONE);
	assert_conns(&x, ip("10.0.0.1"), t, NONE);
	st_free(&x);
}

static void test_namespace_selector_all(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PEER_MODEL NP("a", "all-ns")
		"spec:\n  podSelector: {matchLabels: {app: target}}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress: [{from: [{namespaceSelector: {}}]}]\n"
		"  egress: [{to: [{podSelector: {}}]}]\n");
	struct sref t = ep(&x, "a/target[Pod]");
	static const char *const pods[] = { "a/x[Pod]", "b/x[Pod]", "b/y[Pod]", "c/x[Pod]" };
	for (size_t i = 0; i < 4; i++)
		assert_conns(&x, ep(&x, pods[i]), t, ALL);
	/* {} is every namespace's pods, never an external address. */
	assert_conns(&x, ip("10.0.0.1"), t, NONE);
	assert_conns(&x, range("0.0.0.0", "255.255.255.255"), t, NONE);
	/* podSelector {} alone: every pod of the policy's namespace, nothing else. */
	assert_conns(&x, t, ep(&x, "a/x[Pod]"), ALL);
	assert_conns(&x, t, ep(&x, "b/x[Pod]"), NONE);
	assert_conns(&x, t, ip("10.0.0.1"), NONE);
	st_free(&x);
}

static void test_peer_selector_absent_or_empty(void **state)
{
	(void)state;
	struct st x;
	/* An empty from list, or a rule without from, matches every peer, in the cluster or
	 * not; a null selector inside a peer is an absent one. */
	st_load(&x, PEER_MODEL
		NP("a", "empty-from") "spec:\n  podSelector: {matchLabels: {app: target}}\n"
		"  ingress: [{from: []}]\n"
		NP("b", "no-from") "spec:\n  podSelector: {matchLabels: {app: x}}\n"
		"  ingress: [{ports: [{port: 80}]}]\n"
		NP("c", "null-ns") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {app: \"y\"}}, namespaceSelector: null}]}]\n");
	assert_conns(&x, ep(&x, "c/x[Pod]"), ep(&x, "a/target[Pod]"), ALL);
	assert_conns(&x, ip("203.0.113.9"), ep(&x, "a/target[Pod]"), ALL);
	assert_conns(&x, ep(&x, "a/x[Pod]"), ep(&x, "b/x[Pod]"), "TCP 80");
	assert_conns(&x, ip("203.0.113.9"), ep(&x, "b/x[Pod]"), "TCP 80");
	/* namespaceSelector: null is a podSelector alone: b/y is in another namespace. */
	assert_conns(&x, ep(&x, "b/y[Pod]"), ep(&x, "c/x[Pod]"), NONE);
	st_free(&x);
}

static void test_namespace_name_label(void **state)
{
	(void)state;
	struct st x;
	/* Implied or declared, every namespace carries kubernetes.io/metadata.name. */
	st_load(&x, NS("a", "{team: a}") NS("b", "{team: b, kubernetes.io/metadata.name: spoofed}")
		POD("a", "target", "{app: target}") POD("a", "x", "{app: x}")
		POD("b", "x", "{app: x}") POD("b", "y", "{app: \"y\"}") POD("c", "x", "{app: x}")
		NP("a", "by-name") "spec:\n  podSelector: {matchLabels: {app: target}}\n"
		"  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: c}}},"
		" {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}},"
		" podSelector: {matchLabels: {app: \"y\"}}},"
		" {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: spoofed}}}]}]\n");
	struct sref t = ep(&x, "a/target[Pod]");
	assert_conns(&x, ep(&x, "c/x[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "b/y[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "b/x[Pod]"), t, NONE);
	assert_conns(&x, ep(&x, "a/x[Pod]"), t, NONE);
	st_free(&x);
}

static void test_selector_expressions_and_misses(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PEER_MODEL
		/* Selects the pods of a without app=x: only target. */
		NP("a", "not-x") "spec:\n  podSelector:\n"
		"    matchExpressions: [{key: app, operator: NotIn, values: [x]}]\n"
		"  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchExpressions:"
		" [{key: app, operator: In, values: [\"y\", x]}, {key: team, operator: DoesNotExist}]}}]}]\n"
		/* Selects nothing: isolates nobody. */
		NP("b", "ghost") "spec: {podSelector: {matchLabels: {app: ghost}}, policyTypes: [Ingress, Egress]}\n");
	struct sref t = ep(&x, "a/target[Pod]");
	assert_true(x.s.eps[t.ep->index].isolated[DIR_INGRESS]);
	assert_false(x.s.eps[ep(&x, "a/x[Pod]").ep->index].isolated[DIR_INGRESS]);
	assert_int_equal(x.s.selected[0].n, 1);
	assert_int_equal(x.s.selected[1].n, 0);
	/* namespaceSelector {} with a podSelector: those pods in every namespace. */
	assert_conns(&x, ep(&x, "b/x[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "b/y[Pod]"), t, ALL);
	assert_conns(&x, ep(&x, "c/x[Pod]"), t, ALL);
	assert_conns(&x, ip("10.0.0.1"), t, NONE);
	assert_conns(&x, ep(&x, "a/target[Pod]"), ep(&x, "b/x[Pod]"), ALL);
	assert_conns(&x, ep(&x, "b/x[Pod]"), ep(&x, "b/y[Pod]"), ALL);
	st_free(&x);
}

/* ---- ipBlock ---- */

static void test_ipblock_except(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "db", "{app: db}") POD_IP("shop", "in", "{app: in}", "10.2.0.5")
		POD_IP("shop", "out", "{app: out}", "10.1.0.5") POD("shop", "noip", "{app: noip}")
		NP("shop", "db-in") "spec:\n  podSelector: {matchLabels: {app: db}}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]\n"
		NP("shop", "noip-out") "spec:\n  podSelector: {matchLabels: {app: noip}}\n"
		"  egress: [{to: [{ipBlock: {cidr: 192.168.0.0/16}}, {ipBlock: {cidr: 10.2.0.5/32}}]}]\n");
	struct sref db = ep(&x, "shop/db[Pod]"), noip = ep(&x, "shop/noip[Pod]");
	assert_conns(&x, ip("10.2.3.4"), db, ALL);
	assert_conns(&x, ip("10.0.0.0"), db, ALL);
	assert_conns(&x, ip("10.255.255.255"), db, ALL);
	assert_conns(&x, ip("10.1.2.3"), db, NONE);
	assert_conns(&x, ip("10.1.0.0"), db, NONE);
	assert_conns(&x, ip("11.0.0.1"), db, NONE);
	assert_conns(&x, ip("9.255.255.255"), db, NONE);
	/* A range matches only when all of it is inside. */
	assert_conns(&x, range("10.2.0.0", "10.255.255.255"), db, ALL);
	assert_conns(&x, range("10.0.0.0", "10.255.255.255"), db, NONE);
	assert_conns(&x, range("9.0.0.0", "10.0.0.255"), db, NONE);
	/* A pod whose IP is known and inside matches; one inside an except or without a
	 * known IP does not. */
	assert_conns(&x, ep(&x, "shop/in[Pod]"), db, ALL);
	assert_conns(&x, ep(&x, "shop/out[Pod]"), db, NONE);
	assert_conns(&x, noip, db, NONE);
	/* Egress to blocks: external addresses and the pod that has the address. */
	assert_conns(&x, noip, ip("192.168.1.1"), ALL);
	assert_conns(&x, noip, ip("10.2.3.4"), NONE);
	assert_conns(&x, noip, ep(&x, "shop/in[Pod]"), ALL);
	assert_conns(&x, noip, ep(&x, "shop/out[Pod]"), NONE);
	assert_conns(&x, noip, ip("10.2.0.5"), ALL);

	/* The peer that decided, for explanations. */
	const struct srule *r = NULL;
	for (size_t i = 0; i < x.s.nrules; i++)
		if (x.s.rules[i].dir == DIR_INGRESS)
			r = &x.s.rules[i];
	assert_non_null(r);
	struct sref in = ip("10.2.3.4"), ex = ip("10.1.2.3");
	assert_ptr_equal(solver_matching_peer(&x.s, r, &in), &r->rule->peers[0]);
	assert_null(solver_matching_peer(&x.s, r, &ex));
	st_free(&x);
}

static void test_ipblock_ipv6(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "db", "{app: db}") POD_IP("shop", "v6", "{app: v6}", "fd00::5")
		NP("shop", "db-in") "spec:\n  podSelector: {matchLabels: {app: db}}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 'fd00::/8', except: ['fd00:1::/32']}}]}]\n");
	struct sref db = ep(&x, "shop/db[Pod]");
	assert_conns(&x, ip("fd00::1"), db, ALL);
	assert_conns(&x, ip("fd00:1::1"), db, NONE);
	assert_conns(&x, ip("2001:db8::1"), db, NONE);
	assert_conns(&x, ip("10.0.0.1"), db, NONE);
	assert_conns(&x, ep(&x, "shop/v6[Pod]"), db, ALL);
	st_free(&x);
}

/* ---- ports ---- */

/* Servers a (http 8080/TCP, dns 53/UDP) and b (http 9090/TCP), a client, and one policy. */
static void load_ports(struct st *x, const char *policy)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb,
		POD("shop", "client", "{app: client}")
		POD("shop", "a", "{app: srv}")
		"spec:\n  containers:\n  - name: c\n    ports:\n"
		"    - {name: http, containerPort: 8080}\n"
		"    - {name: dns, containerPort: 53, protocol: UDP}\n"
		POD("shop", "b", "{app: srv}")
		"spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}\n"
		NP("shop", "p"));
	strbuf_addstr(&sb, policy);
	st_load(x, sb.buf);
	strbuf_release(&sb);
}

#define TO_SRV(ports) "spec:\n  podSelector: {matchLabels: {app: srv}}\n" \
	"  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: " ports "}]\n"

static void test_ports_protocol_and_ranges(void **state)
{
	(void)state;
	static const struct {
		const char *ports, *want;
	} cases[] = {
		{ "[]", ALL },
		{ "[{protocol: UDP}]", "UDP 1-65535" },
		{ "[{protocol: SCTP}, {protocol: TCP}]", "SCTP 1-65535,TCP 1-65535" },
		{ "[{port: 80}]", "TCP 80" },
		{ "[{port: 80}, {port: 443}, {port: 53, protocol: UDP}]", "TCP 80,443,UDP 53" },
		{ "[{port: 8000, endPort: 8080}]", "TCP 8000-8080" },
		{ "[{port: 8000, endPort: 8000}]", "TCP 8000" },
		{ "[{port: 1, endPort: 65535, protocol: SCTP}]", "SCTP 1-65535" },
		{ "[{port: 8000, endPort: 8080}, {port: 8050, endPort: 9000}]", "TCP 8000-9000" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct st x;
		char pol[512];
		snprintf(pol, sizeof(pol), TO_SRV("%s"), cases[i].ports);
		load_ports(&x, pol);
		assert_false(x.t.m.policies[0]->invalid);
		assert_conns(&x, ep(&x, "shop/client[Pod]"), ep(&x, "shop/a[Pod]"), cases[i].want);
		assert_conns(&x, ep(&x, "shop/client[Pod]"), ep(&x, "shop/b[Pod]"), cases[i].want);
		st_free(&x);
	}
}

static void test_named_ports_ingress(void **state)
{
	(void)state;
	struct st x;
	load_ports(&x, TO_SRV("[{port: http}]"));
	struct sref client = ep(&x, "shop/client[Pod]");
	/* Resolved on each destination. */
	assert_conns(&x, client, ep(&x, "shop/a[Pod]"), "TCP 8080");
	assert_conns(&x, client, ep(&x, "shop/b[Pod]"), "TCP 9090");
	st_free(&x);

	/* The protocol must match the container port's. */
	load_ports(&x, TO_SRV("[{port: http, protocol: UDP}, {port: dns, protocol: UDP}]"));
	client = ep(&x, "shop/client[Pod]");
	assert_conns(&x, client, ep(&x, "shop/a[Pod]"), "UDP 53");
	assert_conns(&x, client, ep(&x, "shop/b[Pod]"), NONE);
	st_free(&x);

	/* A name beside numbers. */
	load_ports(&x, TO_SRV("[{port: 80}, {port: dns, protocol: UDP}]"));
	client = ep(&x, "shop/client[Pod]");
	assert_conns(&x, client, ep(&x, "shop/a[Pod]"), "TCP 80,UDP 53");
	assert_conns(&x, client, ep(&x, "shop/b[Pod]"), "TCP 80");
	st_free(&x);
}

static void test_named_ports_egress(void **state)
{
	(void)state;
	struct st x;
	load_ports(&x, "spec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n"
		"  egress: [{ports: [{port: http}]}]\n");
	struct sref client = ep(&x, "shop/client[Pod]");
	assert_conns(&x, client, ep(&x, "shop/a[Pod]"), "TCP 8080");
	assert_conns(&x, client, ep(&x, "shop/b[Pod]"), "TCP 9090");
	/* An external address has no named ports. */
	assert_conns(&x, client, ip("8.8.8.8"), NONE);
	st_free(&x);

	load_ports(&x, "spec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n"
		"  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: http}, {port: 53, protocol: UDP}]}]\n");
	client = ep(&x, "shop/client[Pod]");
	assert_conns(&x, client, ip("8.8.8.8"), "UDP 53");
	st_free(&x);

	/* Ingress from an ipBlock on a named port: never an external source's port either,
	 * the name is resolved on the destination pod. */
	load_ports(&x, "spec:\n  podSelector: {matchLabels: {app: srv}}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: http}]}]\n");
	assert_conns(&x, ip("8.8.8.8"), ep(&x, "shop/a[Pod]"), "TCP 8080");
	st_free(&x);
}

/* ---- rules, verdicts ---- */

static void test_rules_outside_policy_types_ignored(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "web", "{app: web}") POD("shop", "db", "{app: db}")
		POD("shop", "client", "{app: client}")
		NP("shop", "ingress-only") "spec:\n  podSelector: {matchLabels: {app: web}}\n"
		"  policyTypes: [Ingress]\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]\n"
		"  egress: [{to: [{podSelector: {matchLabels: {app: nothing}}}]}]\n");
	assert_int_equal(x.s.nrules, 1);
	assert_int_equal(x.s.rules[0].dir, DIR_INGRESS);
	struct sref web = ep(&x, "shop/web[Pod]");
	assert_false(x.s.eps[web.ep->index].isolated[DIR_EGRESS]);
	assert_conns(&x, web, ep(&x, "shop/db[Pod]"), ALL);
	assert_conns(&x, web, ip("8.8.8.8"), ALL);
	assert_conns(&x, ep(&x, "shop/client[Pod]"), web, ALL);
	assert_conns(&x, ep(&x, "shop/db[Pod]"), web, NONE);
	st_free(&x);

	st_load(&x, POD("shop", "web", "{app: web}") POD("shop", "db", "{app: db}")
		NP("shop", "egress-only") "spec:\n  podSelector: {matchLabels: {app: web}}\n"
		"  policyTypes: [Egress]\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {app: nothing}}}]}]\n"
		"  egress: [{to: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: 5432}]}]\n");
	assert_int_equal(x.s.nrules, 1);
	assert_int_equal(x.s.rules[0].dir, DIR_EGRESS);
	web = ep(&x, "shop/web[Pod]");
	assert_conns(&x, ep(&x, "shop/db[Pod]"), web, ALL);
	assert_conns(&x, web, ep(&x, "shop/db[Pod]"), "TCP 5432");
	st_free(&x);
}

static void test_rules_union_over_policies(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "web", "{app: web, tier: front}") POD("shop", "client", "{app: client}")
		NP("shop", "p1") "spec:\n  podSelector: {matchLabels: {app: web}}\n"
		"  ingress: [{ports: [{port: 80}]}]\n"
		NP("shop", "p2") "spec:\n  podSelector: {matchLabels: {tier: front}}\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 443}]},"
		" {ports: [{port: 53, protocol: UDP}]}]\n");
	struct sref web = ep(&x, "shop/web[Pod]");
	assert_int_equal(x.s.eps[web.ep->index].npolicies[DIR_INGRESS], 2);
	assert_int_equal(x.s.eps[web.ep->index].nrules[DIR_INGRESS], 3);
	assert_conns(&x, ep(&x, "shop/client[Pod]"), web, "TCP 80,443,UDP 53");
	assert_conns(&x, ip("1.1.1.1"), web, "TCP 80,UDP 53");
	st_free(&x);
}

static void test_egress_and_ingress_intersect(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "web", "{app: web}") POD("shop", "db", "{app: db}")
		NP("shop", "web-out") "spec:\n  podSelector: {matchLabels: {app: web}}\n"
		"  egress: [{ports: [{port: 5000, endPort: 6000}]}]\n"
		NP("shop", "db-in") "spec:\n  podSelector: {matchLabels: {app: db}}\n"
		"  ingress: [{ports: [{port: 5432}, {port: 7000}]}]\n");
	assert_conns(&x, ep(&x, "shop/web[Pod]"), ep(&x, "shop/db[Pod]"), "TCP 5432");
	assert_conns(&x, ep(&x, "shop/db[Pod]"), ep(&x, "shop/web[Pod]"), NONE);
	st_free(&x);
}

static void test_self_connections(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "single", "{app: single}") POD("shop", "other", "{app: other}")
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api-7c9-xyz\n  namespace: shop\n  labels: {app: api}\n"
		"  ownerReferences: [{kind: ReplicaSet, name: api-7c9, controller: true}]\n"
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep, namespace: shop}\n"
		"spec: {template: {metadata: {labels: {app: dep}}}}\n"
		NP("shop", "deny-all") "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n");
	/* Loopback is never subject to policy... */
	struct sref single = ep(&x, "shop/single[Pod]");
	assert_true(single.ep->is_pod);
	assert_conns(&x, single, single, ALL);
	assert_conns(&x, single, ep(&x, "shop/other[Pod]"), NONE);
	/* ...but between two pods of one workload it is. */
	struct sref dep = ep(&x, "shop/dep[Deployment]");
	assert_conns(&x, dep, dep, NONE);
	struct sref rs = ep(&x, "shop/api-7c9[ReplicaSet]");
	assert_conns(&x, rs, rs, NONE);
	st_free(&x);

	st_load(&x, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep, namespace: shop}\n"
		"spec: {template: {metadata: {labels: {app: dep}}}}\n"
		NP("shop", "peers") "spec:\n  podSelector: {matchLabels: {app: dep}}\n"
		"  policyTypes: [Ingress, Egress]\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {app: dep}}}], ports: [{port: 80}]}]\n"
		"  egress: [{to: [{podSelector: {matchLabels: {app: dep}}}]}]\n");
	dep = ep(&x, "shop/dep[Deployment]");
	assert_conns(&x, dep, dep, "TCP 80");
	st_free(&x);
}

static void test_invalid_policy_ignored(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "web", "{app: web}") POD("shop", "db", "{app: db}")
		NP("shop", "bad") "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
		"  ingress: [{ports: [{port: 70000}]}]\n"
		NP("shop", "db-deny") "spec: {podSelector: {matchLabels: {app: db}}}\n");
	const struct policy *bad = tu_policy(&x.t.m, "shop", "bad");
	assert_non_null(bad);
	assert_true(bad->invalid);
	struct sref web = ep(&x, "shop/web[Pod]"), db = ep(&x, "shop/db[Pod]");
	assert_false(x.s.eps[web.ep->index].isolated[DIR_INGRESS]);
	assert_false(x.s.eps[web.ep->index].isolated[DIR_EGRESS]);
	assert_int_equal(x.s.selected[0].n, 0);
	assert_int_equal(x.s.selected[1].n, 1);
	assert_false(solver_policy_selects(tu_policy(&x.t.m, "shop", "db-deny"), web.ep));
	assert_true(solver_policy_selects(tu_policy(&x.t.m, "shop", "db-deny"), db.ep));
	assert_conns(&x, db, web, ALL);
	assert_conns(&x, web, db, NONE);
	assert_conns(&x, ip("8.8.8.8"), web, ALL);
	st_free(&x);
}

/* ---- external ranges ---- */

static void check_ranges(const struct st *x, int dir, int fam, const char *const *want, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < x->s.next[dir][fam]; i++) {
		struct sref r = { NULL, fam ? AF_V6 : AF_V4, x->s.ext[dir][fam][i].lo,
				  x->s.ext[dir][fam][i].hi };
		if (i)
			strbuf_addch(&sb, ' ');
		sref_format(&r, &sb);
	}
	struct strbuf w = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&w, "%s%s", i ? " " : "", want[i]);
	assert_string_equal(sb.buf, w.buf);
	strbuf_release(&sb);
	strbuf_release(&w);
}

static void test_external_ranges(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "db", "{app: db}")
		NP("shop", "in") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]\n"
		NP("shop", "out") "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n"
		"  egress: [{to: [{ipBlock: {cidr: 192.168.0.0/24}}, {ipBlock: {cidr: 255.255.255.0/24}}]}]\n"
		/* Ignored rules and invalid policies cut nothing. */
		"  ingress: [{from: [{ipBlock: {cidr: 172.16.0.0/12}}]}]\n"
		NP("shop", "bad") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 1.2.3.0/24}}], ports: [{port: 0}]}]\n");
	static const char *const in[] = {
		"0.0.0.0-9.255.255.255[External]", "10.0.0.0-10.0.255.255[External]",
		"10.1.0.0-10.1.255.255[External]", "10.2.0.0-10.255.255.255[External]",
		"11.0.0.0-255.255.255.255[External]",
	};
	static const char *const out[] = {
		"0.0.0.0-192.167.255.255[External]", "192.168.0.0-192.168.0.255[External]",
		"192.168.1.0-255.255.254.255[External]", "255.255.255.0-255.255.255.255[External]",
	};
	static const char *const v6_all[] = { "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]" };
	check_ranges(&x, DIR_INGRESS, 0, in, 5);
	check_ranges(&x, DIR_EGRESS, 0, out, 4);
	check_ranges(&x, DIR_INGRESS, 1, v6_all, 1);
	check_ranges(&x, DIR_EGRESS, 1, v6_all, 1);
	assert_false(x.s.has_v6);
	/* Each range is wholly allowed or wholly not. */
	struct sref db = ep(&x, "shop/db[Pod]");
	static const char *const verdict[] = { NONE, ALL, NONE, ALL, NONE };
	for (size_t i = 0; i < 5; i++) {
		struct sref r = { NULL, AF_V4, x.s.ext[DIR_INGRESS][0][i].lo, x.s.ext[DIR_INGRESS][0][i].hi };
		assert_conns(&x, r, db, verdict[i]);
	}
	st_free(&x);

	/* 0.0.0.0/0 cuts nothing at either end; its except does. */
	st_load(&x, POD("shop", "db", "{app: db}")
		NP("shop", "in") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]\n");
	static const char *const cut[] = {
		"0.0.0.0-9.255.255.255[External]", "10.0.0.0-10.255.255.255[External]",
		"11.0.0.0-255.255.255.255[External]",
	};
	static const char *const v4_all[] = { "0.0.0.0-255.255.255.255[External]" };
	check_ranges(&x, DIR_INGRESS, 0, cut, 3);
	check_ranges(&x, DIR_EGRESS, 0, v4_all, 1);
	st_free(&x);
}

static void test_ipv6_ranges(void **state)
{
	(void)state;
	struct st x;
	/* IPv4 only: no IPv6 ranges to show. */
	st_load(&x, POD_IP("shop", "a", "{app: a}", "10.0.0.1")
		NP("shop", "p") "spec:\n  podSelector: {}\n"
		"  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n");
	assert_false(x.s.has_v6);
	st_free(&x);

	/* An IPv6 block: has_v6, and the IPv6 space cut by it. */
	st_load(&x, POD("shop", "a", "{app: a}")
		NP("shop", "p") "spec:\n  podSelector: {}\n"
		"  egress: [{to: [{ipBlock: {cidr: 'fd00::/8'}}]}]\n");
	assert_true(x.s.has_v6);
	static const char *const out6[] = {
		"::-fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]",
		"fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]",
		"fe00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]",
	};
	static const char *const v6_all[] = { "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]" };
	check_ranges(&x, DIR_EGRESS, 1, out6, 3);
	check_ranges(&x, DIR_INGRESS, 1, v6_all, 1);
	struct sref a = ep(&x, "shop/a[Pod]");
	assert_conns(&x, a, range("fd00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ALL);
	assert_conns(&x, a, range("fe00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), NONE);
	assert_conns(&x, a, ip("10.0.0.1"), NONE);
	st_free(&x);

	/* An IPv6 pod address alone is enough. */
	st_load(&x, POD_IP("shop", "a", "{app: a}", "fd00::1"));
	assert_true(x.s.has_v6);
	st_free(&x);
}

static void test_sref_format(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, POD("shop", "a", "{app: a}"));
	struct strbuf sb = STRBUF_INIT;
	struct sref r = ep(&x, "shop/a[Pod]");
	sref_format(&r, &sb);
	assert_string_equal(sb.buf, "shop/a[Pod]");
	strbuf_reset(&sb);
	r = ip("8.8.8.8");
	sref_format(&r, &sb);
	assert_string_equal(sb.buf, "8.8.8.8[External]");
	strbuf_reset(&sb);
	r = range("2001:db8::", "2001:db8::ff");
	sref_format(&r, &sb);
	assert_string_equal(sb.buf, "2001:db8::-2001:db8::ff[External]");
	strbuf_release(&sb);
	st_free(&x);
}

static void test_no_endpoints(void **state)
{
	(void)state;
	struct st x;
	/* Policies alone: nothing to select, but their blocks still cut the address space. */
	st_load(&x, NP("shop", "p") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n");
	assert_int_equal(x.s.nep, 0);
	assert_int_equal(x.s.selected[0].n, 0);
	assert_int_equal(x.s.next[DIR_INGRESS][0], 3);
	assert_conns(&x, ip("10.0.0.1"), ip("8.8.8.8"), ALL);
	st_free(&x);

	/* Nothing at all. */
	st_load(&x, "# empty\n");
	assert_int_equal(x.s.nep, 0);
	assert_int_equal(x.s.nrules, 0);
	assert_int_equal(x.s.next[DIR_EGRESS][0], 1);
	assert_false(x.s.has_v6);
	st_free(&x);
}

/* The label index grows past its first table (64 slots, half full): every label, shared
 * or one pod's own, still finds exactly its pods, in index order. */
static void test_label_index_grows(void **state)
{
	(void)state;
	struct st x;
	struct strbuf y = STRBUF_INIT;
	for (int i = 0; i < 80; i++)
		strbuf_addf(&y, "---\napiVersion: v1\nkind: Pod\nmetadata: {namespace: shop, "
			    "name: p%02d, labels: {own: v%02d, tier: %s, all: \"yes\"}}\n"
			    "spec: {containers: [{name: c}]}\n",
			    i, i, i % 2 ? "odd" : "even");
	st_load(&x, y.buf);
	assert_int_equal(x.s.nep, 80);
	size_t n;
	const uint32_t *v = solver_label_endpoints(&x.s, "all", "yes", &n);
	assert_int_equal(n, 80);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], i);
	v = solver_label_endpoints(&x.s, "tier", "odd", &n);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(x.t.m.endpoints[v[i]]->labels.kv[1].val, "odd");
	for (int i = 0; i < 80; i += 7) {
		char val[16]; /* room for any int: -O1 checks the format */
		snprintf(val, sizeof(val), "v%02d", i);
		v = solver_label_endpoints(&x.s, "own", val, &n);
		assert_int_equal(n, 1);
		char want[32];
		snprintf(want, sizeof(want), "shop/p%02d[Pod]", i);
		assert_string_equal(x.t.m.endpoints[v[0]]->display, want);
	}
	assert_null(solver_label_endpoints(&x.s, "own", "v80", &n));
	assert_int_equal(n, 0);
	strbuf_release(&y);
	st_free(&x);
}

/* ---- endpoint sets ---- */

static void collect_members(const struct epset *s, size_t nep, size_t *out, size_t *n)
{
	*n = 0;
	EPSET_FOREACH(s, nep, i)
		out[(*n)++] = i;
}

static void test_epset_dense_and_sparse(void **state)
{
	(void)state;
	enum { NEP = 130 };
	static const size_t members[] = { 0, 5, 63, 64, 127, 129 };
	size_t nm = sizeof(members) / sizeof(members[0]), got[NEP], n;

	uint64_t bits[3] = { 0 };
	for (size_t i = 0; i < nm; i++)
		bits[members[i] / 64] |= (uint64_t)1 << (members[i] % 64);
	struct epset dense = { .bits = bits, .n = nm };
	uint32_t idx[] = { 0, 5, 63, 64, 127, 129 };
	struct epset sparse = { .idx = idx, .n = nm };

	const struct epset *sets[] = { &dense, &sparse };
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < NEP; i++) {
			bool want = false;
			for (size_t k = 0; k < nm; k++)
				want |= members[k] == i;
			if (epset_has(sets[s], i) != want)
				fail_msg("%s set: member %zu", s ? "sparse" : "dense", i);
		}
		collect_members(sets[s], NEP, got, &n);
		assert_int_equal(n, nm);
		for (size_t k = 0; k < nm; k++)
			assert_int_equal(got[k], members[k]);
	}

	/* Empty sets of both kinds. */
	uint64_t none[3] = { 0 };
	struct epset e1 = { .bits = none }, e2 = { 0 };
	collect_members(&e1, NEP, got, &n);
	assert_int_equal(n, 0);
	collect_members(&e2, NEP, got, &n);
	assert_int_equal(n, 0);
	assert_false(epset_has(&e1, 0));
	assert_false(epset_has(&e2, 0));
}

static void test_epset_from_solver(void **state)
{
	(void)state;
	/* 40 pods: a rule matching one is kept sparse, one matching two (1 in 20) dense. */
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 40; i++)
		strbuf_addf(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%02d, namespace: \"n\", labels: {i: '%d'%s}}\n",
			    i, i, i == 7 || i == 31 ? ", two: 'y'" : "");
	strbuf_addstr(&sb, NP("n", "one") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {i: '7'}}}]}]\n"
		NP("n", "two") "spec:\n  podSelector: {}\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {two: 'y'}}}]}]\n");
	struct st x;
	st_load(&x, sb.buf);
	strbuf_release(&sb);
	assert_int_equal(x.t.m.nendpoints, 40);
	assert_int_equal(x.s.nrules, 2);
	const struct epset *one = &x.s.rules[0].eps, *two = &x.s.rules[1].eps;
	size_t got[40], n;

	assert_null(one->bits);
	assert_non_null(one->idx);
	assert_int_equal(one->n, 1);
	collect_members(one, x.s.nep, got, &n);
	assert_int_equal(n, 1);
	assert_string_equal(x.t.m.endpoints[got[0]]->display, "n/p07[Pod]");

	assert_non_null(two->bits);
	assert_null(two->idx);
	assert_int_equal(two->n, 2);
	collect_members(two, x.s.nep, got, &n);
	assert_int_equal(n, 2);
	assert_string_equal(x.t.m.endpoints[got[0]]->display, "n/p07[Pod]");
	assert_string_equal(x.t.m.endpoints[got[1]]->display, "n/p31[Pod]");
	for (size_t i = 0; i < 40; i++) {
		bool m = i == got[0] || i == got[1];
		assert_int_equal(epset_has(two, i), m);
		assert_int_equal(epset_has(one, i), i == got[0]);
	}
	/* Policies' selections are epsets too: podSelector {} selects all 40. */
	assert_int_equal(x.s.selected[0].n, 40);
	collect_members(&x.s.selected[0], x.s.nep, got, &n);
	assert_int_equal(n, 40);
	st_free(&x);
}

/* ---- built on threads ---- */

static void assert_epsets_equal(const struct epset *a, const struct epset *b, size_t nep)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->bits != NULL, b->bits != NULL);
	for (size_t i = 0; i < nep; i++)
		assert_int_equal(epset_has(a, i), epset_has(b, i));
}

/* Two solvers over one model: rules, selections, isolation and per-endpoint lists. */
static void assert_solvers_equal(const struct solver *a, const struct solver *b,
				 size_t npolicies)
{
	assert_int_equal(a->nrules, b->nrules);
	for (size_t r = 0; r < a->nrules; r++) {
		const struct srule *x = &a->rules[r], *y = &b->rules[r];
		assert_ptr_equal(x->policy, y->policy);
		assert_ptr_equal(x->rule, y->rule);
		assert_int_equal(x->dir, y->dir);
		assert_int_equal(x->policy_index, y->policy_index);
		assert_int_equal(x->all_peers, y->all_peers);
		assert_int_equal(x->nnamed, y->nnamed);
		assert_true(connset_equal(&x->fixed, &y->fixed));
		assert_epsets_equal(&x->eps, &y->eps, a->nep);
	}
	for (size_t i = 0; i < npolicies; i++)
		assert_epsets_equal(&a->selected[i], &b->selected[i], a->nep);
	for (size_t e = 0; e < a->nep; e++)
		for (int d = 0; d < DIR__COUNT; d++) {
			const struct sendpoint *x = &a->eps[e], *y = &b->eps[e];
			assert_int_equal(x->isolated[d], y->isolated[d]);
			assert_int_equal(x->npolicies[d], y->npolicies[d]);
			assert_int_equal(x->nrules[d], y->nrules[d]);
			for (size_t k = 0; k < x->npolicies[d]; k++)
				assert_ptr_equal(x->policies[d][k], y->policies[d][k]);
			for (size_t k = 0; k < x->nrules[d]; k++)
				assert_int_equal(x->rules[d][k], y->rules[d][k]);
		}
}

static void test_threads_same_solver(void **state)
{
	(void)state;
	/* Four namespaces of 12 pods; per namespace policies that repeat selectors (the
	 * threads' caches), a peer across namespaces, an ipBlock, an invalid policy. */
	struct strbuf sb = STRBUF_INIT;
	for (int n = 0; n < 4; n++) {
		strbuf_addf(&sb, "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns%d, labels: {team: t%d}}\n",
			    n, n % 2);
		for (int i = 0; i < 12; i++)
			strbuf_addf(&sb, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%02d, namespace: ns%d, "
				    "labels: {app: a%d, tier: t%d}}\nstatus: {podIP: 10.%d.0.%d}\n",
				    i, n, i % 3, i % 2, n, i + 1);
		for (int k = 0; k < 6; k++)
			strbuf_addf(&sb, "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
				    "metadata: {name: np%d, namespace: ns%d}\nspec:\n"
				    "  podSelector: {matchLabels: {app: a%d}}\n"
				    "  policyTypes: [Ingress%s]\n"
				    "  ingress: [{from: [{podSelector: {matchLabels: {tier: t%d}}}, "
				    "{namespaceSelector: {matchLabels: {team: t1}}, podSelector: {matchLabels: {app: a%d}}}],"
				    " ports: [{port: %d}]}]\n"
				    "  egress: [{to: [{ipBlock: {cidr: 10.%d.0.0/24, except: [10.%d.0.0/30]}}]}]\n",
				    k, n, k % 3, k % 2 ? ", Egress" : "", k % 2, k % 3, 8000 + k, n, n);
	}
	strbuf_addstr(&sb, NP("ns0", "bad") "spec:\n  podSelector: {matchLabels: {app: a0}}\n"
		      "  ingress: [{ports: [{port: 99999}]}]\n");
	struct st x;
	st_load(&x, sb.buf);
	strbuf_release(&sb);
	assert_int_equal(x.t.m.nendpoints, 48);

	setenv("NPCHECK_TEST_POLICY_BLOCK", "1", 1);
	for (unsigned jobs = 2; jobs <= 4; jobs += 2) {
		struct solver y;
		solver_init_threads(&y, &x.t.m, jobs, true);
		assert_solvers_equal(&x.s, &y, x.t.m.npolicies);
		assert_int_equal(x.s.nopen_ingress, y.nopen_ingress);
		for (size_t e = 0; e < x.s.nep; e++) {
			assert_int_equal(x.s.nin_rules_of[e], y.nin_rules_of[e]);
			for (size_t k = 0; k < x.s.nin_rules_of[e]; k++)
				assert_int_equal(x.s.in_rules_of[e][k], y.in_rules_of[e][k]);
		}
		solver_free(&y);
	}
	unsetenv("NPCHECK_TEST_POLICY_BLOCK");

	/* Without the pair indexes: the same solver, none of connlist's lists. */
	struct solver z;
	solver_init_threads(&z, &x.t.m, 1, false);
	assert_solvers_equal(&x.s, &z, x.t.m.npolicies);
	assert_null(z.in_rules_of);
	assert_int_equal(z.nopen_ingress, 0);
	solver_free(&z);
	st_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_isolated_allows_all),
		cmocka_unit_test(test_isolation_per_direction),
		cmocka_unit_test(test_and_peer),
		cmocka_unit_test(test_or_peers),
		cmocka_unit_test(test_namespace_selector_all),
		cmocka_unit_test(test_peer_selector_absent_or_empty),
		cmocka_unit_test(test_namespace_name_label),
		cmocka_unit_test(test_selector_expressions_and_misses),
		cmocka_unit_test(test_ipblock_except),
		cmocka_unit_test(test_ipblock_ipv6),
		cmocka_unit_test(test_ports_protocol_and_ranges),
		cmocka_unit_test(test_named_ports_ingress),
		cmocka_unit_test(test_named_ports_egress),
		cmocka_unit_test(test_rules_outside_policy_types_ignored),
		cmocka_unit_test(test_rules_union_over_policies),
		cmocka_unit_test(test_egress_and_ingress_intersect),
		cmocka_unit_test(test_self_connections),
		cmocka_unit_test(test_invalid_policy_ignored),
		cmocka_unit_test(test_external_ranges),
		cmocka_unit_test(test_ipv6_ranges),
		cmocka_unit_test(test_sref_format),
		cmocka_unit_test(test_no_endpoints),
		cmocka_unit_test(test_label_index_grows),
		cmocka_unit_test(test_epset_dense_and_sparse),
		cmocka_unit_test(test_epset_from_solver),
		cmocka_unit_test(test_threads_same_solver),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
