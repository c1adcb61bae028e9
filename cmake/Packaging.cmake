# Installs the application as a desktop app (the executable, its desktop entry and icon) and
# describes the Debian package CPack builds: `cmake --build build --target package`.
#
# Everything else the app needs (the prelude, the QML, the demo and templates) is compiled into
# the executable as Qt resources, so these three files are the whole installation.

include(GNUInstallDirs)

install(TARGETS switchyard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/resources/desktop/switchyard.desktop
    DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/desktop/switchyard.svg
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
# An install into /usr is a system install: it finds libnode where Debian puts it, never through
# a RUNPATH into the build machine's project-local unpack (.deps/), which would not exist on the
# machine the package lands on.
install(CODE [[
    if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
        file(RPATH_REMOVE FILE "$ENV{DESTDIR}/usr/bin/switchyard")
    endif()
]])

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME switchyard)
set(CPACK_PACKAGE_VENDOR "Switchyard")
set(CPACK_PACKAGE_CONTACT "Switchyard developers <switchyard@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Cloudflare's Workers for Platforms, fully local")
set(CPACK_PACKAGE_DESCRIPTION
    "A desktop application with an embedded multi-tenant JavaScript runtime (V8): a dispatch \
Worker routes each HTTP request to user Workers in dispatch namespaces under per-invocation CPU \
and subrequest limits, with a GUI to manage routes, plans and customers and to watch limit \
violations live.")
# DESTDIR staging keeps CMAKE_INSTALL_PREFIX at /usr while CPack installs, so the RUNPATH rule
# above sees a system install.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The build's debug information stays in the build tree.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
# Linked libraries are found by dpkg-shlibdeps (Qt, OpenSSL, ICU, zlib, jemalloc, toml++,
# libgit2).
# libnode108 is named by hand: where the build took it from a project-local unpack no package
# owns it, and dpkg-shlibdeps then skips it. QML modules and Qt's SQLite driver are loaded at run
# time, so nothing links them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${V8_LIBRARY_DIR}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libnode108, libqt6sql6-sqlite, qml6-module-qtquick, qml6-module-qtquick-controls, \
qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-templates, \
qml6-module-qtqml-workerscript, qml6-module-qtquick-dialogs, qml6-module-qt-labs-folderlistmodel")
# The PostgreSQL driver only for --store postgresql://...
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6sql6-psql")
include(CPack)
