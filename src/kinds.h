/*
 * The kinds npcheck knows, in one table (k8s_decode.c): the decoder dispatches on it
 * (what to build of a unit, the apiVersion served, scope, how to decode) and validation
 * reads a kind's name rule, scope and the labels beyond metadata.labels it checks.
 */
#ifndef NPCHECK_KINDS_H
#define NPCHECK_KINDS_H

#include "validate.h"

struct op_kind;

struct k8s_kind {
	const char *kind;
	const char *group;       /* the kind is this API group's (found by it); NULL: any */
	const char *api_version; /* the one apiVersion served; NULL: judged by its decoder */
	bool namespaced;
	bool kept;               /* its tree is kept after decoding (lint points into it) */
	bool check_meta;         /* validate_object_meta while decoding */
	bool meta_schema;        /* metadata's types checked by its schema walk, not here */
	enum name_rule name;
	/* NULL: a kind carrying network policy npcheck does not model, only noted. */
	void (*decode)(struct model *m, struct object *o, const struct ynode *doc,
		       const struct k8s_kind *k, const struct op_kind *op);
	const struct ypath *build; /* what to build of a unit of this kind; NULL: all */
	const char *template_path; /* a workload's pod template; NULL: not a workload */
	const char *labels_path;   /* labels the API server validates beyond metadata.labels */
};

/* The kind's entry for a document of this apiVersion (NULL: whatever the version, the
 * first of that name), or NULL when npcheck does not know the kind. */
const struct k8s_kind *k8s_kind_find(const char *kind, const char *api_version);

#endif
