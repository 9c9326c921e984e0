/* The one place API defaults are applied, as the API server does before storing. */
#include <string.h>

#include "load_int.h"

void normalize_policy(struct policy *p)
{
	/* "If this field is not specified, it will default based on the existence of
	 * ingress or egress rules; policies that contain an egress section are assumed
	 * to affect egress, and all policies (whether or not they contain an ingress
	 * section) are assumed to affect ingress." An empty egress list adds nothing. */
	/* SetDefaults_NetworkPolicy tests len(policyTypes) == 0: [] is defaulted too. */
	if (p->types_given && p->ntypes > 0) {
		p->types[DIR_INGRESS] = p->types[DIR_EGRESS] = false;
		for (size_t i = 0; i < p->ntypes; i++) {
			const char *t = ynode_str(p->type_nodes[i]);
			if (t && !strcmp(t, "Ingress"))
				p->types[DIR_INGRESS] = true;
			else if (t && !strcmp(t, "Egress"))
				p->types[DIR_EGRESS] = true;
		}
	} else {
		p->types[DIR_INGRESS] = true;
		p->types[DIR_EGRESS] = p->nrules[DIR_EGRESS] > 0;
	}
	/* "If not specified, this field defaults to TCP." */
	for (int d = 0; d < DIR__COUNT; d++)
		for (size_t i = 0; i < p->nrules[d]; i++)
			for (size_t j = 0; j < p->rules[d][i].nports; j++) {
				struct np_port *pt = &p->rules[d][i].ports[j];
				pt->proto = pt->proto_text ? proto_parse(pt->proto_text) : PROTO_TCP;
			}
}
