#!/usr/bin/env bash
# Install OpenStack Glance (glance-api) and Keystone from Debian 12 (bookworm)
# packages, for the end-to-end tests.  Non-interactive and idempotent: when
# everything is already installed it returns at once without touching apt.
#
# Needs root (or sudo).  Starts nothing: start.sh runs the daemons out of a
# private state directory, with their own config.
set -euo pipefail

PKGS=(glance-api keystone curl)
# Files start.sh runs; checked as well as the package status so that a
# half-removed install is repaired rather than reported as fine.
BINS=(/usr/bin/glance-api /usr/bin/glance-manage /usr/bin/keystone-manage
      /usr/bin/keystone-wsgi-public /usr/bin/uwsgi_python3 /usr/bin/python3 /usr/bin/curl)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
for b in "${BINS[@]}"; do
  [ -x "$b" ] || missing+=("$b")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install.sh: already installed: ${PKGS[*]}"
  exit 0
fi
echo "install.sh: missing: ${missing[*]}"

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install.sh: must run as root (or have sudo)" >&2; exit 1; }
  SUDO=(sudo)
fi

# 1. Keep the maintainer scripts from starting anything.  There is no systemd
#    in a container/CI, so postinst's invoke-rc.d would run /etc/init.d/glance-api
#    and /etc/init.d/keystone, i.e. uwsgi on 0.0.0.0:9292 and :5000 with
#    Debian's default config, which then blocks our own ports.  Exit code 101
#    of policy-rc.d means "action forbidden".  Docker images usually ship this
#    file already; if not, create it for the duration of the install only.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# temporary, from ImageCmdlets tools/openstack/install.sh\nexit 101\n' \
    | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() {
  if [ "$created_policy" = 1 ]; then "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # so that the EXIT trap also runs on a signal

# 2. Debconf answers.  They equal the packages' defaults, but stating them
#    makes sure no dbconfig-common, RabbitMQ, keystone_authtoken or endpoint
#    registration step runs and nothing asks a question.
"${SUDO[@]}" debconf-set-selections <<'SEL'
glance-common glance/configure_db boolean false
glance-common glance/configure_rabbit boolean false
glance-common glance/configure_ksat boolean false
glance-api glance/configure_api-endpoint boolean false
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
SEL

# 3. Install.  --no-install-recommends roughly halves the download (no qemu,
#    udev, botocore...); uwsgi-core + uwsgi-plugin-python3 still come in as
#    dependencies.  force-confdef/confold: never prompt about conffiles.
APT_OPTS=(-y -q --no-install-recommends
          -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
          -o DPkg::Lock::Timeout=300)
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" "${PKGS[@]}"

for b in "${BINS[@]}"; do
  [ -x "$b" ] || { echo "install.sh: $b still missing after apt-get install" >&2; exit 1; }
done
echo "install.sh: installed ${PKGS[*]}"
