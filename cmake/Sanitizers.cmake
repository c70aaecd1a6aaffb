# newsdesk_sanitizers: ASan + UBSan when NEWSDESK_SANITIZE is on (the test
# build); ThreadSanitizer when NEWSDESK_TSAN is on (the threaded parts' tests).
add_library(newsdesk_sanitizers INTERFACE)
if(NEWSDESK_SANITIZE AND NEWSDESK_TSAN)
  message(FATAL_ERROR "NEWSDESK_SANITIZE and NEWSDESK_TSAN cannot be on together (ASan and TSan exclude each other)")
endif()
if(NEWSDESK_TSAN)
  target_compile_options(newsdesk_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(newsdesk_sanitizers INTERFACE -fsanitize=thread)
endif()
if(NEWSDESK_SANITIZE)
  target_compile_options(newsdesk_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(newsdesk_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
# Coverage instrumentation for libFuzzer on every library the fuzz targets link.
if(NEWSDESK_FUZZ)
  target_compile_options(newsdesk_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
