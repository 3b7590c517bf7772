/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_live.c - libFuzzer harness: a probe's transcript (src/live.h),
 * read by the live dialect directly and then by the whole command line
 * (`check` and `show` in every format) as FILE.transcript. The direct
 * reading is held to the promises of live.h: 0, or -1 with an error; every
 * line a fact points at inside the transcript; no greeting setting without
 * the greeting's text; at most two names asked of the certificate and BL_LIVE_NAMES_MAX
 * names kept. An input that does not start with the transcript's first
 * line gets it put before it, so mutations explore the records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "live.h"
#include "model.h"
#include "parser.h"
#include "transcript.h"
#include "util.h"

static void
violation(const char *what)
{
	fprintf(stderr, "fuzz_live: %s\n", what);
	abort();
}

/* at_ok - a fact's place is a line of src, its span inside */
static void
at_ok(const struct bl_source *src, const struct bl_live_at *at)
{
	if (at->line == 0)
		return;
	if (at->line > src->nlines)
		violation("a fact at a line past the end");
	if (at->off != src->line_start[at->line - 1])
		violation("a fact's span does not start its line");
	if (at->off > src->len || at->len > src->len - at->off)
		violation("a fact's span past the end");
}

static void
check_direct(const char *text, size_t n)
{
	struct bl_config *cfg = bl_config_new("live", "probe.transcript");
	struct bl_source *src = bl_source_from_mem("probe.transcript", text, n);
	const struct bl_live *lv;
	struct bl_diags d;
	int rc;

	bl_diags_init(&d);
	rc = bl_parser_live.parse(cfg, src, BL_ROLE_TRANSCRIPT, &d);
	if ((rc < 0) != (d.errors > 0))
		violation("an error without -1, or -1 without an error");
	lv = bl_live_facts(cfg);
	if (lv == NULL)
		violation("no facts from the live dialect");
	if (rc == 0) {
		if (lv->port < 1 || lv->port > 65535)
			violation("a port out of range");
		if (lv->greeting_setting != NULL &&
		    lv->greeting_text == NULL)
			violation("a greeting setting without its text");
		if (lv->tls.ncovers > 2 || lv->tls.nnames > BL_LIVE_NAMES_MAX)
			violation("more names than the limits");
		at_ok(lv->src, &lv->greeting.at);
		at_ok(lv->src, &lv->ehlo_reply.at);
		at_ok(lv->src, &lv->starttls.at);
		at_ok(lv->src, &lv->ehlo_tls.at);
		at_ok(lv->src, &lv->tls.at);
		at_ok(lv->src, &lv->failure_at);
		if (bl_parser_live.resolve(cfg, &d) < 0)
			violation("resolve failed after a good parse");
		if (cfg->nsurfaces > 1)
			violation("more than one greeting surface");
	}
	bl_diags_finish(&d);
	bl_config_free(cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = BL_LIVE_MAGIC "\n";
	size_t ml = sizeof(magic) - 1;
	char *text;
	size_t n;

	if (size >= ml && memcmp(data, magic, ml) == 0) {
		text = bl_xmalloc(size + 1);
		memcpy(text, data, size);
		n = size;
	} else {
		text = bl_xmalloc(ml + size + 1);
		memcpy(text, magic, ml);
		memcpy(text + ml, data, size);
		n = ml + size;
	}
	text[n] = '\0';
	check_direct(text, n);
	bl_fuzz_begin(data, size);
	bl_fuzz_write("probe.transcript", text, n);
	bl_fuzz_run(NULL, bl_fuzz_path("probe.transcript"));
	free(text);
	return 0;
}
