/* Unit tests for config: every key of .npcheck.yaml, every error with its position,
 * rule severities applied to diagnostics, and ignorePaths globs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "portset.h"

static char tmpdir[64];
static char oldcwd[4096];
static char errbuf[8192];

/* Write text to NAME in the test directory and return the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* config_load with stderr captured into errbuf. */
static int load_capture(struct config *c, const char *path)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	rc = config_load(c, path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(errbuf, 1, sizeof(errbuf) - 1, tmp);
	errbuf[n] = '\0';
	fclose(tmp);
	return rc;
}

/* Load text as a configuration that must be accepted without a word on stderr. */
static void load_ok(struct config *c, const char *text)
{
	const char *path = write_file("ok.yaml", text);
	config_defaults(c);
	if (load_capture(c, path) != 0)
		fail_msg("rejected:\n%s\nwith:\n%s", text, errbuf);
	assert_string_equal(errbuf, "");
	assert_string_equal(c->path, path);
}

/* Load text, which must be rejected with exactly want (after "FILE:") on stderr, and
 * leave the configuration at its defaults. */
static void load_err(const char *text, const char *want)
{
	struct config c;
	const char *path = write_file("bad.yaml", text);
	char full[4096];

	config_defaults(&c);
	if (load_capture(&c, path) == 0)
		fail_msg("accepted:\n%s", text);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	if (strcmp(errbuf, full))
		fail_msg("for:\n%s\nwant: %sgot:  %s", text, full, errbuf);
	assert_int_equal(c.fail_on, -1);
	assert_null(c.path);
	assert_int_equal((int)c.nignore_paths, 0);
	assert_string_equal(c.dns_namespace, "kube-system");
	config_release(&c);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/npcheck-config-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	assert_non_null(getcwd(oldcwd, sizeof(oldcwd)));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	assert_int_equal(chdir(oldcwd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_defaults(void **state)
{
	struct config c;
	(void)state;
	config_defaults(&c);
	assert_int_equal(c.fail_on, -1);
	for (int i = 0; i < RULE__COUNT; i++)
		assert_int_equal(c.rule_severity[i], -1);
	assert_int_equal((int)c.nignore_paths, 0);
	assert_int_equal((int)(c.npod_cidrs + c.nservice_cidrs + c.nnode_cidrs + c.ndns_ips), 0);
	assert_string_equal(c.dns_namespace, "kube-system");
	assert_int_equal((int)c.ndns_labels, 1);
	assert_string_equal(c.dns_label_keys[0], "k8s-app");
	assert_string_equal(c.dns_label_values[0], "kube-dns");
	assert_true(c.cni_endport);
	assert_true(c.cni_sctp);
	assert_null(c.path);
	config_release(&c);
	config_release(&c); /* releasing twice is harmless */
}

static void test_full(void **state)
{
	struct config c;
	(void)state;
	load_ok(&c, "# every key\n"
		    "failOn: warning\n"
		    "rules: {or-trap: error, pod-not-isolated: off, allow-all: info}\n"
		    "ignorePaths: [\"charts/**/tests/**\", vendor]\n"
		    "cluster:\n"
		    "  podCIDRs: [10.244.0.0/16, \"fd00::/48\"]\n"
		    "  serviceCIDRs: [10.96.0.0/12]\n"
		    "  nodeCIDRs: [192.168.0.0/24]\n"
		    "  dns:\n"
		    "    namespace: dns-system\n"
		    "    podSelector: {k8s-app: kube-dns, app.kubernetes.io/name: coredns}\n"
		    "    ips: [169.254.20.10, \"fd00::a\"]\n"
		    "cni:\n"
		    "  endPort: false\n"
		    "  sctp: true\n");
	assert_int_equal(c.fail_on, SEV_WARNING);
	assert_int_equal(c.rule_severity[RULE_OR_TRAP], SEV_ERROR);
	assert_int_equal(c.rule_severity[RULE_POD_NOT_ISOLATED], SEV_OFF);
	assert_int_equal(c.rule_severity[RULE_ALLOW_ALL], SEV_INFO);
	assert_int_equal(c.rule_severity[RULE_RULE_SPLIT], -1);
	assert_int_equal((int)c.nignore_paths, 2);
	assert_string_equal(c.ignore_paths[0], "charts/**/tests/**");
	assert_string_equal(c.ignore_paths[1], "vendor");
	assert_int_equal((int)c.npod_cidrs, 2);
	assert_int_equal(c.pod_cidrs[0].family, AF_V4);
	assert_int_equal(c.pod_cidrs[0].prefix, 16);
	assert_true(c.pod_cidrs[0].lo == (((u128)10 << 24) | (244 << 16)));
	assert_int_equal(c.pod_cidrs[1].family, AF_V6);
	assert_int_equal(c.pod_cidrs[1].prefix, 48);
	assert_int_equal((int)c.nservice_cidrs, 1);
	assert_int_equal(c.service_cidrs[0].prefix, 12);
	assert_int_equal((int)c.nnode_cidrs, 1);
	assert_int_equal(c.node_cidrs[0].prefix, 24);
	assert_string_equal(c.dns_namespace, "dns-system");
	assert_int_equal((int)c.ndns_labels, 2);
	assert_string_equal(c.dns_label_keys[0], "k8s-app");
	assert_string_equal(c.dns_label_values[0], "kube-dns");
	assert_string_equal(c.dns_label_keys[1], "app.kubernetes.io/name");
	assert_string_equal(c.dns_label_values[1], "coredns");
	assert_int_equal((int)c.ndns_ips, 2);
	assert_int_equal(c.dns_ips[0].family, AF_V4);
	assert_int_equal(c.dns_ips[0].prefix, 32);
	assert_true(c.dns_ips[0].lo == c.dns_ips[0].hi);
	assert_true(c.dns_ips[0].lo == (((u128)169 << 24) | (254 << 16) | (20 << 8) | 10));
	assert_int_equal(c.dns_ips[1].family, AF_V6);
	assert_int_equal(c.dns_ips[1].prefix, 128);
	assert_false(c.cni_endport);
	assert_true(c.cni_sctp);
	config_release(&c);
	assert_null(c.path);
	assert_string_equal(c.dns_namespace, "kube-system");
}

/* Each key alone leaves every other at its default. */
static void test_each_key(void **state)
{
	struct config c;
	(void)state;

	load_ok(&c, "failOn: info\n");
	assert_int_equal(c.fail_on, SEV_INFO);
	assert_int_equal(c.rule_severity[RULE_OR_TRAP], -1);
	assert_string_equal(c.dns_namespace, "kube-system");
	config_release(&c);

	load_ok(&c, "failOn: error\n");
	assert_int_equal(c.fail_on, SEV_ERROR);
	config_release(&c);

	load_ok(&c, "rules:\n  yaml-syntax: warning\n  redundant-rule: error\n");
	assert_int_equal(c.rule_severity[RULE_YAML_SYNTAX], SEV_WARNING);
	assert_int_equal(c.rule_severity[RULE_REDUNDANT_RULE], SEV_ERROR);
	assert_int_equal(c.fail_on, -1);
	config_release(&c);

	/* every rule of the registry is a key of rules */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "rules:\n");
	for (int i = 0; i < RULE__COUNT; i++)
		strbuf_addf(&sb, "  %s: off\n", rule_table[i].id);
	load_ok(&c, sb.buf);
	for (int i = 0; i < RULE__COUNT; i++)
		assert_int_equal(c.rule_severity[i], SEV_OFF);
	config_release(&c);
	strbuf_release(&sb);

	load_ok(&c, "ignorePaths:\n- a/**\n- \"*.json\"\n");
	assert_int_equal((int)c.nignore_paths, 2);
	assert_string_equal(c.ignore_paths[1], "*.json");
	config_release(&c);

	load_ok(&c, "cluster: {nodeCIDRs: [\"2001:db8::/32\"]}\n");
	assert_int_equal((int)c.nnode_cidrs, 1);
	assert_int_equal(c.node_cidrs[0].family, AF_V6);
	assert_int_equal((int)c.npod_cidrs, 0);
	assert_int_equal((int)c.ndns_labels, 1);
	config_release(&c);

	load_ok(&c, "cluster:\n  dns:\n    namespace: coredns\n");
	assert_string_equal(c.dns_namespace, "coredns");
	assert_string_equal(c.dns_label_keys[0], "k8s-app"); /* the selector keeps its default */
	config_release(&c);

	/* an empty selector: every pod of the DNS namespace */
	load_ok(&c, "cluster:\n  dns:\n    podSelector: {}\n");
	assert_int_equal((int)c.ndns_labels, 0);
	assert_string_equal(c.dns_namespace, "kube-system");
	config_release(&c);

	load_ok(&c, "cluster:\n  dns:\n    podSelector:\n      app: dns\n      tier: \"\"\n");
	assert_int_equal((int)c.ndns_labels, 2);
	assert_string_equal(c.dns_label_values[1], "");
	config_release(&c);

	load_ok(&c, "cluster:\n  dns:\n    ips:\n    - 10.0.0.10\n");
	assert_int_equal((int)c.ndns_ips, 1);
	config_release(&c);

	load_ok(&c, "cni: {sctp: False}\n");
	assert_true(c.cni_endport);
	assert_false(c.cni_sctp);
	config_release(&c);

	load_ok(&c, "cni: {endPort: TRUE}\n");
	assert_true(c.cni_endport);
	config_release(&c);
}

/* Empty files, empty sections and null values mean the defaults. */
static void test_empty(void **state)
{
	struct config c;
	(void)state;
	load_ok(&c, "");
	assert_int_equal(c.fail_on, -1);
	config_release(&c);
	load_ok(&c, "# nothing yet\n");
	config_release(&c);
	load_ok(&c, "{}\n");
	config_release(&c);
	load_ok(&c, "rules:\ncluster:\nignorePaths:\ncni:\n");
	assert_int_equal((int)c.nignore_paths, 0);
	assert_true(c.cni_endport);
	config_release(&c);
	load_ok(&c, "cluster: {dns: ~, podCIDRs: null}\nrules: {}\n");
	assert_int_equal((int)c.npod_cidrs, 0);
	config_release(&c);
}

struct err_case {
	const char *text, *want;
};

static void test_errors(void **state)
{
	static const struct err_case cases[] = {
		/* what libcyaml rejects, at the position it reports */
		{ "bogus: 1\n", "1:1: error: unknown key 'bogus'\n" },
		{ "failOn: error\ncluster:\n  dns:\n    ips: []\n    bad: 3\n",
		  "5:5: error: unknown key 'cluster.dns.bad'\n" },
		{ "rules:\n  or-trap: off\n  or-trapp: off\n",
		  "3:3: error: unknown rule 'or-trapp'; did you mean 'or-trap'?\n" },
		{ "clustr: {}\n", "1:1: error: unknown key 'clustr'; did you mean 'cluster'?\n" },
		{ "cni: {endport: true}\n",
		  "1:7: error: unknown key 'cni.endport'; did you mean 'endPort'?\n" },
		{ "failOn: [error]\n", "1:9: error: 'failOn' must be a string, not a list\n" },
		{ "cluster: {podCIDRs: 10.0.0.0/8}\n",
		  "1:21: error: 'cluster.podCIDRs' must be a list, not a scalar\n" },
		{ "cluster: [a]\n", "1:10: error: 'cluster' must be a mapping, not a list\n" },
		{ "ignorePaths: [a, [b]]\n",
		  "1:18: error: an item of 'ignorePaths' must be a string, not a list\n" },
		{ "cni: {sctp: {a: 1}}\n", "1:13: error: 'cni.sctp' must be a boolean, not a mapping\n" },
		{ "- failOn: error\n", "1:1: error: the configuration must be a mapping, not a list\n" },
		{ "failOn: error\nfailOn: info\n", "2:1: error: duplicate key 'failOn'\n" },
		{ "cluster:\n  dns: {}\n  dns: {}\n", "3:3: error: duplicate key 'cluster.dns'\n" },
		{ "failOn: &a error\nignorePaths: [*a]\n",
		  "2:15: error: aliases are not allowed in the configuration\n" },
		/* what libyaml rejects */
		{ "failOn: @\n", "1:9: error: found character that cannot start any token while "
				 "scanning for the next token\n" },
		{ "failOn: error\n---\nfailOn: info\n",
		  "3:1: error: the configuration must be one YAML document\n" },
		/* values libcyaml accepts and npcheck does not */
		{ "failOn: warn\n",
		  "1:9: error: unknown failOn value 'warn' (expected error, warning or info)\n" },
		{ "failOn: off\n",
		  "1:9: error: unknown failOn value 'off' (expected error, warning or info)\n" },
		{ "rules: {or-trap: warn}\n",
		  "1:18: error: unknown severity 'warn' for rule 'or-trap' (expected off, info, "
		  "warning or error)\n" },
		{ "ignorePaths: [\"\"]\n", "1:15: error: empty pattern in ignorePaths\n" },
		{ "cluster:\n  podCIDRs:\n  - 10.0.0.0/8\n  - 10.0.0.0/33\n",
		  "4:3: error: invalid CIDR '10.0.0.0/33' in cluster.podCIDRs\n" },
		{ "cluster: {serviceCIDRs: [10.96.0.1]}\n",
		  "1:26: error: invalid CIDR '10.96.0.1' in cluster.serviceCIDRs\n" },
		{ "cluster: {nodeCIDRs: [x/24]}\n",
		  "1:23: error: invalid CIDR 'x/24' in cluster.nodeCIDRs\n" },
		{ "cluster: {dns: {ips: [169.254.20.10/32]}}\n",
		  "1:23: error: invalid IP address '169.254.20.10/32' in cluster.dns.ips\n" },
		{ "cluster: {dns: {podSelector: [a]}}\n",
		  "1:30: error: 'cluster.dns.podSelector' must be a mapping of labels\n" },
		{ "cluster: {dns: {podSelector: {a: b, a: c}}}\n",
		  "1:37: error: duplicate key 'cluster.dns.podSelector.a'\n" },
		{ "cluster: {dns: {podSelector: {a: [b]}}}\n",
		  "1:34: error: the value of label 'a' in cluster.dns.podSelector must be a string\n" },
		{ "cni:\n  endPort: maybe\n",
		  "2:12: error: invalid cni.endPort 'maybe' (expected true or false)\n" },
		{ "cni: {sctp: yes}\n", "1:13: error: invalid cni.sctp 'yes' (expected true or false)\n" },
		/* operators: a list of mappings, its entries named with their index */
		{ "operators:\n- kind: A\n  group: a.io\n- kind: B\n  grup: b.io\n",
		  "5:3: error: unknown key 'operators[1].grup'; did you mean 'group'?\n" },
		{ "operators: [{kind: A, group: a.io, ports: [{port: 1, nam: x}]}]\n",
		  "1:54: error: unknown key 'operators[0].ports[0].nam'; did you mean 'name'?\n" },
		{ "operators: [a]\n",
		  "1:13: error: an item of 'operators' must be a mapping, not a scalar\n" },
		{ "operators: [{kind: A, group: a.io, workload: 'x-{id}'}]\n",
		  "1:46: error: invalid workload 'x-{id}': unknown placeholder (expected {name}, "
		  "{namespace} or {shard})\n" },
		{ "operators: [{kind: A, group: a.io, labels: {a: 'b c'}}]\n",
		  "1:48: error: invalid label value 'b c': a valid label must be an empty string or "
		  "consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
		  "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
		  "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n" },
		{ "operators: [{kind: A, group: a.io, ports: [{port: 70000}]}]\n",
		  "1:51: error: invalid port '70000' in 'operators[0].ports[0]' (expected 1 to "
		  "65535)\n" },
		{ "operators: [{kind: A, group: a.io}, {kind: A, group: a.io}]\n",
		  "1:37: error: operators[1] repeats kind A of group a.io (operators[0])\n" },
		/* every error of a file is reported, in file order */
		{ "cni: {sctp: 1}\nfailOn: x\nrules: {allow-all: x}\n",
		  "1:13: error: invalid cni.sctp '1' (expected true or false)\n"
		  "BAD:2:9: error: unknown failOn value 'x' (expected error, warning or info)\n"
		  "BAD:3:20: error: unknown severity 'x' for rule 'allow-all' (expected off, info, "
		  "warning or error)\n" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* "BAD:" stands for the file name on lines after the first */
		struct strbuf want = STRBUF_INIT;
		char path[256];
		snprintf(path, sizeof(path), "%s/bad.yaml:", tmpdir);
		for (const char *p = cases[i].want; *p;) {
			if (!strncmp(p, "BAD:", 4)) {
				strbuf_addstr(&want, path);
				p += 4;
			} else {
				strbuf_addch(&want, *p++);
			}
		}
		load_err(cases[i].text, want.buf);
		strbuf_release(&want);
	}
}

/* Label syntax is checked as the API server checks it. */
static void test_label_errors(void **state)
{
	struct config c;
	(void)state;
	config_defaults(&c);
	assert_int_equal(load_capture(&c, write_file("bad.yaml", "cluster:\n  dns:\n"
				"    namespace: Kube_System\n"
				"    podSelector: {\"bad key!\": x, ok: \"-x\"}\n")), -1);
	assert_non_null(strstr(errbuf, "bad.yaml:3:16: error: invalid cluster.dns.namespace "
				       "'Kube_System': a lowercase RFC 1123 label must consist of"));
	assert_non_null(strstr(errbuf, "bad.yaml:4:19: error: invalid label key 'bad key!' in "
				       "cluster.dns.podSelector: name part must consist of"));
	assert_non_null(strstr(errbuf, "bad.yaml:4:38: error: invalid label value '-x' in "
				       "cluster.dns.podSelector: a valid label must be"));
	config_release(&c);
}

static void test_unreadable(void **state)
{
	struct config c;
	char want[512];
	(void)state;
	config_defaults(&c);
	snprintf(want, sizeof(want), "%s/none.yaml", tmpdir);
	assert_int_equal(load_capture(&c, want), -1);
	strcat(want, ": error: cannot read the configuration: No such file or directory\n");
	assert_string_equal(errbuf, want);
	config_release(&c);
}

static void test_too_large(void **state)
{
	struct config c;
	char *big = malloc(300 << 10);
	(void)state;
	assert_non_null(big);
	memset(big, '#', (300 << 10) - 1);
	big[(300 << 10) - 1] = '\0';
	config_defaults(&c);
	assert_int_equal(load_capture(&c, write_file("big.yaml", big)), -1);
	assert_non_null(strstr(errbuf, "big.yaml:1:1: error: the configuration is larger than"));
	config_release(&c);
	free(big);
}

static void test_deep(void **state)
{
	struct config c;
	char deep[2048];
	(void)state;
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	config_defaults(&c);
	assert_int_equal(load_capture(&c, write_file("deep.yaml", deep)), -1);
	assert_non_null(strstr(errbuf, "deep.yaml:1:257: error: nesting deeper than 256"));
	config_release(&c);
}

/* Without -c: .npcheck.yaml, else .npcheck.yml, else nothing at all. */
static void test_default_file(void **state)
{
	struct config c;
	(void)state;
	assert_int_equal(chdir(tmpdir), 0);
	unlink(".npcheck.yaml");
	unlink(".npcheck.yml");

	config_defaults(&c);
	assert_int_equal(load_capture(&c, NULL), 0);
	assert_null(c.path);
	assert_string_equal(errbuf, "");
	config_release(&c);

	write_file(".npcheck.yml", "failOn: info\n");
	config_defaults(&c);
	assert_int_equal(load_capture(&c, NULL), 0);
	assert_string_equal(c.path, ".npcheck.yml");
	assert_int_equal(c.fail_on, SEV_INFO);
	config_release(&c);

	write_file(".npcheck.yaml", "failOn: warning\n");
	config_defaults(&c);
	assert_int_equal(load_capture(&c, NULL), 0);
	assert_string_equal(c.path, ".npcheck.yaml");
	assert_int_equal(c.fail_on, SEV_WARNING);
	config_release(&c);

	write_file(".npcheck.yaml", "failOn: never\n");
	config_defaults(&c);
	assert_int_equal(load_capture(&c, NULL), -1);
	assert_string_equal(errbuf, ".npcheck.yaml:1:9: error: unknown failOn value 'never' "
				    "(expected error, warning or info)\n");
	config_release(&c);

	unlink(".npcheck.yaml");
	unlink(".npcheck.yml");
	assert_int_equal(chdir(oldcwd), 0);
}

/* operators: entries of the configuration first; a built-in one of the same kind and
 * group is replaced, the others stay. */
static void test_operators(void **state)
{
	struct config c;
	(void)state;
	config_defaults(&c);
	assert_ptr_equal(c.operators.kinds, operators_default()->kinds);
	load_ok(&c, "operators:\n"
		    "- kind: Cache\n  group: example.com\n  workload: cache-{name}\n"
		    "  labels: {app: cache, id: '{namespace}.{name}', build: null}\n"
		    "  ports: [{name: redis, port: 6379}, {port: 7946, protocol: udp}]\n"
		    "  defaultReplicas: 0\n"
		    "- kind: Prometheus\n  group: monitoring.coreos.com\n  disabled: true\n");
	assert_int_equal((int)c.operators.n, 4); /* Cache, Prometheus off, Alertmanager, ThanosRuler */
	const struct op_kind *k = operators_find(&c.operators, "Cache", "example.com/v2");
	assert_non_null(k);
	assert_string_equal(k->workload, "cache-{name}");
	assert_int_equal((int)k->nlabels, 3);
	assert_string_equal(k->labels[1].value, "{namespace}.{name}");
	assert_null(k->labels[2].value);
	assert_int_equal((int)k->nports, 2);
	assert_null(k->ports[1].name);
	assert_int_equal(k->ports[1].proto, PROTO_UDP);
	assert_int_equal((int)k->default_replicas, 0);
	assert_non_null(k->source);
	assert_null(operators_find(&c.operators, "Prometheus", "monitoring.coreos.com/v1"));
	assert_non_null(operators_find(&c.operators, "Alertmanager", "monitoring.coreos.com/v1"));
	config_release(&c);
	assert_ptr_equal(c.operators.kinds, operators_default()->kinds);
}

static void test_apply(void **state)
{
	struct config c;
	struct diag d;
	struct arena *a = arena_new();
	struct ypos pos = { "x.yaml", 1, 1 };
	(void)state;

	load_ok(&c, "rules: {duplicate-object: warning, unknown-field: off}\n");
	diag_init(&d, a);
	config_apply(&c, &d);
	assert_int_equal(d.severity[RULE_DUPLICATE_OBJECT], SEV_WARNING);
	assert_int_equal(d.severity[RULE_UNKNOWN_FIELD], SEV_OFF);
	assert_int_equal(d.severity[RULE_INVALID_SPEC], SEV_ERROR);
	assert_int_equal(d.severity[RULE_OR_TRAP], SEV_WARNING);
	diag_report(&d, RULE_DUPLICATE_OBJECT, &pos, NULL, "dup");
	diag_report(&d, RULE_UNKNOWN_FIELD, &pos, NULL, "dropped");
	assert_int_equal((int)d.n, 1);
	assert_int_equal(d.items[0].severity, SEV_WARNING);
	diag_release(&d);
	arena_free(a);
	config_release(&c);
}

static void test_ignores(void **state)
{
	struct config c;
	char abs[4096 + 64];
	(void)state;

	config_defaults(&c);
	assert_false(config_ignores(&c, "anything.yaml"));
	config_release(&c);

	load_ok(&c, "ignorePaths:\n"
		    "- charts/**/tests/**\n"
		    "- ./vendor/\n"
		    "- \"**/*.gen.yaml\"\n"
		    "- docs/*.yaml\n"
		    "- \"tmp/file[0-9].yml\"\n");
	assert_true(config_ignores(&c, "charts/a/tests/np.yaml"));
	assert_true(config_ignores(&c, "charts/a/b/tests/c/d.yaml"));
	assert_true(config_ignores(&c, "charts/tests/np.yaml")); /* ** spans zero directories */
	assert_true(config_ignores(&c, "./charts/a/tests/np.yaml"));
	assert_false(config_ignores(&c, "charts/a/np.yaml"));
	assert_false(config_ignores(&c, "other/charts/a/tests/np.yaml"));
	assert_true(config_ignores(&c, "vendor/x/y.yaml")); /* a directory: everything below */
	assert_true(config_ignores(&c, "vendor//x.yaml"));
	assert_false(config_ignores(&c, "vendored/x.yaml"));
	assert_true(config_ignores(&c, "x.gen.yaml"));
	assert_true(config_ignores(&c, "a/b/x.gen.yaml"));
	assert_true(config_ignores(&c, "docs/a.yaml"));
	assert_false(config_ignores(&c, "docs/sub/a.yaml")); /* * stays in one directory */
	assert_true(config_ignores(&c, "tmp/file7.yml"));
	assert_false(config_ignores(&c, "tmp/filex.yml"));
	assert_false(config_ignores(&c, "<stdin>"));
	/* an absolute path inside the current directory matches its relative form */
	assert_non_null(getcwd(abs, 4096));
	strcat(abs, "/charts/x/tests/np.yaml");
	assert_true(config_ignores(&c, abs));
	config_release(&c);

	/* an absolute pattern matches a relative path by its absolute form */
	char text[4200];
	assert_non_null(getcwd(abs, 4096));
	snprintf(text, sizeof(text), "ignorePaths: [\"%s/gen/**\"]\n", abs);
	load_ok(&c, text);
	assert_true(config_ignores(&c, "gen/a.yaml"));
	assert_false(config_ignores(&c, "src/a.yaml"));
	config_release(&c);

	load_ok(&c, "ignorePaths: [\"**\"]\n");
	assert_true(config_ignores(&c, "a.yaml"));
	assert_true(config_ignores(&c, "/x/y/z.json"));
	config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_each_key),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_label_errors),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_default_file),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_ignores),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
