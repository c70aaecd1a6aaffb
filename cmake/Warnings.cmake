# newsdesk_warnings: the warning set every target of ours compiles with.
add_library(newsdesk_warnings INTERFACE)
target_compile_options(newsdesk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
