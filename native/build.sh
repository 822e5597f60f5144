#!/usr/bin/env bash
# Builds kbench's optional librdkafka binding (native/kbench_rdkafka.c) into native/build/ (git-ignored):
#   npm run build:native
# 1. librdkafka's source: the copy bundled in the npm package node-rdkafka (deps/librdkafka), fetched
#    with `npm pack` from the npm registry (integrity checked by npm) unless KBENCH_LIBRDKAFKA_SRC names a
#    librdkafka source tree already here. Only librdkafka's C library is built (static, no C++), with
#    SSL, SASL PLAIN/SCRAM, gzip, snappy, lz4 and zstd; no GSSAPI (kbench does not do Kerberos), no
#    libcurl (no OIDC). A few minutes on 2 cores; done once, kept in native/build/librdkafka-<version>.
# 2. The binding: plain C against Node's node_api.h (/usr/include/node, or KBENCH_NODE_INCLUDE), no
#    node-gyp and no header download, linked with librdkafka.a into native/build/kbench_rdkafka.node.
# Needs: a C compiler, make, and the development files of OpenSSL, zlib and zstd (Debian:
#   apt-get install -y build-essential libssl-dev zlib1g-dev libzstd-dev).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/build"
NODE_RDKAFKA="${KBENCH_NODE_RDKAFKA:-node-rdkafka@3.6.1}"   # the npm package whose deps/librdkafka is built
NODE_INCLUDE="${KBENCH_NODE_INCLUDE:-}"
CC="${CC:-cc}"
JOBS="${KBENCH_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
die() { echo "build:native: $*" >&2; exit 1; }

command -v "$CC" >/dev/null || die "no C compiler ($CC); Debian: apt-get install -y build-essential"
command -v make >/dev/null || die "make is needed; Debian: apt-get install -y build-essential"
if [[ -z "$NODE_INCLUDE" ]]; then
  for d in "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node" /usr/include/node /usr/local/include/node; do
    [[ -f "$d/node_api.h" ]] && { NODE_INCLUDE="$d"; break; }
  done
fi
[[ -n "$NODE_INCLUDE" && -f "$NODE_INCLUDE/node_api.h" ]] || die "node_api.h not found; set KBENCH_NODE_INCLUDE to Node's include/node folder"
missing=()
for h in openssl/ssl.h zlib.h zstd.h; do
  echo "#include <$h>" | "$CC" -E -x c - >/dev/null 2>&1 || missing+=("$h")
done
[[ ${#missing[@]} -eq 0 ]] || die "missing ${missing[*]}; Debian: apt-get install -y libssl-dev zlib1g-dev libzstd-dev"

mkdir -p "$OUT"
SRC="${KBENCH_LIBRDKAFKA_SRC:-}"
if [[ -z "$SRC" ]]; then
  SRC="$OUT/src/librdkafka"
  if [[ ! -f "$SRC/src/rdkafka.h" ]]; then
    echo "build:native: fetching $NODE_RDKAFKA from the npm registry for its bundled librdkafka source" >&2
    rm -rf "$OUT/src"; mkdir -p "$OUT/src"
    tgz="$(cd "$OUT/src" && npm pack --silent "$NODE_RDKAFKA" | tail -1)"
    tar -xzf "$OUT/src/$tgz" -C "$OUT/src" package/deps/librdkafka
    mv "$OUT/src/package/deps/librdkafka" "$SRC"
    rm -rf "$OUT/src/package" "$OUT/src/$tgz"
  fi
fi
[[ -f "$SRC/src/rdkafka.h" ]] || die "no librdkafka source at $SRC"
VERSION_HEX="$(sed -n 's/^#define RD_KAFKA_VERSION *0x\([0-9a-fA-F]*\).*/\1/p' "$SRC/src/rdkafka.h")"
VERSION="$((16#${VERSION_HEX:0:2})).$((16#${VERSION_HEX:2:2})).$((16#${VERSION_HEX:4:2}))"
LIB="$OUT/librdkafka-$VERSION"
CONFIGURE_FLAGS=(--disable-gssapi --disable-curl --disable-lz4-ext --disable-syslog --enable-zstd --enable-zlib --enable-ssl)

if [[ ! -f "$LIB/lib/librdkafka.a" || "$(cat "$LIB/.configured" 2>/dev/null)" != "${CONFIGURE_FLAGS[*]}" ]]; then
  echo "build:native: building librdkafka $VERSION (static, C only) with $JOBS jobs" >&2
  start=$(date +%s)
  rm -rf "$LIB"; mkdir -p "$LIB/lib" "$LIB/include/librdkafka"
  (
    cd "$SRC"
    [[ -f Makefile.config ]] && make -s clean >/dev/null 2>&1 || true
    ./configure --prefix="$LIB" "${CONFIGURE_FLAGS[@]}" >"$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log" >&2; exit 1; }
    make -s -C src -j"$JOBS" librdkafka.a >"$OUT/make.log" 2>&1 || { tail -30 "$OUT/make.log" >&2; exit 1; }
  )
  cp "$SRC/src/librdkafka.a" "$LIB/lib/"
  cp "$SRC/src/rdkafka.h" "$LIB/include/librdkafka/"
  # What the static library needs at link time (OpenSSL, zlib, zstd, pthread, …), as librdkafka's
  # own configure found them.
  sed -n 's/^LIBS+\?=\s*//p' "$SRC/Makefile.config" > "$LIB/libs.txt"
  echo "${CONFIGURE_FLAGS[*]}" > "$LIB/.configured"
  echo "build:native: librdkafka $VERSION built in $(( $(date +%s) - start )) s" >&2
fi

echo "build:native: compiling the binding against $NODE_INCLUDE" >&2
# -Bsymbolic and hidden visibility: librdkafka's symbols stay this module's own.
# shellcheck disable=SC2046
"$CC" -O2 -g -fPIC -shared -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-ignored-qualifiers -fvisibility=hidden \
  -I"$NODE_INCLUDE" -I"$LIB/include" -DKBENCH_LIBRDKAFKA_VERSION="\"$VERSION\"" \
  -o "$OUT/kbench_rdkafka.node.tmp" "$HERE/kbench_rdkafka.c" "$LIB/lib/librdkafka.a" \
  -Wl,-Bsymbolic -Wl,--exclude-libs,ALL -Wl,--strip-debug $(cat "$LIB/libs.txt") -lpthread -lm
mv "$OUT/kbench_rdkafka.node.tmp" "$OUT/kbench_rdkafka.node"
node -e "const b = require('$OUT/kbench_rdkafka.node'); console.error('build:native: ' + '$OUT/kbench_rdkafka.node' + ' (librdkafka ' + b.version() + ')')"
