/*
 * The laws of the interval-set algebra (src/rangeset.h), checked through a typed set's
 * own functions: the same checks for address sets (test_cidrset.c) and port sets
 * (test_portset.c). A template: the including test defines
 *   LAWS_SET       the set type            LAWS_VALUE   its value type
 *   LAWS_FN(op)    its function for op (init excepted): ipset_##op, portset_##op
 *   LAWS_INIT(s)   initializes *s          LAWS_CHECK(s) asserts its structural invariant
 *   LAWS_MAX       the largest value       LAWS_RANDOM() a random value of the domain
 *   LAWS_OVERLAPS  (optional) the type has LAWS_FN(overlaps)
 * and a function rng() returning uint64_t.
 */
#define LAWS_W 96 /* the window of values the model follows */

/* The model: one bool per value of a window of LAWS_W values starting at base. */
struct laws_model {
	bool in[LAWS_W];
};

static void laws_random_set(LAWS_SET *s, struct laws_model *m, LAWS_VALUE base)
{
	int k = (int)(rng() % 5);

	memset(m, 0, sizeof(*m));
	LAWS_FN(clear)(s);
	for (int i = 0; i < k; i++) {
		int lo = (int)(rng() % LAWS_W), len = (int)(rng() % 12);
		int hi = lo + len < LAWS_W ? lo + len : LAWS_W - 1;
		LAWS_FN(add_range)(s, base + (LAWS_VALUE)lo, base + (LAWS_VALUE)hi);
		for (int x = lo; x <= hi; x++)
			m->in[x] = true;
	}
	/* Sometimes single values at the window edges, where off-by-ones live. */
	if (rng() % 4 == 0) {
		LAWS_FN(add_range)(s, base, base);
		m->in[0] = true;
	}
	if (rng() % 4 == 0) {
		LAWS_FN(add_range)(s, base + LAWS_W - 1, base + LAWS_W - 1);
		m->in[LAWS_W - 1] = true;
	}
}

static void laws_same_as_model(const LAWS_SET *s, const struct laws_model *m, LAWS_VALUE base)
{
	size_t count = 0;

	LAWS_CHECK(s);
	for (size_t i = 0; i < s->n; i++) {
		assert_true(s->r[i].lo >= base && s->r[i].hi <= base + LAWS_W - 1);
		count += (size_t)(s->r[i].hi - s->r[i].lo) + 1;
	}
	for (int x = 0; x < LAWS_W; x++)
		if (LAWS_FN(contains)(s, base + (LAWS_VALUE)x) != m->in[x])
			fail_msg("value base+%d: set says %d, model %d", x,
				 LAWS_FN(contains)(s, base + (LAWS_VALUE)x), m->in[x]);
	for (int x = 0; x < LAWS_W; x++)
		count -= m->in[x];
	assert_true(count == 0);
	if (base > 0)
		assert_false(LAWS_FN(contains)(s, base - 1));
	if (base + (LAWS_W - 1) < LAWS_MAX)
		assert_false(LAWS_FN(contains)(s, base + LAWS_W));
}

