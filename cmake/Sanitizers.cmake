# newsdesk_sanitizers: ASan + UBSan when NEWSDESK_SANITIZE is on (the test build).
add_library(newsdesk_sanitizers INTERFACE)
if(NEWSDESK_SANITIZE)
  target_compile_options(newsdesk_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(newsdesk_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
# Coverage instrumentation for libFuzzer on every library the fuzz targets link.
if(NEWSDESK_FUZZ)
  target_compile_options(newsdesk_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
