/* SPDX-License-Identifier: BSD-2-Clause */
/* test_exim.c - the Exim reader and resolver */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

static struct bl_config *
exim(const char *text, struct bl_diags *d)
{
	struct bl_config *cfg = bl_config_new("exim", "test");

	bl_parser_exim.parse(cfg,
			     bl_source_from_mem("exim.conf", text, strlen(text)),
			     BL_ROLE_EXIM_MAIN, d);
	bl_parser_exim.resolve(cfg, d);
	return cfg;
}

static void
banner(const char *text, const char *configured, const char *greeting,
       size_t errors)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;

	bl_diags_init(&d);
	cfg = exim(text, &d);
	sf = pf_surface(cfg, "main", "smtp_banner");
	assert_non_null(sf);
	if (configured)
		assert_string_equal(sf->configured, configured);
	if (greeting)
		assert_string_equal(sf->greeting, greeting);
	assert_int_equal(d.errors, errors);
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

static void
test_lines(void **state)
{
	(void)state;
	/* continuation joins with no separator; # mid-line is literal */
	banner("primary_hostname = mx.example.org\n"
	       "smtp_banner = $primary_hostname ESMTP\\\n"
	       "# a comment inside\n"
	       "     ready # not a comment\n",
	       "$primary_hostname ESMTPready # not a comment",
	       "220 mx.example.org ESMTPready # not a comment", 0);
	/* a blank line ends a continuation */
	banner("smtp_banner = a \\\n\nprimary_hostname = h.example.org\n",
	       "a", "220 a", 0);
	/* the default banner, with placeholders */
	banner("primary_hostname = h.example.org\n", NULL,
	       "220 h.example.org ESMTP Exim <version_number> <tod_full>", 0);
	banner("exim_version = 1.0\n", NULL,
	       "220 <system-hostname> ESMTP Exim 1.0 <tod_full>", 0);
	/* quoted strings and expander escapes: a two-line greeting */
	banner("primary_hostname = h.example.org\n"
	       "smtp_banner = \"$primary_hostname ESMTP\\\\nsecond \\\\$x\"\n",
	       "$primary_hostname ESMTP\\nsecond \\$x",
	       "220-h.example.org ESMTP\n220 second $x", 0);
	banner("smtp_banner = ${if eq{1}{1}{yes}{no}} x\n", NULL,
	       "220 <expansion> x", 0);
}

static void
test_macros_and_conditionals(void **state)
{
	(void)state;
	banner("ESMTP = SMTP-ish\nsmtp_banner = h ESMTP\n", "h SMTP-ish",
	       NULL, 0);
	banner("AB = 1\nABC = 2\n", NULL, NULL, 1);
	banner("MAC = a\nMAC == MAC b\nsmtp_banner = MAC\n", "a b", NULL, 0);
	banner("NOPE == x\n", NULL, NULL, 1);
	banner("AA = 1\n.ifdef AAA\nsmtp_banner = yes\n.else\n"
	       "smtp_banner = no\n.endif\n",
	       "yes", NULL, 0);
	banner(".ifndef X\nsmtp_banner = one\n.elifdef Y\nsmtp_banner = two\n"
	       ".endif\n",
	       "one", NULL, 0);
	banner(".ifdef X\nsmtp_banner = a\n", NULL, NULL, 1);
	banner("smtp_banner = a\nsmtp_banner = b\n", NULL, NULL, 1);
	banner("hide smtp_banner = secret\n", "secret", NULL, 0);
}

static void
test_includes(void **state)
{
	char dir[] = "/tmp/bl-exim-XXXXXX";
	char *main_path, *inc_path, *text;
	FILE *fp;
	struct bl_diags d;
	struct bl_config *cfg;
	struct bl_source *src;

	(void)state;
	assert_non_null(mkdtemp(dir));
	main_path = bl_xasprintf("%s/exim.conf", dir);
	inc_path = bl_xasprintf("%s/banner.inc", dir);
	fp = fopen(inc_path, "w");
	fputs("smtp_banner = from the include\n", fp);
	fclose(fp);
	text = ".include banner.inc\n.include_if_exists /nonexistent/x\n";
	fp = fopen(main_path, "w");
	fputs(text, fp);
	fclose(fp);
	bl_diags_init(&d);
	assert_int_equal(bl_source_load(&src, main_path, 0, &d), 0);
	cfg = bl_config_new("exim", dir);
	bl_parser_exim.parse(cfg, src, BL_ROLE_EXIM_MAIN, &d);
	bl_parser_exim.resolve(cfg, &d);
	assert_int_equal(d.errors, 0);
	assert_string_equal(pf_surface(cfg, "main", "smtp_banner")->configured,
			    "from the include");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	unlink(inc_path);
	unlink(main_path);
	rmdir(dir);
	free(main_path);
	free(inc_path);
}

/* errors_at - how many error diagnostics are at line of file and say
 * what (a substring) */
static size_t
errors_at(const struct bl_diags *d, const char *file, unsigned line,
	  const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == BL_LEVEL_ERROR && d->v[i].file != NULL &&
		    strcmp(d->v[i].file, file) == 0 && d->v[i].line == line &&
		    strstr(d->v[i].message, what) != NULL)
			n++;
	return n;
}

/* text of n copies of s (caller frees) */
static char *
repeat(const char *s, size_t n)
{
	struct bl_buf b;
	size_t i;

	bl_buf_init(&b);
	for (i = 0; i < n; i++)
		bl_buf_adds(&b, s);
	return bl_buf_steal(&b);
}

/*
 * The reference: Exim's macro substitution as readconf.c writes it, one
 * pass per macro in definition order over the whole text, every
 * occurrence replaced left to right, the replacement not rescanned for
 * the same macro. The reader must give the same text however it finds
 * the names.
 */
static char *
reference(char *const *names, char *const *values, size_t n, const char *text)
{
	char *cur = bl_xstrdup(text), *hit;
	struct bl_buf b;
	size_t i;
	const char *p;

	for (i = 0; i < n; i++) {
		bl_buf_init(&b);
		for (p = cur; (hit = strstr(p, names[i])) != NULL;
		     p = hit + strlen(names[i])) {
			bl_buf_add(&b, p, (size_t)(hit - p));
			bl_buf_adds(&b, values[i]);
		}
		bl_buf_adds(&b, p);
		free(cur);
		cur = bl_buf_steal(&b);
	}
	return cur;
}

/* random text of up to max bytes from the alphabet (srand() seeded) */
static char *
random_text(const char *alphabet, size_t min, size_t max)
{
	size_t n = min + (size_t)rand() % (max - min + 1), i, k = strlen(alphabet);
	char *s = bl_xmalloc(n + 1);

	for (i = 0; i < n; i++)
		s[i] = alphabet[(size_t)rand() % k];
	s[n] = '\0';
	return s;
}

