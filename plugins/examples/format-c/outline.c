/*
 * outline.c: a refine format plugin in C. It writes the session as a plain-text outline.
 *
 *   gcc -std=c99 -Wall -Werror -fPIC -shared -I crates/refine-plugin-abi/include \
 *       -o liboutline.so plugins/examples/format-c/outline.c
 *   REFINE_PLUGIN_PATH=$PWD/liboutline.so refine prep "Reduce checkout abandonment" --format outline
 *
 * The pack arrives as JSON; host->get and host->count read it by JSON pointer, so the plugin
 * needs no JSON parser.
 */
#include <stdio.h>
#include <string.h>

#include "refine_plugin.h"

static void put(const rf_host *host, rf_call *call, const char *text) {
    host->write(call, text, strlen(text));
}

static void put_value(const rf_host *host, rf_call *call, const char *pointer) {
    rf_str value;
    if (host->get(call, pointer, &value) == RF_OK) {
        host->write(call, value.ptr, value.len);
    }
}

/* Writes every string of the array at `array` as a line starting with `bullet`. */
static void put_list(const rf_host *host, rf_call *call, const char *array, const char *bullet) {
    char pointer[96];
    int64_t n = host->count(call, array);
    for (int64_t i = 0; i < n; i++) {
        snprintf(pointer, sizeof pointer, "%s/%lld", array, (long long)i);
        put(host, call, bullet);
        put_value(host, call, pointer);
        put(host, call, "\n");
    }
}

static int32_t outline(const rf_host *host, rf_call *call, rf_str input, rf_str config) {
    (void)input;
    (void)config;
    rf_str topic;
    if (host->get(call, "/topic", &topic) != RF_OK) {
        const char *message = "the pack has no topic";
        host->set_error(call, message, strlen(message));
        return RF_ERROR;
    }
    put(host, call, "REFINEMENT SESSION: ");
    host->write(call, topic.ptr, topic.len);
    put(host, call, "\n\nAGENDA\n");
    char pointer[96];
    int64_t items = host->count(call, "/plan/agenda");
    for (int64_t i = 0; i < items; i++) {
        snprintf(pointer, sizeof pointer, "/plan/agenda/%lld/title", (long long)i);
        put(host, call, "  - ");
        put_value(host, call, pointer);
        snprintf(pointer, sizeof pointer, "/plan/agenda/%lld/minutes/max", (long long)i);
        rf_str minutes;
        if (host->get(call, pointer, &minutes) == RF_OK) {
            put(host, call, " (");
            host->write(call, minutes.ptr, minutes.len);
            put(host, call, " min)");
        }
        put(host, call, "\n");
    }
    put(host, call, "\nKEY POINTS\n");
    put_list(host, call, "/plan/key_points", "  * ");
    put(host, call, "\nQUESTIONS\n");
    put_list(host, call, "/plan/discussion_questions", "  ? ");
    put(host, call, "\nCLOSING\n  ");
    put_value(host, call, "/plan/closing_statement");
    put(host, call, "\n");
    return host->is_cancelled(call) ? RF_CANCELLED : RF_OK;
}

static const rf_plugin PLUGINS[] = {{
    sizeof(rf_plugin),
    RF_KIND_FORMAT,
    RF_STR("outline"),
    RF_STR("1.0.0"),
    RF_STR("Plain-text outline of the session (an example plugin in C)"),
    RF_STR("text/plain; charset=utf-8"),
    RF_STR("txt"),
    outline,
}};

static const rf_library LIBRARY = {
    RF_MAGIC, RF_ABI_MAJOR, RF_ABI_MINOR, sizeof(rf_library), 1, PLUGINS, NULL,
};

const rf_library *refine_plugin_entry(void) {
    return &LIBRARY;
}
