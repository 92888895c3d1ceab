/* A C caller of libazcontext, built against include/azcontext.h and run under valgrind by
 * `./build.sh test`: it must see every documented status and leak nothing. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "azcontext.h"

static int failures = 0;

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "FAILED: %s (line %d)\n", what, __LINE__);      \
            failures++;                                                     \
        }                                                                   \
    } while (0)

static void expect_message(const char *needle) {
    char *msg = azctx_last_error_message();
    CHECK(msg != NULL, "a failed call leaves a message");
    if (msg != NULL) {
        CHECK(strstr(msg, needle) != NULL, needle);
        azctx_string_free(msg);
    }
}

int main(void) {
    char dir[] = "/tmp/azctx-ctest-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    CHECK(azctx_abi_version() == AZCTX_ABI_VERSION, "ABI version matches the header");

    /* NULL is a no-op for both destructors. */
    azctx_string_free(NULL);
    azctx_session_free(NULL);

    /* The settings of each call: the store folder; no AzContextAutoSave, no flags. */
    azctx_call call = {0};
    call.size = sizeof call;
    call.azcontext_dir = dir;

    azctx_session *session = NULL;
    CHECK(azctx_session_new(NULL, NULL) == AZCTX_STATUS_NULL_ARGUMENT, "session_new(NULL)");
    expect_message("output pointer");
    CHECK(azctx_session_new(NULL, &session) == AZCTX_STATUS_OK && session != NULL, "session_new");
    CHECK(azctx_last_error_message() == NULL, "success clears the last error");

    /* An empty store: no current context is the JSON null, not an error. */
    char *json = NULL;
    CHECK(azctx_context_current(session, &call, &json) == AZCTX_STATUS_OK, "context_current");
    CHECK(json != NULL && strcmp(json, "null") == 0, "no current context is null");
    azctx_string_free(json);

    json = NULL;
    CHECK(azctx_context_list(session, &call, &json) == AZCTX_STATUS_OK, "context_list");
    CHECK(json != NULL && strcmp(json, "[]") == 0, "an empty store lists nothing");
    azctx_string_free(json);

    /* Output untouched on failure. */
    char *sentinel = (char *)&failures;
    json = sentinel;
    CHECK(azctx_context_current(NULL, &call, &json) == AZCTX_STATUS_NULL_ARGUMENT, "NULL session");
    CHECK(json == sentinel, "out-parameter untouched on failure");
    expect_message("session");

    const char bad_utf8[] = {'a', (char)0xff, 'b', 0};
    CHECK(azctx_context_get(session, &call, bad_utf8, &json) == AZCTX_STATUS_INVALID_UTF8, "invalid UTF-8");
    CHECK(json == sentinel, "out-parameter untouched on invalid UTF-8");
    expect_message("UTF-8");

    CHECK(azctx_autosave_get(session, &call, 77, &json) == AZCTX_STATUS_INVALID_ARGUMENT, "unknown scope");
    expect_message("scope");

    json = NULL;
    CHECK(azctx_autosave_get(session, &call, AZCTX_SCOPE_CURRENT_USER, &json) == AZCTX_STATUS_OK, "autosave_get");
    CHECK(json != NULL && strstr(json, "\"Mode\":\"CurrentUser\"") != NULL, "a new store autosaves");
    azctx_string_free(json);

    azctx_session_free(session);

    /* Leave nothing behind. */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");

    if (failures == 0) {
        printf("ctest: all checks passed\n");
        return 0;
    }
    fprintf(stderr, "ctest: %d checks failed\n", failures);
    return 1;
}
