/* Unit tests for the tier walk (TIERS.md §2): admin by priority and rule order, Pass,
 * NetworkPolicy final once it isolates, baseline, default allow; peers, ports and ties;
 * and a differential test against a naive walk on random inputs. */
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
#include "tiers.h"

struct st {
	struct tu t;
	struct solver s;
};

static void st_load(struct st *x, const char *yaml)
{
	tu_load(&x->t, yaml);
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

static struct sref ip(const char *a)
{
	struct sref r = { 0 };
	if (ip_parse(a, false, &r.family, &r.lo))
		fail_msg("bad address %s", a);
	r.hi = r.lo;
	return r;
}

/* What solver_allowed says, in the output contract's words (static buffer). */
static const char *allowed(const struct st *x, struct sref a, struct sref b)
{
	static char buf[256];
	struct connset c;
	struct strbuf sb = STRBUF_INIT;
	connset_init(&c);
	solver_allowed(&x->s, &a, &b, &c);
	connset_format(&c, &sb);
	snprintf(buf, sizeof(buf), "%s", sb.buf);
	strbuf_release(&sb);
	connset_release(&c);
	return buf;
}

/* Two namespaces, a client and a server with a named port, known IPs, one Node. */
#define PODS \
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {team: a}}\n---\n" \
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {team: b}}\n---\n" \
	"apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: a, labels: {app: client}}\n" \
	"status: {podIP: 10.0.0.1}\n---\n" \
	"apiVersion: v1\nkind: Pod\nmetadata: {name: server, namespace: b, labels: {app: server}}\n" \
	"spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}\n" \
	"status: {podIP: 10.0.1.1}\n---\n" \
	"apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {pool: infra}}\n" \
	"status: {addresses: [{type: InternalIP, address: 192.168.0.7}]}\n---\n"

#define ANP(name, prio) \
	"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n" \
	"metadata: {name: " name "}\nspec:\n  priority: " #prio "\n"
#define BANP \
	"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n" \
	"metadata: {name: default}\nspec:\n"
#define SUBJECT_ALL "  subject: {namespaces: {}}\n"
#define FROM_ALL(action) "  ingress:\n  - action: " action "\n    from: [{namespaces: {}}]\n"
#define NP_ALLOW_8080 \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: b}\n" \
	"spec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 8080}]\n---\n"

#define C "a/client[Pod]"
#define S "b/server[Pod]"

static void admin_deny_before_np(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS NP_ALLOW_8080 ANP("deny", 10) SUBJECT_ALL FROM_ALL("Deny"));
	assert_int_equal(x.t.m.tiers->norder, 1);
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "No Connections");
	st_free(&x);
}

static void admin_allow_overrides_np(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS NP_ALLOW_8080 ANP("allow", 10) SUBJECT_ALL
		"  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n"
		"    ports: [{portNumber: {port: 22}}]\n");
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "TCP 22,8080");
	st_free(&x);
}