static void
test_macro_semantics(void **state)
{
	int round;

	(void)state;
	/* definition order decides, not position in the line */
	banner("FOO = BAR\nBAR = baz\nsmtp_banner = FOO BAR\n", "baz baz",
	       NULL, 0);
	banner("BAR = baz\nFOO = BAR\nsmtp_banner = FOO BAR\n", "baz baz",
	       NULL, 0);
	banner("BAR = baz\nFOO = B\\\nAR\nsmtp_banner = FOO BAR\n", "BAR baz",
	       NULL, 0);
	/* a longer name defined first wins where both match */
	banner("ABC = 1\nAB = 2\nsmtp_banner = ABC AB ABD\n", "1 2 2D", NULL,
	       0);
	/* a later macro matches across the end of an earlier replacement */
	banner("X = Q\nQR = yes\nsmtp_banner = XR\n", "yes", NULL, 0);
	/* the replacement is not rescanned for the same macro */
	banner("A = AA\nsmtp_banner = A\n", "AA", NULL, 0);
	/* the first-defined macro that is a substring is the one named */
	banner("BC = 1\nAB = 2\nXABCD = 3\n", NULL, NULL, 1);
	/* Exim's limit on a name: 63 characters */
	{
		char *ok = bl_xasprintf("%s = 1\nsmtp_banner = %s\n",
					"M12345678901234567890123456789012345678"
					"901234567890123456789012",
					"M12345678901234567890123456789012345678"
					"901234567890123456789012");
		char *bad = bl_xasprintf("%s = 1\n",
					 "M1234567890123456789012345678901234567"
					 "89012345678901234567890123");

		banner(ok, "1", NULL, 0);
		banner(bad, NULL, NULL, 1);
		free(ok);
		free(bad);
	}
	/* any text and macros: the same as the reference */
	srand(8);
	for (round = 0; round < 3000; round++) {
		char *names[8], *values[8], *line, *want;
		size_t n = 0, i, k;
		struct bl_buf conf;

		while (n < (size_t)(round % 8) + 1) {
			char *nm = random_text("ABC", 1, 4);
			bool ok = true;

			/* Exim refuses a name that holds an earlier one */
			for (k = 0; k < n && ok; k++)
				ok = strstr(nm, names[k]) == NULL;
			if (!ok) {
				free(nm);
				if (rand() % 4 == 0)
					break;
				continue;
			}
			names[n] = nm;
			values[n++] = random_text("ABCxy", 0, 5);
		}
		line = random_text("ABCx", 1, 30);
		bl_buf_init(&conf);
		for (i = 0; i < n; i++)
			bl_buf_printf(&conf, "%s = %s\n", names[i], values[i]);
		bl_buf_printf(&conf, "smtp_banner = %s\n", line);
		/* a definition's value is substituted by the macros before it */
		for (i = 1; i < n; i++) {
			char *v = reference(names, values, i, values[i]);

			free(values[i]);
			values[i] = v;
		}
		want = reference(names, values, n, line);
		{
			struct bl_diags d;
			struct bl_config *cfg;
			const struct bl_surface *sf;

			bl_diags_init(&d);
			cfg = exim(conf.data, &d);
			sf = pf_surface(cfg, "main", "smtp_banner");
			assert_non_null(sf);
			if (strcmp(sf->configured, want) != 0)
				fail_msg("%s: got \"%s\", want \"%s\"", conf.data,
					 sf->configured, want);
			bl_config_free(cfg);
			bl_diags_finish(&d);
		}
		for (i = 0; i < n; i++) {
			free(names[i]);
			free(values[i]);
		}
		free(line);
		free(want);
		bl_buf_finish(&conf);
	}
}

static void
test_bombs(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;
	char *text, *big;

	(void)state;
	/* each macro ten times the last: E would be 100,000 bytes; it is
	 * refused at its line and the ones after it stay small */
	bl_diags_init(&d);
	cfg = exim("A = xxxxxxxxxx\nB = AAAAAAAAAA\nC = BBBBBBBBBB\n"
		   "D = CCCCCCCCCC\nE = DDDDDDDDDD\nF = EEEEEEEEEE\n"
		   "G = FFFFFFFFFF\nH = GGGGGGGGGG\nsmtp_banner = H\n",
		   &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 5, "line too long"), 1);
	sf = pf_surface(cfg, "main", "smtp_banner");
	assert_int_equal(strlen(sf->configured), 1000);
	bl_config_free(cfg);
	bl_diags_finish(&d);

	/* Exim accepts these, only bannerlint's limits refuse them: one
	 * line over 64 KiB after substitution ... */
	big = repeat("x", 40000);
	text = bl_xasprintf("BIG = %s\nsmtp_banner = BIG BIG\n"
			    "primary_hostname = h.example.org\n",
			    big);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 2,
				   "after macro substitution"),
			 1);
	assert_non_null(bl_config_lookup(cfg, "primary_hostname"));
	assert_null(bl_config_lookup(cfg, "smtp_banner"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);

	/* ... and 32 MiB of substitution in one instance: the reading
	 * stops at the line that goes past it (the 560th use, line 561) */
	free(big);
	big = repeat("x", 60000);
	{
		struct bl_buf b;
		int i;

		bl_buf_init(&b);
		bl_buf_printf(&b, "BIG = %s\n", big);
		for (i = 0; i < 600; i++)
			bl_buf_printf(&b, "hostlist h%d = BIG\n", i);
		bl_buf_adds(&b, "smtp_banner = after the limit\n");
		bl_diags_init(&d);
		cfg = exim(b.data, &d);
		assert_int_equal(d.errors, 1);
		assert_int_equal(errors_at(&d, "exim.conf", 561,
					   "units of work"),
				 1);
		assert_null(bl_config_lookup(cfg, "smtp_banner"));
		bl_config_free(cfg);
		bl_diags_finish(&d);
		bl_buf_finish(&b);
	}
	free(big);
}

static void
test_long_lines(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	char *x, *text;

	(void)state;
	x = repeat("x", BL_VALUE_MAX);
	/* a physical line over the limit, and the lines it continues */
	text = bl_xasprintf("smtp_banner = %s\\\n  more\\\n  end\n"
			    "primary_hostname = h.example.org\n"
			    "# a long comment is fine: %s\n"
			    "qualify_domain = %.*s\\\n%.*s\\\n%.*s\n",
			    x, x, 30000, x, 30000, x, 30000, x);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 2);
	assert_int_equal(errors_at(&d, "exim.conf", 1, "line too long"), 1);
	/* the joined line is over it at its third physical line */
	assert_int_equal(errors_at(&d, "exim.conf", 8, "line too long"), 1);
	assert_null(bl_config_lookup(cfg, "smtp_banner"));
	assert_null(bl_config_lookup(cfg, "qualify_domain"));
	assert_string_equal(bl_config_lookup(cfg, "primary_hostname")->raw,
			    "h.example.org");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);
	free(x);
	/* an empty logical line is nothing, as in Exim */
	banner("\\\n\nsmtp_banner = a\n\\\n", "a", NULL, 0);
	banner("smtp_banner = a\n\\\n\\\n", "a", NULL, 0);
}

