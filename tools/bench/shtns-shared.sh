#!/usr/bin/env bash
# Builds SHTns 3.5.2 as a shared library for `dotnet run --project tools/bench -c Release -- sht-ab LIB`, from the source
# and with the configure and Makefile of ../shared/anchors/shtns-time.sh, unchanged: the transform code (sht_kernels_a.o,
# sht_kernels_s.o, sht_fly.o, sht_odd_nlat.o) is the anchor's object code byte for byte. Only sht_init.o (set-up, plans,
# tables, the one-line dispatchers) is recompiled with -fPIC, which a shared library needs for its references to stdio;
# linked with -Bsymbolic. Works in ${SHTNS_SHARED_BUILD:-/tmp/shtns-shared}; prints the library's path.
# Needs gcc, make and libfftw3-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tarball="$here/../../../shared/anchors/shtns-3.5.2.tar.gz"
build=${SHTNS_SHARED_BUILD:-/tmp/shtns-shared}
if [[ ! -f $build/libshtns.so ]]; then
  [[ -f $tarball ]] || { echo "no SHTns source at $tarball" >&2; exit 1; }
  rm -rf "$build"; mkdir -p "$build/objects"
  tar -xzf "$tarball" -C "$build"
  cd "$build/shtns"
  ./configure --enable-mkl=no >configure.log 2>&1 || { echo "configure failed: $build/shtns/configure.log" >&2; exit 1; }
  make -j"$(nproc)" libshtns.a >make.log 2>&1 || { echo "make failed: $build/shtns/make.log" >&2; exit 1; }
  sed 's/^cc=gcc /cc=gcc -fPIC /' Makefile >Makefile.pic
  cd "$build/objects"
  ar x ../shtns/libshtns.a
  (cd ../shtns && make -f Makefile.pic -B sht_init.o >>make.log 2>&1 && mv sht_init.o "$build/objects/sht_init.o") \
    || { echo "make (sht_init.o, -fPIC) failed: $build/shtns/make.log" >&2; exit 1; }
  gcc -shared -Wl,-Bsymbolic -o "$build/libshtns.so" ./*.o -lfftw3 -lm
fi
echo "$build/libshtns.so"