static void pass_then_np_is_final(void **state)
{
	(void)state;
	struct st x;
	/* Pass hands everything to the NetworkPolicy, which isolates the server: the
	 * baseline Deny is never reached, and only 8080 is allowed. */
	st_load(&x, PODS NP_ALLOW_8080 ANP("pass", 10) SUBJECT_ALL FROM_ALL("Pass")
		"---\n" BANP SUBJECT_ALL FROM_ALL("Deny"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "TCP 8080");
	st_free(&x);
}

static void pass_then_baseline(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS ANP("pass", 10) SUBJECT_ALL FROM_ALL("Pass") "---\n" BANP SUBJECT_ALL
		FROM_ALL("Deny"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "No Connections");
	st_free(&x);
	/* Pass with nothing below is allowed: Pass is not Deny. */
	st_load(&x, PODS ANP("pass", 10) SUBJECT_ALL FROM_ALL("Pass"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "All Connections");
	st_free(&x);
}

static void priority_then_rule_order(void **state)
{
	(void)state;
	struct st x;
	/* The lower number decides first, whatever the input order. */
	st_load(&x, PODS ANP("late", 20) SUBJECT_ALL FROM_ALL("Deny") "---\n" ANP("early", 3)
		SUBJECT_ALL FROM_ALL("Allow"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "All Connections");
	st_free(&x);
	/* In one policy, the first matching rule decides, port by port. */
	st_load(&x, PODS ANP("rules", 1) SUBJECT_ALL
		"  ingress:\n"
		"  - action: Allow\n    from: [{namespaces: {}}]\n    ports: [{portNumber: {port: 80}}]\n"
		"  - action: Deny\n    from: [{namespaces: {}}]\n"
		"  - action: Allow\n    from: [{namespaces: {}}]\n");
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "TCP 80");
	st_free(&x);
}

static void tie_ordered_by_name(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS ANP("b-deny", 5) SUBJECT_ALL FROM_ALL("Deny") "---\n" ANP("a-allow", 5)
		SUBJECT_ALL FROM_ALL("Allow"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "All Connections");
	/* The decision says so. */
	struct sref a = ep(&x, C), b = ep(&x, S);
	struct connset out, np;
	struct tier_decision *dec = NULL;
	size_t ndec = 0;
	connset_init(&out);
	connset_init(&np);
	tiers_direction(&x.s, DIR_INGRESS, &a, &b, false, &np, &out, &dec, &ndec);
	assert_int_equal(ndec, 1);
	assert_true(dec[0].tie);
	assert_string_equal(dec[0].tie_with->obj->name, "b-deny");
	assert_string_equal(dec[0].rule->tp->obj->name, "a-allow");
	connset_release(&dec[0].conns);
	free(dec);
	connset_release(&out);
	connset_release(&np);
	st_free(&x);
}

static void networks_match_pods_and_nodes(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS ANP("egress", 1) "  subject: {namespaces: {matchLabels: {team: a}}}\n"
		"  egress:\n"
		"  - action: Deny\n    to: [{networks: [10.0.1.0/24]}]\n"
		"  - action: Deny\n    to: [{nodes: {matchLabels: {pool: infra}}}]\n"
		"    ports: [{portRange: {protocol: UDP, start: 1, end: 100}}]\n");
	/* The server's IP is inside the CIDR: pod traffic is caught too. */
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "No Connections");
	assert_string_equal(allowed(&x, ep(&x, C), ip("10.0.1.9")), "No Connections");
	assert_string_equal(allowed(&x, ep(&x, C), ip("10.0.2.9")), "All Connections");
	assert_string_equal(allowed(&x, ep(&x, C), ip("192.168.0.7")),
			    "SCTP 1-65535,TCP 1-65535,UDP 101-65535");
	/* Ingress peers are pods only: the subject of another namespace is untouched. */
	assert_string_equal(allowed(&x, ep(&x, S), ep(&x, C)), "All Connections");
	st_free(&x);
}

static void named_port_and_empty_range(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS ANP("named", 1) SUBJECT_ALL
		"  ingress:\n"
		"  - action: Allow\n    from: [{namespaces: {}}]\n    ports: [{namedPort: web}]\n"
		"  - action: Deny\n    from: [{namespaces: {}}]\n"
		"    ports: [{portRange: {start: 90, end: 80}}, {portNumber: {port: 9000}}]\n"
		"---\n" BANP SUBJECT_ALL FROM_ALL("Deny"));
	/* web is 8080 on the server; the reversed range is empty (v1alpha1 allows it). */
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "TCP 8080");
	st_free(&x);
}

static void egress_allow_needs_ingress(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS ANP("out", 1) "  subject: {namespaces: {matchLabels: {team: a}}}\n"
		"  egress:\n  - action: Allow\n    to: [{namespaces: {}}]\n"
		"---\n" ANP("in", 2) "  subject: {namespaces: {matchLabels: {team: b}}}\n"
		FROM_ALL("Deny"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "No Connections");
	st_free(&x);
}