static void
test_ifdef_depth(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	char *open, *close, *text;

	(void)state;
	/* Exim: ten levels, the eleventh is fatal; one error however deep */
	open = repeat(".ifdef X\n", 100000);
	close = repeat(".endif\n", 100000);
	text = bl_xasprintf("%ssmtp_banner = deep\n%ssmtp_banner = out\n", open,
			    close);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 11, "nested too deeply"), 1);
	assert_string_equal(pf_surface(cfg, "main", "smtp_banner")->configured,
			    "out");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);
	/* the levels past it are all dead, live ones or not */
	text = bl_xasprintf("X = 1\n%.*s.ifndef X\nsmtp_banner = no\n.else\n"
			    "smtp_banner = no\n.endif\n%.*s",
			    10 * 9, open, 10 * 7, close);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 12, ".ifndef nested too "
							"deeply"),
			 1);
	assert_true(pf_surface(cfg, "main", "smtp_banner")->origin[0].setting
			    ->is_default);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);
	/* ten levels are fine */
	text = bl_xasprintf("X = 1\n%.*ssmtp_banner = ten\n%.*s", 10 * 9, open,
			    10 * 7, close);
	banner(text, "ten", NULL, 0);
	free(text);
	/* unterminated: one error per open level, ten at most */
	text = bl_xasprintf("%s", open);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 11);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);
	free(open);
	free(close);
}

static void
test_linear(void **state)
{
	struct bl_buf b;
	struct bl_diags d;
	struct bl_config *cfg;
	clock_t t0;
	double cpu;
	int i;

	(void)state;
	/*
	 * Options, named lists and macros by the hundred thousand: every
	 * lookup used to scan all of them (the options of a router and the
	 * lists 100,000^2 / 2 string comparisons each, every line every
	 * macro), minutes of CPU; now a second or so, sanitizers included.
	 */
	bl_buf_init(&b);
	for (i = 0; i < 50000; i++)
		bl_buf_printf(&b, "MACRO_%07d = 192.0.2.%d\n"
				  "hostlist list_%07d = MACRO_%07d : x\n",
			      i, i % 256, i, i);
	/* a driver of no table: its private options are not checked */
	bl_buf_adds(&b, "smtp_banner = MACRO_0049999\nbegin routers\nr:\n"
			"  driver = site_local\n");
	for (i = 0; i < 100000; i++)
		bl_buf_printf(&b, "  option_%07d = %d\n", i, i);
	bl_buf_adds(&b, "  option_0000007 = again\n");
	t0 = clock();
	bl_diags_init(&d);
	cfg = exim(b.data, &d);
	cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(d.errors, 1); /* option_0000007 set twice */
	assert_string_equal(pf_surface(cfg, "main", "smtp_banner")->configured,
			    "192.0.2.79");
	if (cpu > 20)
		fail_msg("reading took %.1f s of CPU", cpu);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
}

static void
test_fifo_include(void **state)
{
	char dir[] = "/tmp/bl-exim-XXXXXX";
	char *main_path, *fifo, *text;
	FILE *fp;
	struct bl_diags d;
	struct bl_config *cfg;
	struct bl_source *src;

	(void)state;
	assert_non_null(mkdtemp(dir));
	main_path = bl_xasprintf("%s/exim.conf", dir);
	fifo = bl_xasprintf("%s/banner.fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* no writer: opening it for reading the usual way blocks forever */
	text = bl_xasprintf(".include banner.fifo\n"
			    ".include_if_exists %s\n"
			    ".include_if_exists %s/none\n"
			    "smtp_banner = after\n",
			    fifo, dir);
	fp = fopen(main_path, "w");
	fputs(text, fp);
	fclose(fp);
	bl_diags_init(&d);
	assert_int_equal(bl_source_load(&src, main_path, 0, &d), 0);
	cfg = bl_config_new("exim", dir);
	bl_parser_exim.parse(cfg, src, BL_ROLE_EXIM_MAIN, &d);
	bl_parser_exim.resolve(cfg, &d);
	assert_int_equal(errors_at(&d, main_path, 1, "cannot be read"), 1);
	assert_int_equal(errors_at(&d, main_path, 2, "cannot be read"), 1);
	assert_int_equal(errors_at(&d, main_path, 3, ""), 0);
	assert_string_equal(pf_surface(cfg, "main", "smtp_banner")->configured,
			    "after");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	unlink(fifo);
	unlink(main_path);
	rmdir(dir);
	free(main_path);
	free(fifo);
	free(text);
}

static void
test_expansion_limits(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;
	char *big, *refs, *text, *nest, *close;
	struct bl_buf b;
	int i;

	(void)state;
	/* Exim sets $smtp_active_hostname to primary_hostname before it
	 * expands the option: no self-reference */
	banner("primary_hostname = p.example.org\n"
	       "smtp_active_hostname = a.$smtp_active_hostname\n"
	       "smtp_banner = $smtp_active_hostname hi\n",
	       NULL, "220 a.p.example.org hi", 0);
	/* one expanded value over 64 KiB (Exim would send it) */
	big = repeat("x", 40000);
	text = bl_xasprintf("primary_hostname = %s\nsmtp_banner = "
			    "$primary_hostname $primary_hostname\n",
			    big);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 2, "more than 65536 bytes"),
			 1);
	assert_false(pf_surface(cfg, "main", "smtp_banner")->valid);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);
	/* each reference to smtp_active_hostname expands it again: read
	 * 2,900 times 51 KB, it is out of work (and makes nothing) */
	refs = repeat("$primary_hostname", 3000);
	text = repeat("$smtp_active_hostname", 2900);
	bl_buf_init(&b);
	bl_buf_printf(&b, "primary_hostname =\nsmtp_active_hostname = %s\n"
			  "smtp_banner = %s\n",
		      refs, text);
	free(text);
	bl_diags_init(&d);
	cfg = exim(b.data, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 3, "units of work"), 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
	free(refs);
	/* 32 MiB over many surfaces: the one that goes past the limit and
	 * those after it are not computed, one error */
	free(big);
	big = repeat("x", 60000);
	bl_buf_init(&b);
	bl_buf_printf(&b, "primary_hostname = %s\nbegin transports\n", big);
	for (i = 0; i < 600; i++)
		bl_buf_printf(&b, "t%d:\n  driver = smtp\n", i);
	bl_diags_init(&d);
	cfg = exim(b.data, &d);
	assert_int_equal(d.errors, 1);
	/* at the transport that went past it, whose helo_data is the
	 * default: the banner and t0-t556 fit, 60,000-odd units each */
	assert_int_equal(errors_at(&d, "exim.conf", 2 + 2 * 557 + 1,
				   "helo_data (its default) of transport/t557"),
			 1);
	sf = pf_surface(cfg, "transport/t0", "helo_data");
	assert_true(sf->valid);
	sf = pf_surface(cfg, "transport/t599", "helo_data");
	assert_false(sf->valid);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
	free(big);
	/* ${...} nested past BL_DEPTH_MAX (Exim crashes some thousands
	 * deep, takes 300) */
	nest = repeat("${if eq{1}{1}{", 300);
	close = repeat("}{y}}", 300);
	text = bl_xasprintf("smtp_banner = %sx%s\n", nest, close);
	bl_diags_init(&d);
	cfg = exim(text, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 1, "nested more than 256"),
			 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	free(text);
	free(nest);
	free(close);
}

