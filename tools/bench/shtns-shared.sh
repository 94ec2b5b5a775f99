#!/usr/bin/env bash
# Builds SHTns 3.5.2 as a shared library for `dotnet run --project tools/bench -c Release -- sht-ab LIB`: the source and
# configure of ../shared/anchors/shtns-time.sh, the compiler flags of its Makefile plus -fPIC (a shared library needs
# them; the anchor's static build has none), in ${SHTNS_SHARED_BUILD:-/tmp/shtns-shared}. Prints the library's path.
# Needs gcc, make and libfftw3-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tarball="$here/../../../shared/anchors/shtns-3.5.2.tar.gz"
build=${SHTNS_SHARED_BUILD:-/tmp/shtns-shared}
if [[ ! -f $build/shtns/libshtns.so ]]; then
  [[ -f $tarball ]] || { echo "no SHTns source at $tarball" >&2; exit 1; }
  rm -rf "$build"; mkdir -p "$build"
  tar -xzf "$tarball" -C "$build"
  cd "$build/shtns"
  ./configure --enable-mkl=no >configure.log 2>&1 || { echo "configure failed: $build/shtns/configure.log" >&2; exit 1; }
  sed -i 's/^shtcc=gcc /shtcc=gcc -fPIC /; s/^cc=gcc /cc=gcc -fPIC /' Makefile
  make -j"$(nproc)" libshtns.a >make.log 2>&1 || { echo "make failed: $build/shtns/make.log" >&2; exit 1; }
  gcc -shared -o libshtns.so -Wl,--whole-archive libshtns.a -Wl,--no-whole-archive -lfftw3 -lm
fi
echo "$build/shtns/libshtns.so"