static void invalid_takes_no_part(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS ANP("bad", 1001) SUBJECT_ALL FROM_ALL("Deny"));
	assert_non_null(tu_finding(&x.t.d, RULE_INVALID_SPEC, 0));
	assert_int_equal(x.t.m.tiers->norder, 0);
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "All Connections");
	st_free(&x);
}

static void cnp_baseline_pass(void **state)
{
	(void)state;
	struct st x;
	st_load(&x, PODS
		"apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
		"metadata: {name: p}\nspec:\n  tier: Baseline\n  priority: 1\n" SUBJECT_ALL
		"  ingress:\n  - action: Pass\n    from: [{pods: {podSelector: {}}}]\n"
		"    protocols: [{tcp: {destinationPort: {range: {start: 1, end: 1000}}}}]\n---\n"
		"apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
		"metadata: {name: d}\nspec:\n  tier: Baseline\n  priority: 2\n" SUBJECT_ALL
		FROM_ALL("Deny"));
	assert_string_equal(allowed(&x, ep(&x, C), ep(&x, S)), "TCP 1-1000");
	st_free(&x);
}

/* ---- differential: the walk against a naive one ---- */

static unsigned rnd_state;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

static const char *const actions[] = { "Allow", "Deny", "Pass" };

/* A random input: 3 namespaces, 6 pods with labels and IPs, random ANPs, a BANP, and
 * sometimes NetworkPolicies. */
static void random_input(struct strbuf *sb)
{
	for (int n = 0; n < 3; n++)
		strbuf_addf(sb, "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns%d, labels: "
				"{z: \"%u\"}}\n---\n", n, rnd(2));
	for (int p = 0; p < 6; p++)
		strbuf_addf(sb, "apiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: ns%u, "
				"labels: {app: \"%u\"}}\nspec: {containers: [{name: c, ports: "
				"[{name: web, containerPort: %u}]}]}\nstatus: {podIP: 10.0.0.%d}\n---\n",
			    p, rnd(3), rnd(3), 80 + rnd(3), p + 1);
	int npol = 1 + (int)rnd(4);
	for (int i = 0; i < npol; i++) {
		strbuf_addf(sb, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: "
				"AdminNetworkPolicy\nmetadata: {name: anp%d}\nspec:\n  priority: %u\n",
			    i, rnd(3));
		if (rnd(2))
			strbuf_addf(sb, "  subject: {namespaces: {matchLabels: {z: \"%u\"}}}\n", rnd(2));
		else
			strbuf_addf(sb, "  subject: {pods: {namespaceSelector: {}, podSelector: "
					"{matchLabels: {app: \"%u\"}}}}\n", rnd(3));
		for (int d = 0; d < 2; d++) {
			unsigned nr = rnd(3);
			if (!nr)
				continue;
			strbuf_addstr(sb, d ? "  egress:\n" : "  ingress:\n");
			for (unsigned r = 0; r < nr; r++) {
				strbuf_addf(sb, "  - action: %s\n    %s:\n", actions[rnd(3)], d ? "to" : "from");
				unsigned k = rnd(d ? 3 : 2);
				if (k == 0)
					strbuf_addf(sb, "    - namespaces: {matchLabels: {z: \"%u\"}}\n", rnd(2));
				else if (k == 1)
					strbuf_addf(sb, "    - pods: {namespaceSelector: {}, podSelector: "
							"{matchLabels: {app: \"%u\"}}}\n", rnd(3));
				else
					strbuf_addf(sb, "    - networks: [10.0.0.%u/31]\n", rnd(4) * 2);
				unsigned pk = rnd(4);
				if (pk == 1)
					strbuf_addf(sb, "    ports: [{portNumber: {port: %u}}]\n", 80 + rnd(3));
				else if (pk == 2)
					strbuf_addf(sb, "    ports: [{portRange: {start: %u, end: 82}}]\n",
						    80 + rnd(3));
				else if (pk == 3 && !d)
					strbuf_addstr(sb, "    ports: [{namedPort: web}]\n");
			}
		}
		strbuf_addstr(sb, "---\n");
	}
	if (rnd(2)) {
		strbuf_addf(sb, BANP "  subject: {namespaces: {matchLabels: {z: \"%u\"}}}\n"
				"  ingress:\n  - action: %s\n    from: [{namespaces: {}}]\n"
				"  egress:\n  - action: %s\n    to: [{namespaces: {}}]\n"
				"    ports: [{portNumber: {port: 81}}]\n---\n",
			    rnd(2), actions[rnd(2)], actions[rnd(2)]);
	}
	if (rnd(2))
		strbuf_addf(sb, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: "
				"{name: np, namespace: ns%u}\nspec:\n  podSelector: {matchLabels: {app: "
				"\"%u\"}}\n  ingress:\n  - ports: [{port: 80}]\n", rnd(3), rnd(3));
}

