# One place for warnings and Qt strictness; every KeyDeck target links keydeck_warnings.
add_library(keydeck_warnings INTERFACE)
target_compile_options(keydeck_warnings INTERFACE -Wall -Wextra -pedantic -Wshadow -Wnon-virtual-dtor
                                                  -Woverloaded-virtual)
if(KEYDECK_WERROR)
    target_compile_options(keydeck_warnings INTERFACE -Werror)
endif()
target_compile_definitions(keydeck_warnings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_FOREACH
    QT_NO_KEYWORDS)

# The sanitizer preset: AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer on
# every KeyDeck target, any finding fatal. With KEYDECK_FUZZ (clang only) the code is also
# instrumented for libFuzzer's coverage.
if(KEYDECK_SANITIZE)
    set(sanitizers -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_compile_options(keydeck_warnings INTERFACE ${sanitizers})
    target_link_options(keydeck_warnings INTERFACE ${sanitizers})
endif()
if(KEYDECK_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "KEYDECK_FUZZ needs clang (libFuzzer)")
    endif()
    target_compile_options(keydeck_warnings INTERFACE -fsanitize=fuzzer-no-link)
endif()
