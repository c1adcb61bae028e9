# switchyard_npm_ci(<source dir> <build dir> <what needs them>): the npm packages pinned by
# <source dir>/package-lock.json, installed by `npm ci` into <build dir>/node_modules when the lock
# file or package.json changes (npm's cache makes a rebuild offline). The custom command's output
# is <build dir>/npm-ci.stamp, for the commands that use the packages to depend on. Sets
# SWITCHYARD_NPM and SWITCHYARD_NODE, and stops with a message when either is missing.
function(switchyard_npm_ci source build what)
    find_program(SWITCHYARD_NPM npm)
    find_program(SWITCHYARD_NODE NAMES node nodejs)
    if(NOT SWITCHYARD_NPM OR NOT SWITCHYARD_NODE)
        message(FATAL_ERROR "npm and node not found: ${what} needs npm packages at build time "
            "(${source}). Install Node.js and npm (scripts/setup.sh does).")
    endif()
    file(RELATIVE_PATH lock ${CMAKE_SOURCE_DIR} ${source}/package-lock.json)
    file(MAKE_DIRECTORY ${build})
    add_custom_command(
        OUTPUT ${build}/npm-ci.stamp
        COMMAND ${CMAKE_COMMAND} -E copy_if_different
            ${source}/package.json ${source}/package-lock.json ${build}
        COMMAND ${SWITCHYARD_NPM} ci --ignore-scripts --no-audit --no-fund --prefer-offline
            --loglevel=error
        COMMAND ${CMAKE_COMMAND} -E touch ${build}/npm-ci.stamp
        WORKING_DIRECTORY ${build}
        DEPENDS ${source}/package.json ${source}/package-lock.json
        COMMENT "npm ci: ${what}'s pinned npm packages (${lock})"
        VERBATIM)
endfunction()
