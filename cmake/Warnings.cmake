# newsdesk_warnings: the warning set every target of ours compiles with.
add_library(newsdesk_warnings INTERFACE)
target_compile_options(newsdesk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
# GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string
# operator+ at -O2/-O3 (GCC bug 105329); they name no line of ours.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(newsdesk_warnings INTERFACE -Wno-restrict)
endif()