/* The port a rule covers towards dst, read from the model directly. */
static bool naive_port(const struct trule *r, const struct endpoint *dst, int proto, int port)
{
	if (!r->nports)
		return true;
	for (size_t i = 0; i < r->nports; i++) {
		const struct tport *pt = &r->ports[i];
		if (pt->name) {
			for (size_t j = 0; j < dst->nports; j++)
				if (dst->ports[j].name && !strcmp(dst->ports[j].name, pt->name) &&
				    dst->ports[j].proto == proto && dst->ports[j].port == port)
					return true;
		} else if (pt->proto == proto && port >= pt->lo && port <= pt->hi) {
			return true;
		}
	}
	return false;
}

static bool naive_peer(const struct model *m, const struct tpeer *pe, const struct endpoint *e)
{
	const struct namespace *ns = m->namespaces[e->ns_index];
	switch (pe->kind) {
	case TP_NAMESPACES:
		return selector_matches(&pe->ns_sel, &ns->labels);
	case TP_PODS:
		return (!pe->ns_sel.node || selector_matches(&pe->ns_sel, &ns->labels)) &&
		       selector_matches(&pe->pod_sel, &e->labels);
	case TP_NETWORKS:
		for (size_t i = 0; i < pe->nnets; i++)
			for (size_t k = 0; k < e->nips; k++)
				if (e->ips[k].family == pe->nets[i].family &&
				    e->ips[k].addr >= pe->nets[i].lo && e->ips[k].addr <= pe->nets[i].hi)
					return true;
		return false;
	default:
		return false;
	}
}

/* One direction for one port, every policy and rule in order: 1 allow, 0 deny. */
static int naive_dir(const struct st *x, enum direction d, const struct endpoint *self,
		     const struct endpoint *other, const struct endpoint *dst, int proto, int port)
{
	const struct model *m = &x->t.m;
	const struct tiers *t = m->tiers;
	for (int tier = TIER_ADMIN; tier <= TIER_BASELINE; tier++) {
		if (tier == TIER_BASELINE && x->s.eps[self->index].isolated[d]) {
			/* NetworkPolicy is final once it isolates. */
			struct sref a = { .ep = d == DIR_EGRESS ? self : other };
			struct sref b = { .ep = dst };
			struct connset c;
			connset_init(&c);
			solver_np_direction(&x->s, d, &a, &b, &c);
			int v = connset_contains(&c, proto, port);
			connset_release(&c);
			return v;
		}
		for (size_t i = 0; t && i < t->norder; i++) {
			const struct tpolicy *p = t->order[i];
			if ((int)p->tier != tier || !naive_peer(m, &p->subject, self))
				continue;
			for (size_t r = 0; r < p->nrules[d]; r++) {
				const struct trule *tr = &p->rules[d][r];
				bool hit = false;
				for (size_t k = 0; k < tr->npeers && !hit; k++)
					hit = naive_peer(m, &tr->peers[k], other);
				if (!hit || !naive_port(tr, dst, proto, port))
					continue;
				if (tr->action == TACT_ALLOW)
					return 1;
				if (tr->action == TACT_DENY)
					return 0;
				goto next_tier; /* Pass */
			}
		}
	next_tier:;
	}
	return 1;
}

