// Typed wrappers around libcurl's variadic entry points, which Swift cannot call directly.
// Each wrapper fixes the type of the third argument, as the libcurl documentation requires
// for the option family it serves ("the parameter must be a long / a char * / …").
#ifndef PLEDGE_CCURL_SHIM_H
#define PLEDGE_CCURL_SHIM_H

#include <curl/curl.h>

/// Write and header callbacks: `size_t function(char *ptr, size_t size, size_t nmemb, void *userdata)`.
typedef size_t (*pledge_curl_data_callback)(char *, size_t, size_t, void *);

/// Options taking a `long` (timeouts, flags such as CURLOPT_SSL_VERIFYPEER, sizes).
static inline CURLcode pledge_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a `curl_off_t` (e.g. CURLOPT_POSTFIELDSIZE_LARGE).
static inline CURLcode pledge_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a `char *`; libcurl copies strings set this way (since 7.17.0), except CURLOPT_POSTFIELDS.
static inline CURLcode pledge_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking an opaque pointer (CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_POSTFIELDS).
static inline CURLcode pledge_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a header list (CURLOPT_HTTPHEADER).
static inline CURLcode pledge_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a data callback (CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION).
static inline CURLcode pledge_curl_setopt_callback(CURL *handle, CURLoption option, pledge_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/// Information of type `long` (CURLINFO_RESPONSE_CODE, CURLINFO_HEADER_SIZE, CURLINFO_REQUEST_SIZE).
static inline CURLcode pledge_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Information of type `curl_off_t` (CURLINFO_SIZE_UPLOAD_T, CURLINFO_SIZE_DOWNLOAD_T).
static inline CURLcode pledge_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