static void
test_transports_and_acl(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;

	(void)state;
	bl_diags_init(&d);
	cfg = exim("primary_hostname = mx.example.org\n"
		   "acl_smtp_connect = check_connect\n"
		   "begin acl\ncheck_connect:\n  accept\n"
		   "    message = $primary_hostname ready\n"
		   "BEGIN Transports\n"
		   "remote_smtp:\n  driver = smtp\n  helo_data = out.example.org\n"
		   "lmtp:\n  driver = lmtp\n"
		   "local:\n  driver = appendfile\n",
		   &d);
	assert_int_equal(d.errors, 0);
	sf = pf_surface(cfg, "main", "smtp_banner");
	assert_string_equal(sf->greeting, "220 mx.example.org ready");
	sf = pf_surface(cfg, "transport/remote_smtp", "helo_data");
	assert_string_equal(sf->value, "out.example.org");
	assert_int_equal(sf->origin[0].setting->line, 10);
	sf = pf_surface(cfg, "transport/lmtp", "helo_data");
	assert_string_equal(sf->value, "mx.example.org");
	assert_null(pf_surface(cfg, "transport/local", "helo_data"));
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* One HELO surface per smtp transport, at most BL_SURFACES_MAX in an
 * instance: the next transport gets the one error, at its line. */
static void
test_surface_cap(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	struct bl_buf b;
	size_t i, n = BL_SURFACES_MAX + 50;

	(void)state;
	bl_buf_init(&b);
	bl_buf_adds(&b, "primary_hostname = mx.example.org\n"
			"begin transports\n");
	for (i = 0; i < n; i++)
		bl_buf_printf(&b, "t%zu:\n  driver = smtp\n", i);
	bl_diags_init(&d);
	cfg = exim(b.data, &d);
	/* the banner of main and BL_SURFACES_MAX - 1 transports */
	assert_int_equal(cfg->nsurfaces, BL_SURFACES_MAX);
	assert_int_equal(d.errors, 1);
	/* transport t(BL_SURFACES_MAX - 1) starts at line 3 + 2 * that */
	assert_int_equal(errors_at(&d, "exim.conf",
				   3 + 2 * (BL_SURFACES_MAX - 1),
				   "listeners and clients in one instance"),
			 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_buf_finish(&b);
}

/* errors - how many errors the reader reports for text; *line the line
 * of the first one */
static size_t
errors(const char *text, unsigned *line)
{
	struct bl_diags d;
	struct bl_config *cfg;
	size_t n, i;

	bl_diags_init(&d);
	cfg = exim(text, &d);
	n = d.errors;
	*line = 0;
	for (i = 0; i < d.n; i++)
		if (d.v[i].level == BL_LEVEL_ERROR) {
			*line = d.v[i].line;
			break;
		}
	bl_config_free(cfg);
	bl_diags_finish(&d);
	return n;
}

/* test_real_constructs - constructs Exim 4.96 accepts (exim -bV judged
 * each) and the errors it refuses with, at its line (issue 9) */
static void
test_real_constructs(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	const struct bl_surface *sf;
	unsigned line;

	(void)state;
	/* ACL "set" anywhere in a statement; values are literal text */
	assert_int_equal(errors("begin acl\na:\n  warn set acl_m_x = 1\n"
				"       set acl_c0 = $acl_c0; connect\n"
				"  accept hosts = :\n    set acl_m1 = x\n"
				"  deny !verify = recipient\n",
				&line),
			 0);
	assert_int_equal(errors("begin acl\na:\n  warn set acl_x = 1\n", &line),
			 1);
	assert_int_equal(line, 3);
	assert_int_equal(errors("begin acl\na:\n  accept\n  driver = x\n",
				&line),
			 1);
	assert_int_equal(line, 4);
	assert_int_equal(errors("begin acl\na:\n  warn hosts\n", &line), 1);
	banner("acl_smtp_connect = c\nbegin acl\nc:\n  accept message = \"hi\n",
	       NULL, "220 \"hi", 0);
	/* options that accumulate, and those that do not */
	assert_int_equal(errors("begin routers\nr:\n  driver = accept\n  verify_only\n"
				"  headers_add = a\n  headers_add = b\n"
				"  set = r_a = 1\n  set = r_b = 2\n"
				"  condition = 1\n  condition = 1\n"
				"  headers_remove = a\n  headers_remove = b\n"
				"begin transports\nt:\n  driver = smtp\n"
				"  headers_add = a\n  headers_add = b\n"
				"  headers_remove = a\n  headers_remove = b\n",
				&line),
			 0);
	assert_int_equal(errors("begin routers\nr:\n  driver = accept\n"
				"  domains = a\n  domains = b\n  verify_only\n",
				&line),
			 1);
	assert_int_equal(line, 5);
	assert_int_equal(errors("begin transports\nt:\n  driver = smtp\n"
				"  interface = a\n  interface = b\n",
				&line),
			 1);
	assert_int_equal(line, 5);
	/* upper-case driver names keep their surfaces; a macro between
	 * drivers ends the driver */
	bl_diags_init(&d);
	cfg = exim("begin transports\nT1:\n  driver = smtp\n"
		   "  helo_data = one.example.org\n"
		   "OUT = two.example.org\nRemote :\n  driver = smtp\n"
		   "  helo_data = OUT\n"
		   "begin authenticators\nPLAIN:\n  driver = plaintext\n"
		   "LOGIN:\n  driver = plaintext\n",
		   &d);
	assert_int_equal(d.errors, 0);
	sf = pf_surface(cfg, "transport/T1", "helo_data");
	assert_non_null(sf);
	assert_string_equal(sf->value, "one.example.org");
	sf = pf_surface(cfg, "transport/Remote", "helo_data");
	assert_non_null(sf);
	assert_string_equal(sf->value, "two.example.org");
	bl_config_free(cfg);
	bl_diags_finish(&d);
	assert_int_equal(errors("begin transports\nremote-smtp:\n"
				"  driver = smtp\n",
				&line),
			 1);
	assert_int_equal(line, 2);
	assert_int_equal(errors("begin transports\nt:\n  driver = smtp\n"
				"t:\n  driver = smtp\n",
				&line),
			 1);
	assert_int_equal(errors("begin transports\nt: x\n  driver = smtp\n",
				&line),
			 1);
	/* obsolete aliases: an option of their own */
	assert_int_equal(errors("return_size_limit = 1K\n"
				"bounce_return_size_limit = 2K\n",
				&line),
			 0);
	assert_int_equal(errors("return_size_limit = 1K\n"
				"return_size_limit = 2K\n",
				&line),
			 1);
	assert_int_equal(line, 2);
	/* a macro that is a whole option line */
	banner("B = smtp_banner = hello there\nT = receive_timeout = 1s\nB\nT\n",
	       "hello there", "220 hello there", 0);
	assert_int_equal(errors("T = receive_timeout = 1s\nT\n"
				"receive_timeout = 2s\n",
				&line),
			 1);
	assert_int_equal(line, 3);
	/* named lists with _cache share the plain kind's names */
	assert_int_equal(errors("domainlist_cache a = x\nhostlist_cache b = y\n"
				"addresslist_cache c = z\n"
				"localpartlist_cache d = w\n",
				&line),
			 0);
	assert_int_equal(errors("domainlist_cache a = x\ndomainlist a = y\n",
				&line),
			 1);
	assert_int_equal(line, 2);
	assert_int_equal(errors("domainlist a = \"x\" y\n", &line), 1);
	/* section names: optional plural, any case; unknown or repeated
	 * ones are errors at their line */
	assert_int_equal(errors("begin acls\nbegin Router\nbegin transport\n"
				"begin retrys\nbegin rewrites\n"
				"begin authenticator\n",
				&line),
			 0);
	assert_int_equal(errors("begin routerss\nr:\n  driver = x\n", &line),
			 1);
	assert_int_equal(line, 1);
	assert_int_equal(errors("begin routers\nbegin routers\n", &line), 1);
	assert_int_equal(line, 2);
	/* booleans: true, false, yes, no, in any case, unquoted */
	assert_int_equal(errors("log_timezone = TRUE\nmessage_logs = No\n",
				&line),
			 0);
	assert_int_equal(errors("log_timezone = TIMES\n", &line), 1);
	assert_int_equal(errors("log_timezone = \"true\"\n", &line), 1);
}

/* retry_err - errors of a retry section holding the one rule, and where */
static size_t
retry_err(const char *rule, unsigned *line)
{
	char *text = bl_xasprintf("begin retry\n%s\n", rule);
	size_t n = errors(text, line);

	free(text);
	return n;
}

static void
test_retry_rewrite(void **state)
{
	static const char *const good[] = {
		"* * F,2h,15m", "* *", "\"*@a b\" * F,2h,15m",
		"* * f,2h,15m;g,16h,1h,1.5; H,5d,8h,2", "* * G,2h,1h,1",
		"* * F,2h,15m;", "* * G,1h,1m,2.", "* * F,1w2d3h4m5s,1m",
		"* quota_7d F,1d,1h", "* quota_4d4d F,1d,1h", "* quota F,1h,1m",
		"* rcpt_4xx F,1h,10m", "* rcpt_45x F,1h,10m",
		"* RCPT_452 F,1h,10m", "* auth_failed F,1h,1m",
		"* auth_ F,1h,1m", "* t F,1h,1m", "* LOST_C F,1h,1m",
		"* timeout_connect_A F,1h,1m", "* timeout_c F,1h,1m",
		"* timeout_dns F,1h,1m", "* refused_ F,1h,1m",
		"* TIMEOUT_mx F,1h,1m", "* * senders=: F,1h,30m",
		"* * senders = \"a b\" F,1h,30m",
		/* Exim's int arithmetic: 4294967297 is 1 in 32 bits */
		"* * F,4294967297s,1m", "* * F,596523h,1m",
		"* * F,99999999999h,1m"};
	static const char *const bad[][2] = {
		{"* * F,2h,15mx", "bad parameters"},
		{"* * F,2h,900", "bad parameters"},
		{"* * G,2h,1h,0.5", "bad parameters"},
		{"* * G,2h,1h,.5", "bad parameters"},
		{"* * F,0s,15m", "bad parameters"},
		{"* * F,2147483648s,1m", "bad parameters"},
		{"* * F,596524h,1m", "bad parameters"},
		{"* * F,99999999999999999999s,1m", "bad parameters"},
		{"*", "missing error type"},
		{"\"*@a * F,2h,15m", "missing error type"},
		{"* * F,2h", "comma expected"},
		{"* * F2h,15m", "comma expected"},
		{"* * F, 2h , 15m", "comma expected"},
		{"* * F,2h,15m;;", "comma expected"},
		{"* * F,2h.5,15m", "comma or semicolon expected"},
		{"* * X,2h,1h", "unknown retry rule letter"},
		{"* * F,2h,15m G,1d,1h,2", "semicolon expected"},
		{"* * F,2h,15m,3", "semicolon expected"},
		{"* bogus F,2h,15m", "unknown or malformed retry error \"bogus\""},
		{"* auth F,2h,15m", "unknown or malformed retry error \"auth\""},
		{"* q F,2h,15m", "unknown or malformed"},
		{"* lost_connectionx F,1h,1m", "unknown or malformed"},
		{"* quota_7x F,1d,1h", "bad time value"},
		{"* quota_ F,1d,1h", "bad time value"},
		{"* rcpt_4X5 F,1h,1m", "rcpt_4 must be followed by xx"},
		{"* data_4xxx F,1h,1m", "data_4 must be followed by xx"},
		{"* timeout_x F,1h,1m", "\"connect\" expected after"},
		{"* refused_B F,1h,1m", "A or MX expected"},
		{"* * senders x", "\"=\" expected after \"senders\""},
		/* no macro definitions here: a rule like any other */
		{"FOO = bar", "unknown or malformed retry error \"=\""}};
	struct bl_diags d;
	struct bl_config *cfg;
	unsigned line;
	size_t i;

	(void)state;
	for (i = 0; i < BL_ARRAY_LEN(good); i++) {
		if (retry_err(good[i], &line) != 0)
			fail_msg("retry rule \"%s\" refused", good[i]);
	}
	for (i = 0; i < BL_ARRAY_LEN(bad); i++) {
		char *text = bl_xasprintf("begin retry\n%s\n", bad[i][0]);

		bl_diags_init(&d);
		cfg = exim(text, &d);
		if (d.errors != 1 || errors_at(&d, "exim.conf", 2, bad[i][1]) != 1)
			fail_msg("retry rule \"%s\": no \"%s\" at line 2",
				 bad[i][0], bad[i][1]);
		bl_config_free(cfg);
		bl_diags_finish(&d);
		free(text);
	}
	/* a continued rule: the error is at its last line, as Exim says */
	assert_int_equal(errors("begin retry\n* * F,2h,15m; \\\n"
				"   G,16h,1h; \\\n   F,4d,8h\n",
				&line),
			 1);
	assert_int_equal(line, 4);
	/* rewrite rules */
	assert_int_equal(errors("begin rewrite\n*@a b@c\n*@a b@c F T\n"
				"^.*@a b@c S\n\"\\^x\" b S\n\\N^x b S\n"
				"*@a \"b c\"F\n*@a \"b@c\n"
				"*@a b@c\tqwhsftcbrEFTQR\n",
				&line),
			 0);
	assert_int_equal(errors("begin rewrite\n*@a\n", &line), 1);
	assert_int_equal(line, 2);
	assert_int_equal(errors("begin rewrite\n*@a b@c Fx\n", &line), 1);
	assert_int_equal(errors("begin rewrite\n*@a b@c S\n", &line), 1);
	assert_int_equal(errors("begin rewrite\n\"\\N^.*@a\" b@c S\n", &line),
			 1);
	assert_int_equal(errors("begin rewrite\n*@a b@c \"F\"\n", &line), 1);
	assert_int_equal(errors("begin rewrite\nFOO = bar\n", &line), 1);
	/* local_scan: refused at its begin line, its lines not read */
	assert_int_equal(errors("smtp_banner = x\nbegin local_scan\n"
				"a = b\nc = d\n",
				&line),
			 1);
	assert_int_equal(line, 2);
}

static void
test_start_references(void **state)
{
	static const char *const auth =
		"begin authenticators\n"
		"a:\n  driver = plaintext\n  public_name = PLAIN\n"
		"  server_condition = yes\n";
	char *text;
	unsigned line;

	(void)state;
	/* redirect_router: a router anywhere; pass_router: a later one */
	assert_int_equal(errors("begin routers\nr0:\n  driver = redirect\n"
				"  data = y\n  redirect_router = r1\n"
				"  pass_router = r1\n"
				"r1:\n  driver = redirect\n  data = x\n"
				"  redirect_router = r0\n",
				&line),
			 0);
	assert_int_equal(errors("begin routers\nr1:\n  driver = redirect\n"
				"  data = x\n  redirect_router = \\\n   nosuch\n",
				&line),
			 1);
	assert_int_equal(line, 6);
	assert_int_equal(errors("begin routers\nr0:\n  driver = redirect\n"
				"  data = y\nr1:\n  driver = redirect\n"
				"  data = x\n  pass_router = r0\n",
				&line),
			 1);
	assert_int_equal(line, 8);
	assert_int_equal(errors("begin routers\nr1:\n  driver = redirect\n"
				"  data = x\n  pass_router = r1\n",
				&line),
			 1);
	/* unexpanded: an expansion is a name that does not exist */
	assert_int_equal(errors("begin routers\nr0:\n  driver = redirect\n"
				"  data = y\n"
				"  redirect_router = ${if true{r0}}\n",
				&line),
			 1);
	/* transports and ACLs are looked up when used */
	assert_int_equal(errors("acl_smtp_rcpt = nosuch\nbegin acl\na:\n"
				"  accept acl = nosuch\n"
				"begin routers\nr1:\n  driver = redirect\n"
				"  data = x\n  file_transport = nosuch\n"
				"r2:\n  driver = accept\n  transport = nosuch\n",
				&line),
			 0);
	/* public names: two servers or two clients may not share one,
	 * case-blind; a server and a client may */
	text = bl_xasprintf("%sb:\n  driver = plaintext\n"
			    "  public_name = plain\n  server_condition = no\n",
			    auth);
	assert_int_equal(errors(text, &line), 1);
	assert_int_equal(line, 8);
	free(text);
	text = bl_xasprintf("%sb:\n  driver = plaintext\n"
			    "  public_name = plain\n  client_send = : a : b\n",
			    auth);
	assert_int_equal(errors(text, &line), 0);
	free(text);
	/* plaintext and external default to the instance name */
	text = bl_xasprintf("%sPLAIN:\n  driver = external\n"
			    "  server_condition = no\n",
			    auth);
	assert_int_equal(errors(text, &line), 1);
	assert_int_equal(line, 6);
	free(text);
	assert_int_equal(errors("begin authenticators\na:\n  driver = plaintext\n"
				"  server_condition = x\nb:\n"
				"  driver = plaintext\n  server_condition = x\n"
				"c:\n  driver = external\n  client_send = x\n"
				"d:\n  driver = external\n  client_send = x\n"
				"e:\n  driver = plaintext\n  public_name = e\n"
				"  server_prompts = :\n"
				"f:\n  driver = plaintext\n  public_name = e\n"
				"  server_prompts = :\n",
				&line),
			 0);
	assert_int_equal(errors("begin authenticators\na:\n  driver = cram_md5\n"
				"  public_name = C\n  client_secret = x\n"
				"b:\n  driver = cram_md5\n  public_name = c\n"
				"  client_secret = y\n",
				&line),
			 1);
	/* cram_md5 has no default public name */
	assert_int_equal(errors("begin authenticators\ncram:\n"
				"  driver = cram_md5\n  server_secret = x\n",
				&line),
			 1);
	assert_int_equal(line, 2);
}

static void
test_one_cause_one_error(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	unsigned line;
	size_t i, n302 = 0;

	(void)state;
	/* Exim 3: "end" lines, drivers without "begin" */
	bl_diags_init(&d);
	cfg = exim("primary_hostname = mx.example.org\nend\n"
		   "t1:\n  driver = smtp\nt2:\n  driver = smtp\nend\n"
		   "r1:\n  driver = lookuphost\n  transport = t1\n"
		   "r2:\n  driver = lookuphost\n  transport = t1\nend\n",
		   &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 2, "\"end\" unknown"), 1);
	for (i = 0; i < cfg->nsettings; i++)
		if (cfg->settings[i]->shadowed)
			n302++;
	assert_int_equal(n302, 0);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	/* a driver's "name:" in the main section; a later "begin" reads on */
	assert_int_equal(errors("t1:\n  driver = smtp\nt2:\n  driver = smtp\n"
				"begin routers\nr:\n  driver = redirect\n"
				"  data = x\n  redirect_router = nosuch\n",
				&line),
			 2);
	assert_int_equal(errors("t1:\n  driver = smtp\n  helo_data = a\n"
				"  helo_data = b\n",
				&line),
			 1);
	assert_int_equal(line, 1);
	/* in the other sections, with Exim's own reason */
	assert_int_equal(errors("begin routers\nr:\n  driver = accept\n"
				"  verify_only\nend\n"
				"r2:\n  driver = accept\n  driver = x\n",
				&line),
			 1);
	assert_int_equal(line, 5);
	assert_int_equal(errors("begin retry\nend\n* * F,1h,1m\n* * x\n",
				&line),
			 1);
	assert_int_equal(errors("begin rewrite\nend\n", &line), 1);
	/* only a whole "end" line; upper-case "LOGIN:" is a macro line */
	assert_int_equal(errors("smtp_banner = the end\nbegin routers\nend:\n"
				"  driver = redirect\n  data = x\n"
				"begin retry\nend.example.org * F,2h,15m\n",
				&line),
			 0);
	assert_int_equal(errors("LOGIN:\n", &line), 1);
}

static void
test_quoted_values(void **state)
{
	struct bl_diags d;
	struct bl_config *cfg;
	unsigned line;

	(void)state;
	/* read_string(): nothing after the closing quote, in any option or
	 * named list; the error at the continued line's last line */
	bl_diags_init(&d);
	cfg = exim("smtp_banner = \"a\" \\\n  b\n", &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(errors_at(&d, "exim.conf", 2,
				   "extra characters follow string value for "
				   "smtp_banner"),
			 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	bl_diags_init(&d);
	cfg = exim("begin transports\nt:\n  driver = smtp\n"
		   "  helo_data = \"x\n",
		   &d);
	assert_int_equal(errors_at(&d, "exim.conf", 4,
				   "missing quote at end of string value for "
				   "helo_data"),
			 1);
	bl_config_free(cfg);
	bl_diags_finish(&d);
	assert_int_equal(errors("domainlist d = \"a\" b\n", &line), 1);
	assert_int_equal(errors("domainlist d = \"a\n", &line), 1);
	assert_int_equal(errors("smtp_banner = \"\n", &line), 1);
	/* a last quote closes even when escaped; blanks were trimmed */
	banner("smtp_banner = \"a \\\"b\\\"\n", "a \"b\"", "220 a \"b\"", 0);
	assert_int_equal(errors("smtp_banner = \"\\\"\ndomainlist d = \"a\\\"\n"
				"primary_hostname = \"h.example.org\"   \n",
				&line),
			 0);
}

static void
test_lost_section_lines(void **state)
{
	unsigned line;

	(void)state;
	/* authenticators pasted without "begin": one error, at the first */
	assert_int_equal(errors("LOGIN:\n  driver = plaintext\nPLAIN:\n"
				"  driver = plaintext\n  driver = x\n",
				&line),
			 1);
	assert_int_equal(line, 1);
	/* a lost section's definitions still define: X twice is refused */
	assert_int_equal(errors("begin routerss\nR1:\n  driver = x\nX = 1\n"
				"X = 2\n",
				&line),
			 2);
}

/* value_error - the reader's one error for the main-section line LINE (a
 * configuration of that line alone), whose message contains MSG; MSG
 * NULL: no error. Each case was judged by exim -bV (4.96, heavy). */
static void
value_error(const char *text, const char *msg)
{
	struct bl_diags d;
	struct bl_config *cfg;

	bl_diags_init(&d);
	cfg = exim(text, &d);
	if (msg == NULL) {
		if (d.errors != 0)
			fail_msg("%s: unexpected error: %s", text,
				 d.v[0].message);
	} else {
		assert_int_equal(d.errors, 1);
		if (strstr(d.v[0].message, msg) == NULL)
			fail_msg("%s: \"%s\" expected in \"%s\"", text, msg,
				 d.v[0].message);
	}
	bl_config_free(cfg);
	bl_diags_finish(&d);
}

/* test_value_time - readconf_readtime(): every number has its unit, the
 * parts repeat in any order, the sum is an int that must not wrap */
static void
test_value_time(void **state)
{
	(void)state;
	value_error("auto_thaw = 1d2h3m\n", NULL);
	value_error("auto_thaw = 5m5s5m\n", NULL);
	value_error("auto_thaw = 1w1w1w\n", NULL);
	value_error("auto_thaw = 0s\n", NULL);
	value_error("auto_thaw = 2147483647s\n", NULL);
	value_error("auto_thaw = 35791394m\n", NULL);
	/* 99999999999 is cut to 32 bits by sscanf: 1215752191 */
	value_error("auto_thaw = 99999999999s\n", NULL);
	value_error("auto_thaw = 30\n", "invalid time value for auto_thaw");
	value_error("auto_thaw = 5m5\n", "invalid time value");
	value_error("auto_thaw = 1.5s\n", "invalid time value");
	value_error("auto_thaw = 5M\n", "invalid time value");
	value_error("auto_thaw = -5m\n", "invalid time value");
	value_error("auto_thaw = 5m x\n", "invalid time value");
	value_error("auto_thaw = \"5m\"\n", "invalid time value");
	value_error("auto_thaw =\n", "invalid time value");
	value_error("auto_thaw = 2147483648s\n", "invalid time value");
	value_error("auto_thaw = 35791395m\n", "invalid time value");
	value_error("auto_thaw = 2147483647s1s\n", "invalid time value");
	/* smtp_receive_timeout: expanded when it starts with $ */
	value_error("smtp_receive_timeout = ${if eq{1}{1}{5m}{1m}}\n", NULL);
	value_error("smtp_receive_timeout = 5 minutes\n", "invalid time");
	/* a time list: increasing, at most 10 in delay_warning */
	value_error("delay_warning = 1h : 2h:1d\n", NULL);
	value_error("delay_warning =\n", NULL);
	value_error("delay_warning = 1d:4h\n", "time value out of order");
	value_error("delay_warning = 1h:1h\n", "time value out of order");
	value_error("delay_warning = 1h:x\n", "invalid time value");
	value_error("delay_warning = 1m:2m:3m:4m:5m:6m:7m:8m:9m:10m\n", NULL);
	value_error("delay_warning = 1m:2m:3m:4m:5m:6m:7m:8m:9m:10m:11m\n",
		    "too many time values");
}

/* test_value_int - strtol() with C's prefixes, one K M G T suffix, 32
 * bits; opt_Kint 64 bits up to Z; octal for modes */
static void
test_value_int(void **state)
{
	(void)state;
	value_error("check_log_inodes = 10\n", NULL);
	value_error("check_log_inodes = -10\n", NULL);
	value_error("check_log_inodes = +10\n", NULL);
	value_error("check_log_inodes = 0x1f\n", NULL);
	value_error("check_log_inodes = 010\n", NULL);
	value_error("check_log_inodes = 10k\n", NULL);
	value_error("check_log_inodes = 10M\n", NULL);
	value_error("check_log_inodes = 1G\n", NULL);
	value_error("check_log_inodes = 2147483647\n", NULL);
	value_error("check_log_inodes = -2147483648\n", NULL);
	value_error("check_log_inodes = 2147483648\n",
		    "absolute value of integer \"2147483648\" is too large");
	value_error("check_log_inodes = -2147483649\n", "too large");
	value_error("check_log_inodes = 3G\n", "too large");
	value_error("check_log_inodes = 10T\n", "too large");
	value_error("check_log_inodes = 99999999999999999999\n", "too large");
	value_error("check_log_inodes = 1K1\n",
		    "extra characters follow integer value for "
		    "check_log_inodes");
	value_error("check_log_inodes = 10 x\n", "extra characters");
	value_error("check_log_inodes = 0x\n", "extra characters");
	value_error("check_log_inodes = 08\n", "extra characters");
	value_error("check_log_inodes = 1KK\n", "extra characters");
	value_error("check_log_inodes = 5 # five\n",
		    "(# is comment only at line start)");
	value_error("check_log_inodes = \"10\"\n", "integer expected for");
	value_error("check_log_inodes =\n", "integer expected for");
	value_error("check_log_inodes = ten\n", "integer expected");
	value_error("check_spool_space = 10G\n", NULL);
	value_error("check_spool_space = 10E\n", NULL);
	value_error("check_spool_space = 1Z\n", NULL);
	value_error("check_spool_space = -8E\n", NULL);
	value_error("check_spool_space = 9223372036854775807\n", NULL);
	value_error("check_spool_space = 9223372036854775808\n", "too large");
	value_error("check_spool_space = 9000Z\n", "too large");
	value_error("check_spool_space = 1.5\n", "extra characters");
	value_error("begin transports\nt:\n  driver = appendfile\n"
		    "  mode = 0600\n",
		    NULL);
	value_error("begin transports\nt:\n  driver = appendfile\n"
		    "  mode = 644\n",
		    NULL);
	value_error("begin transports\nt:\n  driver = appendfile\n"
		    "  mode = 0680\n",
		    "extra characters follow octal integer value for mode");
	value_error("begin transports\nt:\n  driver = appendfile\n"
		    "  mode = rw\n",
		    "octal integer expected for mode");
}

/* test_value_fixed_and_bool - opt_fixed (sscanf("%d") and decimals) and
 * booleans (readconf_readname(): one word, any case) */
static void
test_value_fixed_and_bool(void **state)
{
	(void)state;
	value_error("queue_only_load = 1.5\n", NULL);
	value_error("queue_only_load = 1.\n", NULL);
	value_error("queue_only_load = +1\n", NULL);
	value_error("queue_only_load = 1.2345\n", NULL);
	/* Exim 4.96 does not see that 2147484 * 1000 overflows */
	value_error("queue_only_load = 2147484\n", NULL);
	value_error("queue_only_load = .5\n", "fixed-point number expected");
	value_error("queue_only_load = -1\n",
		    "integer \"-1\" is too large (overflow)");
	value_error("queue_only_load = 4294967295\n", "too large");
	value_error("queue_only_load = 1.5.5\n",
		    "extra characters follow fixed-point value");
	value_error("queue_only_load = 0x1\n", "extra characters");
	value_error("log_timezone = YES\n", NULL);
	value_error("log_timezone = False\n", NULL);
	value_error("log_timezone =\n", NULL);
	value_error("log_timezone\n", NULL);
	value_error("no_log_timezone\n", NULL);
	value_error("not_log_timezone\n", NULL);
	value_error("hide log_timezone = no\n", NULL);
	value_error("log_timezone = y\n", "\"y\" is not a valid value");
	value_error("log_timezone = \"yes\"\n", "\"\" is not a valid value");
	value_error("log_timezone = yes no\n",
		    "extra characters follow \"yes\" for boolean option");
	value_error("no_log_timezone = yes\n",
		    "extra characters follow boolean option no_log_timezone");
	value_error("no_log_timezone =\n", "extra characters");
	/* an expanded boolean is a string when it has a $ */
	value_error("begin routers\nr:\n  driver = accept\n  verify_only\n"
		    "  more = ${if eq{1}{1}{yes}{no}}\n",
		    NULL);
	value_error("begin routers\nr:\n  driver = accept\n  verify_only\n  more = maybe\n",
		    "\"maybe\" is not a valid value for the \"more\" option");
	/* negation and "=" */
	value_error("no_auto_thaw\n", "negation prefix applied to a "
				      "non-boolean option");
	value_error("auto_thaw\n", "unexpected end of line (data missing) "
				   "after auto_thaw");
	/* "no_x" is x: set twice */
	value_error("log_timezone\nno_log_timezone\n", "second time");
	/* a macro's value is checked where it is used */
	value_error("T = 30\nauto_thaw = T\n", "invalid time value");
	value_error("T = 30s\nauto_thaw = T\n", NULL);
	/* users and groups are the host's: not judged */
	value_error("exim_user = nosuchuser\nnever_users = a:b\n", NULL);
}

/* test_driver_options - every driver's options from its own table: the
 * generic ones of its kind first, private ones only after "driver",
 * none checked for a driver bannerlint has no table for */
static void
test_driver_options(void **state)
{
	(void)state;
	value_error("begin routers\nr:\n  driver = queryprogram\n"
		    "  command = /bin/true\n  command_user = nobody\n"
		    "  timeout = 1m30s\n  no_verify\n",
		    NULL);
	value_error("begin routers\nr:\n  driver = queryprogram\n"
		    "  timeout = 30\n",
		    "invalid time value for timeout");
	value_error("begin routers\nr:\n  timeout = 1m\n"
		    "  driver = queryprogram\n",
		    "option \"timeout\" unknown (\"driver\" must be specified "
		    "before any private options)");
	/* generic options may come first */
	value_error("begin routers\nr:\n  no_verify\n  driver = accept\n  verify_only\n",
		    NULL);
	value_error("begin routers\nr:\n  driver = accept\n  verify_only\n  timeout = 1m\n",
		    "accept option \"timeout\" unknown");
	value_error("begin transports\nt:\n  driver = smtp\n"
		    "  connection_max_messages = 500 messages\n",
		    "extra characters follow integer value for "
		    "connection_max_messages");
	value_error("begin transports\nt:\n  driver = pipe\n"
		    "  helo_data = x\n",
		    "pipe option \"helo_data\" unknown");
	value_error("begin transports\nt:\n  driver = pipe\n"
		    "  transport_filter_timeout = 1\n",
		    "invalid time value");
	value_error("begin authenticators\nPLAIN:\n  driver = plaintext\n"
		    "  client_ignore_invalid_base64 = maybe\n",
		    "\"maybe\" is not a valid value");
	value_error("begin authenticators\nPLAIN:\n  driver = plaintext\n"
		    "  server_secret = x\n",
		    "plaintext option \"server_secret\" unknown");
	value_error("begin authenticators\nCRAM:\n  driver = cram_md5\n"
		    "  public_name = CRAM-MD5\n  server_secret = x\n",
		    NULL);
	/* a driver of no table (another build's, a typo): no judgement */
	value_error("begin authenticators\nG:\n  driver = gsasl\n"
		    "  server_mech = x\n  whatever = 1\n",
		    NULL);
	/* repeatable options come from the tables' flags */
	value_error("begin routers\nr:\n  driver = accept\n  verify_only\n"
		    "  headers_add = a: b\n  headers_add = c: d\n"
		    "  condition = 1\n  condition = 2\n",
		    NULL);
	value_error("begin transports\nt:\n  driver = smtp\n"
		    "  headers_remove = a\n  headers_remove = b\n",
		    NULL);
	value_error("begin transports\nt:\n  driver = smtp\n"
		    "  hosts = a\n  hosts = b\n",
		    "second time");
}

/* route_init's transport rules: accept, dnslookup and ipliteral need one
 * unless verify_only, redirect may not have one (exim -bV 4.96) */
static void
test_router_transports(void **state)
{
	unsigned line;

	(void)state;
	assert_int_equal(errors("begin routers\nr:\n  driver = accept\n",
				&line),
			 1);
	assert_int_equal(line, 2);
	assert_int_equal(errors("begin routers\nr:\n  driver = dnslookup\n"
				"  no_verify_only\n",
				&line),
			 1);
	assert_int_equal(errors("begin routers\nr:\n  driver = ipliteral\n"
				"  verify_only = yes\n",
				&line),
			 0);
	assert_int_equal(errors("begin routers\nr:\n  driver = redirect\n"
				"  data = a@b\n  transport = t\n"
				"begin transports\nt:\n  driver = smtp\n",
				&line),
			 1);
	assert_int_equal(errors("begin routers\nr:\n  driver = manualroute\n"
				"  route_list = * h\n"
				"r2:\n  driver = site_local\n",
				&line),
			 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_real_constructs),
		cmocka_unit_test(test_macros_and_conditionals),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_transports_and_acl),
		cmocka_unit_test(test_macro_semantics),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_ifdef_depth),
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_fifo_include),
		cmocka_unit_test(test_expansion_limits),
		cmocka_unit_test(test_surface_cap),
		cmocka_unit_test(test_retry_rewrite),
		cmocka_unit_test(test_start_references),
		cmocka_unit_test(test_one_cause_one_error),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_lost_section_lines),
		cmocka_unit_test(test_value_time),
		cmocka_unit_test(test_value_int),
		cmocka_unit_test(test_value_fixed_and_bool),
		cmocka_unit_test(test_driver_options),
		cmocka_unit_test(test_router_transports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
