/* Plugins that fail in every way a plugin can, for tests/plugin_faults.rs. Each slow one first
 * creates $REFINE_FAULT_DIR/started, so the test knows the call is running. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "refine_plugin.h"

static const char REPLY[] =
    "<agenda>\n1. Context Setting (20 min)\n2. Problem Space Exploration (45 min)\n"
    "3. Success Criteria Definition (20 min)\n4. Session Retrospective (10 min)\n</agenda>\n"
    "<key_points>\n- Understanding problems deeply\n- Defining clear success criteria\n"
    "- Jumping to solutions too quickly\n</key_points>\n"
    "<discussion_questions>\n1. Who abandons checkout on mobile, and at which step?\n"
    "2. What do they tell support when they give up?\n3. How would we know it got better?\n"
    "</discussion_questions>\n<closing_statement>\nThank you for a focused session. "
    "Next steps: I will share the notes and owners by Friday.\n</closing_statement>\n";

static void started(void) {
    const char *dir = getenv("REFINE_FAULT_DIR");
    char path[4096];
    if (dir == NULL) return;
    snprintf(path, sizeof path, "%s/started", dir);
    FILE *f = fopen(path, "w");
    if (f) fclose(f);
}

static int32_t segv(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)h; (void)c; (void)in; (void)cfg;
    volatile int *nowhere = NULL;
    return *nowhere;
}
static int32_t aborts(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)h; (void)c; (void)in; (void)cfg;
    abort();
}
static int32_t quits(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)h; (void)c; (void)in; (void)cfg;
    exit(7);
}
static int32_t hang(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)h; (void)c; (void)in; (void)cfg;
    started();
    for (;;) sleep(1);
    return RF_OK;
}
/* Slow, and polls is_cancelled while it waits: it must see the cancel at once. */
static int32_t polite(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)in; (void)cfg;
    started();
    for (int i = 0; i < 6000; i++) {
        if (h->is_cancelled(c)) return RF_CANCELLED;
        usleep(10000);
    }
    h->write(c, REPLY, sizeof REPLY - 1);
    return RF_OK;
}
/* Slow, and never asks: it must be killed after the grace period. */
static int32_t stubborn(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)h; (void)c; (void)in; (void)cfg;
    started();
    sleep(60);
    return RF_OK;
}
/* Prints to stdout (as careless C does) and writes a good reply. */
static int32_t chatty(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)in; (void)cfg;
    printf("J\x05garbage a careless plugin prints\n");
    fflush(stdout);
    h->write(c, REPLY, sizeof REPLY - 1);
    return RF_OK;
}
/* Writes without end: refine stops it at the most a reply may be. */
static int32_t flood(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)in; (void)cfg;
    static char block[65536];
    memset(block, 'a', sizeof block);
    for (;;) {
        if (h->write(c, block, sizeof block) != RF_OK) return RF_CANCELLED;
    }
}
static int32_t format_segv(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    return segv(h, c, in, cfg);
}
static int32_t format_slow(const rf_host *h, rf_call *c, rf_str in, rf_str cfg) {
    (void)in; (void)cfg;
    started();
    for (int i = 0; i < 6000; i++) {
        if (h->is_cancelled(c)) return RF_CANCELLED;
        usleep(10000);
    }
    h->write(c, "late", 4);
    return RF_OK;
}

#define BACKEND(id, fn) \
    { sizeof(rf_plugin), RF_KIND_BACKEND, RF_STR(id), RF_STR("1.0.0"), RF_STR(id), RF_STR(""), RF_STR(""), fn }
#define FORMAT(id, fn) \
    { sizeof(rf_plugin), RF_KIND_FORMAT, RF_STR(id), RF_STR("1.0.0"), RF_STR(id), RF_STR("text/plain"), RF_STR("txt"), fn }

static const rf_plugin PLUGINS[] = {
    BACKEND("segv", segv),         BACKEND("abort", aborts),     BACKEND("quit", quits),
    BACKEND("hang", hang),         BACKEND("polite", polite),    BACKEND("stubborn", stubborn),
    BACKEND("chatty", chatty),     BACKEND("flood", flood),      FORMAT("format-segv", format_segv),
    FORMAT("format-slow", format_slow),
};
static const rf_library LIBRARY = {
    RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library),
    sizeof PLUGINS / sizeof PLUGINS[0], PLUGINS, NULL,
};
const rf_library *refine_plugin_entry(void) { return &LIBRARY; }
