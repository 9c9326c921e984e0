/*
 * What the API server rejects, in its wording (validate.c): internal to building the
 * model, and the name and label syntax that the configuration and the policy tiers
 * check too.
 */
#ifndef NPCHECK_VALIDATE_H
#define NPCHECK_VALIDATE_H

#include "model.h"

/* validate.c: API-server validation of one policy; sets p->invalid and reports. */
void validate_policy(struct model *m, struct policy *p);
/* validate.c: undo what validate_policy filled in (the parsed ipBlocks), for a policy
 * validated early that turns out to be a duplicate, which is never validated. */
void validate_policy_forget(struct policy *p);
/* validate.c: how the API server checks a kind's metadata.name (ValidateNameFunc). */
enum name_rule {
	NAME_DNS_SUBDOMAIN, /* most kinds */
	NAME_DNS_LABEL,     /* Namespace */
	NAME_DNS1035_LABEL, /* Service */
	NAME_CRONJOB,       /* a subdomain of at most 52 characters */
};
/* validate.c: API-server validation of the metadata (meta, the metadata mapping or NULL)
 * of an object (its tree doc) of a kind (k, kinds.h) other than NetworkPolicy, and of
 * the one more mapping the API server checks as labels (k->labels_path: a pod template's
 * labels, a Service's selector). Runs while the object's tree is decoded, on any loader
 * thread. Reports, sets o->invalid and returns true when the API server would reject it. */
struct k8s_kind;
bool validate_object_meta(struct model *m, struct object *o, const struct ynode *meta,
			  const struct k8s_kind *k, const struct ynode *doc);
/* validate.c: Kubernetes name and label syntax (pcre2). Return NULL when valid, else
 * the API server's message (static or arena-owned). */
const char *validate_dns1123_subdomain(const char *s);
const char *validate_dns1123_label(const char *s);
const char *validate_label_key(const char *s);
const char *validate_label_value(const char *s);

#endif
