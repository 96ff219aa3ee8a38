#!/usr/bin/env bash
# Checks what wsscope installs, in one of two ways:
#   check-install.sh destdir CMAKE BUILD_DIR VERSION
#       cmake --install into a fresh DESTDIR with the prefix /usr, then checks
#       the files, validates the desktop entry and the metainfo, and builds a
#       MIME database from the package XML.
#   check-install.sh deb CPACK BUILD_DIR VERSION
#       cpack -G DEB into a fresh folder, then checks the package's files
#       (the same, and the licence as Debian's copyright file), its control
#       fields and that it has no maintainer scripts.
# Every problem found is printed; the exit status is 1 when there was one.
set -euo pipefail

mode=${1:?mode: destdir or deb}
tool=${2:?cmake or cpack}
build_dir=${3:?build directory}
version=${4:?project version}

app_id=io.github.wsscope.wsscope
mime_type=application/x-wsscope-session
icon_sizes=(16 22 24 32 48 64 128 256)

# Every file the install puts under the prefix, and nothing else.
expected=(
    bin/wsscope
    "share/applications/${app_id}.desktop"
    "share/metainfo/${app_id}.metainfo.xml"
    "share/mime/packages/${app_id}.xml"
    share/icons/hicolor/scalable/apps/wsscope.svg
)
for size in "${icon_sizes[@]}"; do
    expected+=("share/icons/hicolor/${size}x${size}/apps/wsscope.png")
done

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
note() {
    echo "-- $*"
}

# A tool that is missing is a failure of the machine's setup, named with the
# Debian package that brings it (scripts/setup.sh installs them all).
need() {
    if ! command -v "$1" >/dev/null; then
        echo "FAIL: $1 is not installed (Debian package $2; scripts/setup.sh installs it)" >&2
        exit 1
    fi
}
need file file

work=$(mktemp -d "${TMPDIR:-/tmp}/wsscope-${mode}.XXXXXX")
# Kept when something failed, so that what was installed can be looked at.
finish() {
    if ((failures == 0)); then
        rm -rf "$work"
    else
        echo "The files are kept in $work" >&2
    fi
}
trap finish EXIT

# Compares the sorted file list in $1 with the expected one under prefix $2.
compare_files() {
    local listed=$1 prefix=$2 path
    for path in "${expected[@]}"; do
        grep -qxF "${prefix}${path}" "$listed" || fail "missing: ${prefix}${path}"
    done
    while IFS= read -r path; do
        local known=0 want
        for want in "${expected[@]}"; do
            [[ "$path" == "${prefix}${want}" ]] && known=1 && break
        done
        ((known)) || fail "not expected: $path"
    done <"$listed"
}

# The binary, the PNGs' sizes and the SVG under root $1 (the /usr of a tree).
check_file_types() {
    local usr=$1 size kind
    if [[ ! -x "$usr/bin/wsscope" ]]; then
        fail "$usr/bin/wsscope is not executable"
    fi
    kind=$(file -b "$usr/bin/wsscope")
    [[ "$kind" == ELF*executable* ]] || fail "bin/wsscope is not an ELF executable: $kind"
    for size in "${icon_sizes[@]}"; do
        kind=$(file -b "$usr/share/icons/hicolor/${size}x${size}/apps/wsscope.png")
        [[ "$kind" == "PNG image data, $size x $size,"* ]] \
            || fail "the ${size}x${size} icon is not a ${size}x${size} PNG: $kind"
    done
    kind=$(file -b "$usr/share/icons/hicolor/scalable/apps/wsscope.svg")
    [[ "$kind" == *SVG* ]] || fail "the scalable icon is not SVG: $kind"
}

