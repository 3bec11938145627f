/*
 * refine_plugin.h: the refine plugin ABI, version 1.1.
 *
 * A plugin library exports one function, refine_plugin_entry, which returns a pointer to a
 * static rf_library. The host checks magic, ABI version and struct sizes before it calls
 * anything else in the library; then it calls init (when not NULL) once, and each plugin's
 * call function per request. See docs/plugins.md.
 *
 * Memory: every string crossing the boundary is UTF-8 with an explicit length (rf_str), not
 * NUL-terminated. The plugin owns what it returns from refine_plugin_entry (static data); the
 * host owns everything it passes in and everything get() returns, valid until call returns.
 * Output goes through host->write, which copies: each side frees only what it allocated.
 *
 * Threading: the host never calls one plugin concurrently; different plugins may be called
 * from different threads.
 */
#ifndef REFINE_PLUGIN_H
#define REFINE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first field of rf_library: the bytes "RFNP". */
#define RF_MAGIC 0x504E4652u
/* A host loads libraries of its own major version and a minor version not newer than its own. */
#define RF_ABI_MAJOR 1u
#define RF_ABI_MINOR 1u

/* Status codes returned by call and init. */
#define RF_OK 0
#define RF_ERROR 1     /* call host->set_error first to say why */
#define RF_CANCELLED 2 /* host->is_cancelled said so, or write returned RF_CANCELLED */

/* Plugin kinds. */
#define RF_KIND_BACKEND 1u
#define RF_KIND_FORMAT 2u

/* A UTF-8 string with its length in bytes; not NUL-terminated. */
typedef struct rf_str {
    const char *ptr;
    size_t len;
} rf_str;

/* An rf_str initialiser for a string literal: RF_STR("outline"). */
#define RF_STR(literal) { (literal), sizeof(literal) - 1 }

/* One request, owned by the host; only ever passed back to host functions. */
typedef struct rf_call rf_call;

/* What the host offers a plugin during a call. */
typedef struct rf_host {
    uint32_t struct_size; /* sizeof(rf_host) of the host: newer hosts may add fields at the end */
    uint32_t abi_minor;   /* the host's RF_ABI_MINOR */
    /* Appends output (copied). Returns RF_OK, or RF_CANCELLED when the user cancelled. */
    int32_t (*write)(rf_call *call, const char *bytes, size_t len);
    /* Says why the call fails; the last message wins. Since ABI 1.1, init may call it with
     * call == NULL to say why it returns RF_ERROR. */
    void (*set_error)(rf_call *call, const char *message, size_t len);
    /* 1 when the user cancelled the request, else 0. */
    int32_t (*is_cancelled)(rf_call *call);
    /* Looks up a value of the input by JSON pointer (RFC 6901, NUL-terminated, e.g.
     * "/plan/agenda/0/title"). Strings come as their text, numbers and booleans as JSON text,
     * null as "null", arrays and objects as JSON. Returns RF_OK and sets *out (valid until call
     * returns), or RF_ERROR when there is no such value. A string "null" and JSON null both
     * read "null" here: get_json tells them apart. */
    int32_t (*get)(rf_call *call, const char *pointer, rf_str *out);
    /* The length of the array at the JSON pointer, or -1 when it is not an array. */
    int64_t (*count)(rf_call *call, const char *pointer);
    /* Since ABI 1.1 (check abi_minor >= 1): like get, but every value as JSON text, strings
     * quoted: JSON null is `null`, the string "null" is `"null"`. */
    int32_t (*get_json)(rf_call *call, const char *pointer, rf_str *out);
} rf_host;

/* One plugin of a library. */
typedef struct rf_plugin {
    uint32_t struct_size; /* sizeof(rf_plugin) */
    uint32_t kind;        /* RF_KIND_BACKEND or RF_KIND_FORMAT */
    rf_str id;            /* [a-z0-9_-]{1,64}, unique among all plugins */
    rf_str version;       /* the plugin's own version, e.g. "1.2.0" */
    rf_str description;   /* one line */
    rf_str media_type;    /* formats: e.g. "text/plain; charset=utf-8" */
    rf_str extension;     /* formats: e.g. "txt" */
    /* Serves one request. input is UTF-8 JSON: for a format, the session pack
     * (refine.session_pack/1, as `refine prep --format json` writes it; see `refine schema`);
     * for a backend, {"prompt", "topic", "context", "minutes", "guide", "options"}, see
     * docs/plugins.md for each field's type and when it is null. config is the user's
     * [plugins.<id>] table as JSON ("{}" when none). Write the output with host->write (a
     * backend writes tagged reply text, as it arrives); return RF_OK, RF_ERROR or RF_CANCELLED. */
    int32_t (*call)(const rf_host *host, rf_call *call, rf_str input, rf_str config);
} rf_plugin;

/* What refine_plugin_entry returns. The first four fields are frozen forever. */
typedef struct rf_library {
    uint32_t magic;        /* RF_MAGIC */
    uint16_t abi_major;    /* RF_ABI_MAJOR the library was built against */
    uint16_t abi_minor;    /* RF_ABI_MINOR the library was built against */
    uint32_t struct_size;  /* sizeof(rf_library) */
    uint32_t plugin_count;
    const rf_plugin *plugins;
    /* Optional (may be NULL): called once, after every check passed, before any call. */
    int32_t (*init)(const rf_host *host);
} rf_library;

/* The one exported symbol. It must do nothing but return a pointer to static data. */
const rf_library *refine_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* REFINE_PLUGIN_H */
