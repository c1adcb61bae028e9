# Finds V8 as shipped by Debian's libnode-dev (Node 18, V8 10.2): headers in include/node, the
# library libnode.so.108. V8_PREFIX (default /usr) says where to look; scripts/setup.sh sets it to a
# project-local unpack where a foreign nodejs package blocks libnode-dev.
#
# The headers must match the library: a newer nodejs puts V8 11+ headers in /usr/include/node, and
# code compiled against them links but crashes. So the version is checked, not assumed.
#
# Defines the imported target V8::V8.

set(V8_PREFIX "/usr" CACHE PATH "Prefix that holds include/node/v8.h and libnode.so.108")

find_path(V8_INCLUDE_DIR v8-version.h
    PATHS "${V8_PREFIX}/include/node" NO_DEFAULT_PATH)
find_library(V8_LIBRARY NAMES libnode.so.108 node
    PATHS "${V8_PREFIX}/lib/x86_64-linux-gnu" "${V8_PREFIX}/lib" NO_DEFAULT_PATH)

if(V8_INCLUDE_DIR)
    file(STRINGS "${V8_INCLUDE_DIR}/v8-version.h" _v8_major REGEX "^#define V8_MAJOR_VERSION [0-9]+")
    file(STRINGS "${V8_INCLUDE_DIR}/v8-version.h" _v8_minor REGEX "^#define V8_MINOR_VERSION [0-9]+")
    string(REGEX REPLACE ".* ([0-9]+)$" "\\1" V8_VERSION_MAJOR "${_v8_major}")
    string(REGEX REPLACE ".* ([0-9]+)$" "\\1" V8_VERSION_MINOR "${_v8_minor}")
    set(V8_VERSION "${V8_VERSION_MAJOR}.${V8_VERSION_MINOR}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(V8
    REQUIRED_VARS V8_LIBRARY V8_INCLUDE_DIR V8_VERSION_MAJOR
    VERSION_VAR V8_VERSION)

if(V8_FOUND AND NOT V8_VERSION_MAJOR EQUAL 10)
    message(FATAL_ERROR
        "V8 headers in ${V8_INCLUDE_DIR} are V8 ${V8_VERSION}, but Switchyard needs V8 10 "
        "(Debian's libnode-dev 18, libnode.so.108). These headers probably come from a newer "
        "nodejs package. Run scripts/setup.sh, which unpacks Debian's libnode-dev into .deps/, "
        "or pass -DV8_PREFIX=<prefix holding include/node and libnode.so.108>.")
endif()

if(V8_FOUND AND NOT TARGET V8::V8)
    add_library(V8::V8 SHARED IMPORTED)
    set_target_properties(V8::V8 PROPERTIES
        IMPORTED_LOCATION "${V8_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${V8_INCLUDE_DIR}"
        # Node 18's V8 is built without pointer compression and without the sandbox; the embedder
        # must agree or object layouts differ.
        INTERFACE_COMPILE_DEFINITIONS "V8_DEPRECATION_WARNINGS=0;V8_IMMINENT_DEPRECATION_WARNINGS=0")
    get_filename_component(V8_LIBRARY_DIR "${V8_LIBRARY}" DIRECTORY)
endif()
mark_as_advanced(V8_INCLUDE_DIR V8_LIBRARY)
