#!/usr/bin/env bash
# Builds the release binary and a Debian package of it with Debian's own tools:
#
#   scripts/package-deb.sh [OUTPUT-DIR]     # writes OUTPUT-DIR/booking-monitor_VERSION_ARCH.deb (default: .)
#
# The binary carries the Swift runtime (--static-swift-stdlib): no toolchain is needed to run
# it; ncursesw, SQLite and libc stay shared libraries, and dpkg-shlibdeps declares them. The
# package holds the man page and shell completions (packaging/, generated from the argument
# parser by scripts/gen-manual.sh), the systemd units, an example catalog and settings, the
# Prometheus alerts and the Grafana dashboard, and creates the system user booking-monitor.
# Needs dpkg-dev (dpkg-shlibdeps) beside the toolchain. DEB_MAINTAINER overrides the
# Maintainer field (default: the last commit's author).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath "${1:-.}")

# --version names the commit (Package.swift reads this at build time).
BOOKING_MONITOR_COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
if [ -n "$BOOKING_MONITOR_COMMIT" ] && ! git diff --quiet HEAD 2>/dev/null; then BOOKING_MONITOR_COMMIT+=-dirty; fi
export BOOKING_MONITOR_COMMIT
# PACKAGE_SCRATCH: the build directory (default .build).
# PACKAGE_CONFIGURATION=debug packages the tests' debug build instead, linked against the
# toolchain's Swift libraries: it runs only where this toolchain is installed, and .ci/run uses
# it to try the package's install, units and user without a second (release) build of the
# whole stack (6.6 min of a 46-minute clean-clone run). A debug build does not link with
# --static-swift-stdlib here: without the release link's dead-stripping, FoundationNetworking
# pulls in libcurl and CoreFoundation symbols the static link misses.
configuration=${PACKAGE_CONFIGURATION:-release}
case "$configuration" in
    release) build=(swift build -c release --static-swift-stdlib --product booking-monitor --scratch-path "${PACKAGE_SCRATCH:-.build}") ;;
    debug) build=(swift build --product booking-monitor --scratch-path "${PACKAGE_SCRATCH:-.build}") ;;
    *) echo "package-deb.sh: PACKAGE_CONFIGURATION is release or debug, not \"$configuration\"" >&2; exit 2 ;;
esac
"${build[@]}"
binary="$("${build[@]}" --show-bin-path)/booking-monitor"
if [ "$configuration" = release ] && ldd "$binary" | grep -q swift; then
    echo "package-deb.sh: the release binary still loads Swift libraries:" >&2; ldd "$binary" >&2; exit 1
fi
version=$("$binary" --version | cut -d' ' -f1)
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || echo 'booking-monitor maintainers <root@localhost>')}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/booking-monitor_${version}_${arch}"
doc="$root/usr/share/doc/booking-monitor"

install -D -m 0755 "$binary" "$root/usr/bin/booking-monitor"
strip --strip-unneeded "$root/usr/bin/booking-monitor"
install -d "$root/usr/share/man/man1"
gzip -9n < packaging/man/booking-monitor.1 > "$root/usr/share/man/man1/booking-monitor.1.gz"
install -D -m 0644 packaging/completions/booking-monitor.bash "$root/usr/share/bash-completion/completions/booking-monitor"
install -D -m 0644 packaging/completions/booking-monitor.zsh "$root/usr/share/zsh/vendor-completions/_booking-monitor"
install -D -m 0644 packaging/completions/booking-monitor.fish "$root/usr/share/fish/vendor_completions.d/booking-monitor.fish"
install -D -m 0644 packaging/booking-monitor.service "$root/lib/systemd/system/booking-monitor.service"
install -D -m 0644 packaging/booking-monitor@.service "$root/lib/systemd/system/booking-monitor@.service"
install -D -m 0644 packaging/default "$root/etc/default/booking-monitor"
install -D -m 0644 examples/catalog-a.json "$root/etc/booking-monitor/catalog.json"
install -D -m 0644 examples/catalog-a.json "$doc/examples/catalog-a.json"
install -D -m 0644 examples/catalog-b.json "$doc/examples/catalog-b.json"
install -D -m 0644 packaging/instance.conf.example "$doc/examples/instance.conf"
install -D -m 0644 ops/prometheus/alerts.yml "$doc/examples/prometheus/alerts.yml"
install -D -m 0644 ops/prometheus/prometheus.yml "$doc/examples/prometheus/prometheus.yml"
install -D -m 0644 ops/grafana/booking-monitor.json "$doc/examples/grafana/booking-monitor.json"
install -D -m 0644 README.md "$doc/README.md"
gzip -9n < CHANGELOG.md > "$doc/changelog.gz"
cat > "$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: booking-monitor
Comment: Built from commit ${BOOKING_MONITOR_COMMIT:-unknown}. The binary links the Swift
 runtime and the Swift packages named in Package.swift statically; their licences are theirs.

Files: *
Copyright: the booking-monitor authors
License: none stated in the source tree
EOF

# Runtime dependencies from the binary's own shared libraries (dpkg-shlibdeps reads a
# debian/control; a minimal one does).
mkdir -p "$work/shlibs/debian"
printf 'Source: booking-monitor\n\nPackage: booking-monitor\nArchitecture: any\n' > "$work/shlibs/debian/control"
# The debug build's Swift libraries come from the toolchain, not from a Debian package.
ignore=(); [ "$configuration" = debug ] && ignore=(--ignore-missing-info)
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps "${ignore[@]}" -O -e"$root/usr/bin/booking-monitor" 2>"$work/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { cat "$work/shlibdeps.log" >&2; echo "package-deb.sh: dpkg-shlibdeps found no dependencies of the binary" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<EOF
Package: booking-monitor
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $shlibs, adduser
Suggests: prometheus, tmux
Section: net
Priority: optional
Description: books products for the customers an Orchestrator queues
 booking-monitor watches a group of products; when one is available and its title
 has a queue, it books it for the customer at the head of the queue and tells the
 Orchestrator. An operator console runs in a terminal; booking-monitor.service runs
 it headless under systemd (Type=notify, watchdog), booking-monitor@.service one
 instance per group. Prometheus alerts and a Grafana dashboard are in
 /usr/share/doc/booking-monitor/examples.
EOF
printf '/etc/default/booking-monitor\n/etc/booking-monitor/catalog.json\n' > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if ! getent passwd booking-monitor >/dev/null; then
        adduser --system --group --home /var/lib/booking-monitor \
            --gecos "booking-monitor service" booking-monitor >/dev/null
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null || true
        # An upgrade restarts what runs; a first install starts nothing (set the
        # Orchestrator in /etc/default/booking-monitor, then systemctl enable --now).
        systemctl try-restart booking-monitor.service 'booking-monitor@*.service' >/dev/null || true
    fi
fi
EOF
cat > "$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop booking-monitor.service 'booking-monitor@*.service' >/dev/null || true
fi
EOF
cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
    # The databases; the user stays (Debian keeps system users: files may still name it).
    rm -rf /var/lib/booking-monitor
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null || true
fi
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

deb="$out/booking-monitor_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
