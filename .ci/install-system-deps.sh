#!/usr/bin/env bash
# Installs the Debian packages the integration tests need: Postfix (relay), Samba AD DC (ou),
# OpenSSL (cert fixtures), PostgreSQL (the shared store for several replicas), NSD + Unbound + ldns (the DNSSEC
# lab of `mail`), OpenDKIM (headers: real signed mail). Service starts are blocked so no system-wide daemon runs;
# the tests start private instances on loopback themselves.
set -euo pipefail
need=()
for pkg in postfix samba samba-ad-provision samba-dsdb-modules samba-vfs-modules ldb-tools ldap-utils openssl iproute2 ca-certificates \
  postgresql nsd unbound ldnsutils opendkim opendkim-tools; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && { echo "system packages: all present"; exit 0; }
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 = "action forbidden": package scripts must not start system services.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string diagbot.test" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