static void laws(const LAWS_SET *a, const LAWS_SET *b, const LAWS_SET *c)
{
	LAWS_SET x, y, u, ca, cb;

	LAWS_INIT(&x);
	LAWS_INIT(&y);
	LAWS_INIT(&u);
	LAWS_INIT(&ca);
	LAWS_INIT(&cb);
	LAWS_FN(add_all)(&u);

	/* Commutative. */
	LAWS_FN(copy)(&x, a);
	LAWS_FN(union)(&x, b);
	LAWS_FN(copy)(&y, b);
	LAWS_FN(union)(&y, a);
	assert_true(LAWS_FN(equal)(&x, &y));
	LAWS_FN(copy)(&x, a);
	LAWS_FN(intersect)(&x, b);
	LAWS_FN(copy)(&y, b);
	LAWS_FN(intersect)(&y, a);
	assert_true(LAWS_FN(equal)(&x, &y));
#ifdef LAWS_OVERLAPS
	assert_true(LAWS_FN(overlaps)(a, b) == !LAWS_FN(is_empty)(&x));
	assert_true(LAWS_FN(overlaps)(a, b) == LAWS_FN(overlaps)(b, a));
#endif

	/* Associative. */
	LAWS_FN(copy)(&x, a);
	LAWS_FN(union)(&x, b);
	LAWS_FN(union)(&x, c);
	LAWS_FN(copy)(&y, b);
	LAWS_FN(union)(&y, c);
	LAWS_FN(union)(&y, a);
	assert_true(LAWS_FN(equal)(&x, &y));
	LAWS_FN(copy)(&x, a);
	LAWS_FN(intersect)(&x, b);
	LAWS_FN(intersect)(&x, c);
	LAWS_FN(copy)(&y, b);
	LAWS_FN(intersect)(&y, c);
	LAWS_FN(intersect)(&y, a);
	assert_true(LAWS_FN(equal)(&x, &y));

	/* (A \ B) ∩ B = ∅ and (A \ B) ∪ (A ∩ B) = A. */
	LAWS_FN(copy)(&x, a);
	LAWS_FN(subtract)(&x, b);
	LAWS_FN(copy)(&y, &x);
	LAWS_FN(intersect)(&y, b);
	assert_true(LAWS_FN(is_empty)(&y));
#ifdef LAWS_OVERLAPS
	assert_false(LAWS_FN(overlaps)(&x, b));
#endif
	LAWS_FN(copy)(&y, a);
	LAWS_FN(intersect)(&y, b);
	LAWS_FN(union)(&x, &y);
	assert_true(LAWS_FN(equal)(&x, a));

	/* De Morgan against the whole domain. */
	LAWS_FN(copy)(&ca, &u);
	LAWS_FN(subtract)(&ca, a);
	LAWS_FN(copy)(&cb, &u);
	LAWS_FN(subtract)(&cb, b);
	LAWS_FN(copy)(&x, a);
	LAWS_FN(union)(&x, b);
	LAWS_FN(copy)(&y, &u);
	LAWS_FN(subtract)(&y, &x);
	LAWS_FN(copy)(&x, &ca);
	LAWS_FN(intersect)(&x, &cb);
	assert_true(LAWS_FN(equal)(&x, &y));
	LAWS_FN(copy)(&x, a);
	LAWS_FN(intersect)(&x, b);
	LAWS_FN(copy)(&y, &u);
	LAWS_FN(subtract)(&y, &x);
	LAWS_FN(copy)(&x, &ca);
	LAWS_FN(union)(&x, &cb);
	assert_true(LAWS_FN(equal)(&x, &y));
	LAWS_CHECK(&ca);
	/* The complement of the complement, and A ∪ ¬A = U. */
	LAWS_FN(copy)(&x, &u);
	LAWS_FN(subtract)(&x, &ca);
	assert_true(LAWS_FN(equal)(&x, a));
	LAWS_FN(copy)(&x, a);
	LAWS_FN(union)(&x, &ca);
	assert_true(LAWS_FN(equal)(&x, &u));

	/* Idempotent. */
	LAWS_FN(copy)(&x, a);
	LAWS_FN(union)(&x, a);
	assert_true(LAWS_FN(equal)(&x, a));
	LAWS_FN(intersect)(&x, a);
	assert_true(LAWS_FN(equal)(&x, a));
	LAWS_FN(subtract)(&x, a);
	assert_true(LAWS_FN(is_empty)(&x));
	/* The same set on both sides (dst is src: union and intersection answer at once). */
	LAWS_FN(copy)(&x, a);
	LAWS_FN(union)(&x, &x);
	assert_true(LAWS_FN(equal)(&x, a));
	LAWS_FN(intersect)(&x, &x);
	assert_true(LAWS_FN(equal)(&x, a));
	LAWS_FN(subtract)(&x, &x);
	assert_true(LAWS_FN(is_empty)(&x));

	/* Distributive both ways: A ∩ (B ∪ C) = (A ∩ B) ∪ (A ∩ C) and
	 * A ∪ (B ∩ C) = (A ∪ B) ∩ (A ∪ C). */
	LAWS_FN(copy)(&x, b);
	LAWS_FN(union)(&x, c);
	LAWS_FN(intersect)(&x, a);
	LAWS_FN(copy)(&y, a);
	LAWS_FN(intersect)(&y, b);
	LAWS_FN(copy)(&ca, a);
	LAWS_FN(intersect)(&ca, c);
	LAWS_FN(union)(&y, &ca);
	assert_true(LAWS_FN(equal)(&x, &y));
	LAWS_FN(copy)(&x, b);
	LAWS_FN(intersect)(&x, c);
	LAWS_FN(union)(&x, a);
	LAWS_FN(copy)(&y, a);
	LAWS_FN(union)(&y, b);
	LAWS_FN(copy)(&ca, a);
	LAWS_FN(union)(&ca, c);
	LAWS_FN(intersect)(&y, &ca);
	assert_true(LAWS_FN(equal)(&x, &y));

	LAWS_FN(release)(&x);
	LAWS_FN(release)(&y);
	LAWS_FN(release)(&u);
	LAWS_FN(release)(&ca);
	LAWS_FN(release)(&cb);
}