check_destdir() {
    local cmake=$1
    need desktop-file-validate desktop-file-utils
    need appstreamcli appstream
    need update-mime-database shared-mime-info

    local root="$work/root"
    mkdir -p "$root"
    note "cmake --install $build_dir --prefix /usr with DESTDIR=$root"
    if ! DESTDIR="$root" "$cmake" --install "$build_dir" --prefix /usr >"$work/install.log" 2>&1; then
        cat "$work/install.log" >&2
        fail "cmake --install failed"
        exit 1
    fi

    # Everything must land under the prefix: nothing in DESTDIR beside /usr.
    (cd "$root" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort) >"$work/files"
    compare_files "$work/files" usr/
    check_file_types "$root/usr"

    local desktop="$root/usr/share/applications/${app_id}.desktop"
    local metainfo="$root/usr/share/metainfo/${app_id}.metainfo.xml"
    if [[ -f "$desktop" ]]; then
        note "desktop-file-validate ${desktop#"$root"}"
        desktop-file-validate "$desktop" || fail "desktop-file-validate found errors in the desktop entry"
        grep -q "^MimeType=.*${mime_type};" "$desktop" \
            || fail "the desktop entry's MimeType does not list $mime_type"
        grep -q '^MimeType=.*x-scheme-handler/ws;' "$desktop" \
            || fail "the desktop entry's MimeType does not list x-scheme-handler/ws"
        grep -q '^MimeType=.*x-scheme-handler/wss;' "$desktop" \
            || fail "the desktop entry's MimeType does not list x-scheme-handler/wss"
        grep -q '^Name\[zh_CN\]=.' "$desktop" || fail "the desktop entry has no Name[zh_CN]"
        grep -qx 'Exec=wsscope %u' "$desktop" || fail "the desktop entry does not run 'wsscope %u'"
        grep -qx 'Icon=wsscope' "$desktop" || fail "the desktop entry's Icon is not wsscope"
    fi
    if [[ -f "$metainfo" ]]; then
        note "appstreamcli validate --no-net ${metainfo#"$root"}"
        appstreamcli validate --no-net "$metainfo" || fail "appstreamcli found problems in the metainfo"
        grep -qF "<launchable type=\"desktop-id\">${app_id}.desktop</launchable>" "$metainfo" \
            || fail "the metainfo's launchable is not ${app_id}.desktop"
        grep -qF "<release version=\"${version}\"" "$metainfo" \
            || fail "the metainfo has no release for version $version"
        # The tree as a whole: the launchable's desktop entry is installed.
        note "appstreamcli validate-tree --no-net DESTDIR"
        appstreamcli validate-tree --no-net "$root" || fail "appstreamcli validate-tree found problems in the installed tree"
    fi

    # The package XML must build a database that knows the session files by
    # name and by their first bytes. A copy, so the installed tree stays as
    # installed.
    if [[ -d "$root/usr/share/mime" ]]; then
        cp -r "$root/usr/share/mime" "$work/mime"
        note "update-mime-database on a copy of share/mime"
        if update-mime-database "$work/mime" >"$work/mime.log" 2>&1; then
            grep -qE "^[0-9]+:${mime_type}:\*\.wsscope\.jsonl$" "$work/mime/globs2" \
                || fail "globs2 does not map *.wsscope.jsonl to $mime_type"
            grep -qaE "^\[[0-9]+:${mime_type}\]" "$work/mime/magic" \
                || fail "the magic file has no rule for $mime_type"
            grep -qaF '{"format":"wsscope-session"' "$work/mime/magic" \
                || fail "the magic rule does not look for {\"format\":\"wsscope-session\""
        else
            cat "$work/mime.log" >&2
            fail "update-mime-database refused the MIME package"
        fi
    fi

    local said
    if said=$("$root/usr/bin/wsscope" --version 2>&1); then
        [[ "$said" == "wsscope $version" ]] || fail "wsscope --version said '$said', not 'wsscope $version'"
    else
        fail "the installed wsscope --version failed: $said"
    fi
}

check_deb() {
    local cpack=$1
    need dpkg-deb dpkg
    need dpkg-shlibdeps dpkg-dev

    note "cpack -G DEB --config $build_dir/CPackConfig.cmake -B $work/out"
    if ! "$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
        cat "$work/cpack.log" >&2
        fail "cpack failed"
        exit 1
    fi
    local debs=("$work/out/wsscope_${version}_"*.deb)
    if [[ ! -f "${debs[0]}" ]]; then
        cat "$work/cpack.log" >&2
        fail "cpack made no wsscope_${version}_<arch>.deb in $work/out"
        exit 1
    fi
    local deb=${debs[0]}
    note "built ${deb##*/}"

    # The package carries the licence where Debian looks for it, too.
    expected+=(share/doc/wsscope/copyright)
    dpkg-deb -c "$deb" >"$work/contents"
    awk '$1 !~ /^d/ { print $NF }' "$work/contents" | LC_ALL=C sort >"$work/files"
    compare_files "$work/files" ./usr/

    mkdir -p "$work/unpacked"
    dpkg-deb -x "$deb" "$work/unpacked"
    check_file_types "$work/unpacked/usr"
    [[ "$(file -b "$work/unpacked/usr/bin/wsscope")" == *", stripped"* ]] \
        || fail "the packaged wsscope is not stripped"

    local field
    field=$(dpkg-deb -f "$deb" Package)
    [[ "$field" == wsscope ]] || fail "Package is '$field', not wsscope"
    field=$(dpkg-deb -f "$deb" Version)
    [[ "$field" == "$version" ]] || fail "Version is '$field', not $version"
    field=$(dpkg-deb -f "$deb" Depends)
    note "Depends: $field"
    # dpkg-shlibdeps names the libraries' packages; without it Depends is empty.
    for package in libqt6websockets6 libqt6widgets6 libqt6keychain1 libc6; do
        [[ "$field" == *"$package"* ]] || fail "Depends does not name $package (did dpkg-shlibdeps run?)"
    done
    field=$(dpkg-deb -f "$deb" Recommends)
    for package in qt6-translations-l10n fonts-noto-cjk libsecret-1-0; do
        [[ "$field" == *"$package"* ]] || fail "Recommends does not name $package"
    done

    # Debian's triggers refresh the desktop, icon and MIME caches, so the
    # package needs no maintainer scripts: its control part is control and
    # md5sums only.
    dpkg-deb --ctrl-tarfile "$deb" | tar -t | sed 's|^\./||' | grep -v '^$' | LC_ALL=C sort >"$work/control-files"
    if [[ "$(tr '\n' ' ' <"$work/control-files")" != "control md5sums " ]]; then
        fail "the control part holds more than control and md5sums: $(tr '\n' ' ' <"$work/control-files")"
    fi
}

case "$mode" in
destdir) check_destdir "$tool" ;;
deb) check_deb "$tool" ;;
*)
    echo "unknown mode '$mode' (destdir or deb)" >&2
    exit 2
    ;;
esac

if ((failures > 0)); then
    echo "$failures problem(s) found" >&2
    exit 1
fi
note "all checks passed"
