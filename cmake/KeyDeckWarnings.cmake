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
