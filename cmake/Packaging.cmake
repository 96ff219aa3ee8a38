# A Debian package of what `cmake --install` installs:
#   cpack -G DEB --config <build dir>/CPackConfig.cmake -B <output dir>
# (or `cpack -G DEB` inside the build dir). Included last by the top-level
# CMakeLists.txt.

# The fuzz build has no program to package; a parent project packages itself.
if(WSSCOPE_FUZZ OR NOT PROJECT_IS_TOP_LEVEL)
    return()
endif()

include(GNUInstallDirs)

set(WSSCOPE_PACKAGE_MAINTAINER "The wsscope authors"
    CACHE STRING "Maintainer field of the Debian package (name <email>)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wsscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The wsscope authors")
set(CPACK_PACKAGE_CONTACT "${WSSCOPE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL https://github.com/wsscope/wsscope)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
# Installed paths are relative (GNUInstallDirs); the package puts them under
# /usr, where Debian's own desktop, icon and MIME triggers look.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# RelWithDebInfo carries debug info the package has no use for.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"wsscope connects to ws:// and wss:// servers, sends text and binary messages
and shows the real opening handshake: the GET request with Upgrade: websocket
and Sec-WebSocket-Key, and the server's 101 answer with Sec-WebSocket-Accept
checked, or the refusal and its body. Every message, every frame on the wire
and the close handshake are listed in one window.

Sessions are saved as files that reopen read-only, and export to HAR, text
or a pcapng capture that Wireshark dissects. A batch mode does the same from
scripts and CI. The window speaks English and Simplified Chinese.")
# Depends comes from the binary's libraries (the Qt 6 ones, libc, libstdc++).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt's own texts in Chinese (standard buttons, file dialogs) and a font with
# CJK glyphs; the program works without them, in English or with boxes.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n, fonts-noto-cjk, libsecret-1-0")
# No maintainer scripts: the triggers of desktop-file-utils, hicolor-icon-theme
# and shared-mime-info refresh their caches for /usr/share/applications,
# /usr/share/icons/hicolor and /usr/share/mime/packages.

# Debian wants the licence in /usr/share/doc/<package>/copyright. Only the
# package has it: the component is left out of a plain `cmake --install`, and
# CPack installs it after the default one.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/wsscope
        RENAME copyright COMPONENT debian EXCLUDE_FROM_ALL)
set(CPACK_INSTALL_CMAKE_PROJECTS
    "${PROJECT_BINARY_DIR};${PROJECT_NAME};ALL;/"
    "${PROJECT_BINARY_DIR};${PROJECT_NAME};debian;/")

# Without dpkg-shlibdeps (Debian's dpkg-dev) CPack builds a package with no
# Depends at all; say so now rather than after installing it somewhere.
find_program(WSSCOPE_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(NOT WSSCOPE_DPKG_SHLIBDEPS)
    message(STATUS "dpkg-shlibdeps not found (dpkg-dev): a .deb built here would have no Depends")
endif()

# The values reach CPackConfig.cmake as written here (the description's
# quotes and newlines, the regular expressions below).
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_SOURCE_GENERATOR TXZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build/")

include(CPack)
