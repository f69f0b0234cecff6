#!/bin/sh
# The stand-in base's root filesystem, finished (tools/image/base.py runs this as mmdebstrap's
# customize hook): $1 the root filesystem, $2 the prefix of the CPython 3.12 to copy in. The
# python image's own steps (docker-library/python's Dockerfile), then debian's image settings.
set -eu
root="$1"; prefix="$2"
mkdir -p "$root/usr/local"
cp -a "$prefix/." "$root/usr/local/"
site="$root/usr/local/lib/python3.12/site-packages"
find "$site" -mindepth 1 -maxdepth 1 ! -name 'pip' ! -name 'pip-*.dist-info' -exec rm -rf {} +
find "$root/usr/local" -depth \( \( -type d -a \( -name test -o -name tests -o -name idle_test \) \) \
    -o \( -type f -a \( -name '*.pyc' -o -name '*.pyo' -o -name 'libpython*.a' \) \) \) \
    -exec rm -rf {} +
find "$root/usr/local/bin" -type f -exec sed -i "1s|^#!$prefix/bin/|#!/usr/local/bin/|" {} +
for pair in idle:idle3 pip:pip3 pydoc:pydoc3 python:python3 python-config:python3-config; do
    ln -sf "${pair#*:}" "$root/usr/local/bin/${pair%%:*}"
done
# debian:bookworm's apt settings for images (debuerreotype's docker-* files): no package
# caches or translations kept, no services started.
conf="$root/etc/apt/apt.conf.d"
cat > "$conf/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$conf/docker-autoremove-suggests"
echo 'Acquire::Languages "none";' > "$conf/docker-no-languages"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
# The mount point of the build's pip.conf (tools/image/wheels.py): present and empty here, so
# that mounting it leaves no file behind in the image's layers.
: > "$root/etc/pip.conf"
chroot "$root" ldconfig
chroot "$root" /usr/local/bin/python3 --version