static void differential(void **state)
{
	(void)state;
	rnd_state = 13;
	for (int round = 0; round < 200; round++) {
		struct strbuf sb = STRBUF_INIT;
		random_input(&sb);
		struct st x;
		st_load(&x, sb.buf);
		const struct model *m = &x.t.m;
		/* Every generated policy is valid: the walk is what is tested. */
		assert_int_equal(tu_count(&x.t.d, RULE_INVALID_SPEC), 0);
		assert_non_null(m->tiers);
		assert_true(m->tiers->norder >= 2 || m->tiers->norder == m->tiers->npol);
		for (size_t i = 0; i < m->nendpoints; i++)
			for (size_t j = 0; j < m->nendpoints; j++) {
				if (i == j)
					continue;
				struct sref a = { .ep = m->endpoints[i] }, b = { .ep = m->endpoints[j] };
				struct connset c;
				connset_init(&c);
				solver_allowed(&x.s, &a, &b, &c);
				for (int proto = 0; proto < PROTO__COUNT; proto++)
					for (int port = 79; port <= 83; port++) {
						int want = naive_dir(&x, DIR_EGRESS, a.ep, b.ep, b.ep, proto, port) &&
							   naive_dir(&x, DIR_INGRESS, b.ep, a.ep, b.ep, proto, port);
						if (want != connset_contains(&c, proto, port))
							fail_msg("round %d: %s => %s %s %d: walk says %d\n%s", round,
								 a.ep->display, b.ep->display, proto_name(proto),
								 port, !want, sb.buf);
					}
				connset_release(&c);
				/* The explained walk (reach) and the fast one (list) agree. */
				for (int d = 0; d < DIR__COUNT; d++) {
					const struct sref *self = d == DIR_EGRESS ? &a : &b;
					bool iso = x.s.eps[self->ep->index].isolated[d];
					struct connset np, fast, slow;
					struct tier_decision *dec = NULL;
					size_t ndec = 0;
					connset_init(&np);
					connset_init(&fast);
					connset_init(&slow);
					solver_np_direction(&x.s, (enum direction)d, &a, &b, &np);
					tiers_direction(&x.s, (enum direction)d, &a, &b, iso, &np, &fast, NULL, NULL);
					tiers_direction(&x.s, (enum direction)d, &a, &b, iso, &np, &slow, &dec, &ndec);
					if (!connset_equal(&fast, &slow))
						fail_msg("round %d: %s => %s: the two walks differ in %s\n%s", round,
							 a.ep->display, b.ep->display, d ? "egress" : "ingress", sb.buf);
					for (size_t k = 0; k < ndec; k++)
						connset_release(&dec[k].conns);
					free(dec);
					connset_release(&np);
					connset_release(&fast);
					connset_release(&slow);
				}
			}
		st_free(&x);
		strbuf_release(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(admin_deny_before_np),
		cmocka_unit_test(admin_allow_overrides_np),
		cmocka_unit_test(pass_then_np_is_final),
		cmocka_unit_test(pass_then_baseline),
		cmocka_unit_test(priority_then_rule_order),
		cmocka_unit_test(tie_ordered_by_name),
		cmocka_unit_test(networks_match_pods_and_nodes),
		cmocka_unit_test(named_port_and_empty_range),
		cmocka_unit_test(egress_allow_needs_ingress),
		cmocka_unit_test(invalid_takes_no_part),
		cmocka_unit_test(cnp_baseline_pass),
		cmocka_unit_test(differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