/* Random sets in the window at base: each operation against the model, then the laws. */
static void laws_random(LAWS_VALUE base, int rounds)
{
	LAWS_SET a, b, c, x;
	struct laws_model ma, mb, mc, mx;

	LAWS_INIT(&a);
	LAWS_INIT(&b);
	LAWS_INIT(&c);
	LAWS_INIT(&x);
	for (int i = 0; i < rounds; i++) {
		laws_random_set(&a, &ma, base);
		laws_random_set(&b, &mb, base);
		laws_random_set(&c, &mc, base);
		laws_same_as_model(&a, &ma, base);

		LAWS_FN(copy)(&x, &a);
		LAWS_FN(union)(&x, &b);
		for (int k = 0; k < LAWS_W; k++)
			mx.in[k] = ma.in[k] || mb.in[k];
		laws_same_as_model(&x, &mx, base);

		LAWS_FN(copy)(&x, &a);
		LAWS_FN(intersect)(&x, &b);
		for (int k = 0; k < LAWS_W; k++)
			mx.in[k] = ma.in[k] && mb.in[k];
		laws_same_as_model(&x, &mx, base);
#ifdef LAWS_OVERLAPS
		bool overlap = false;
		for (int k = 0; k < LAWS_W; k++)
			overlap |= mx.in[k];
		assert_true(LAWS_FN(overlaps)(&a, &b) == overlap);
#endif

		LAWS_FN(copy)(&x, &a);
		LAWS_FN(subtract)(&x, &b);
		for (int k = 0; k < LAWS_W; k++)
			mx.in[k] = ma.in[k] && !mb.in[k];
		laws_same_as_model(&x, &mx, base);

		assert_true(LAWS_FN(equal)(&a, &b) == !memcmp(&ma, &mb, sizeof(ma)));
		assert_true(LAWS_FN(is_empty)(&a) == !memchr(ma.in, true, LAWS_W));

		laws(&a, &b, &c);
	}
	LAWS_FN(release)(&a);
	LAWS_FN(release)(&b);
	LAWS_FN(release)(&c);
	LAWS_FN(release)(&x);
}

/* Random ranges over the whole domain, checked by the laws alone (no model fits). */
static void laws_random_wide(int rounds)
{
	LAWS_SET s[3];

	for (int k = 0; k < 3; k++)
		LAWS_INIT(&s[k]);
	for (int i = 0; i < rounds; i++) {
		for (int k = 0; k < 3; k++) {
			LAWS_FN(clear)(&s[k]);
			int n = (int)(rng() % 6);
			for (int j = 0; j < n; j++) {
				LAWS_VALUE lo = LAWS_RANDOM(), hi = LAWS_RANDOM();
				if (lo > hi) {
					LAWS_VALUE t = lo;
					lo = hi;
					hi = t;
				}
				LAWS_FN(add_range)(&s[k], lo, hi);
			}
			LAWS_CHECK(&s[k]);
		}
		laws(&s[0], &s[1], &s[2]);
	}
	for (int k = 0; k < 3; k++)
		LAWS_FN(release)(&s[k]);
}
