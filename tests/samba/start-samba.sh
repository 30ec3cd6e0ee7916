#!/usr/bin/env bash
# A throwaway Samba AD domain controller for the tests: realm EXAMPLE.TEST,
# base DC=example,DC=test, provisioned under DIR and bound to 127.0.0.1 on
# AD's fixed ports (389 ldap with StartTLS, 636 ldaps, 88, 3268/3269), so
# one per machine: a DC already running from DIR is reused. DIR/tls/ca.pem
# is the CA to trust; the service account is
# CN=Administrator,CN=Users,DC=example,DC=test with the password in
# DIR/admin-password. OU=itdesk,DC=example,DC=test is where tests put what
# they create. Stop it with: kill "$(cat DIR/samba.pid)".
#
#   tests/samba/start-samba.sh DIR
#
# Needs the Debian packages samba, samba-ad-dc, samba-ad-provision,
# ldap-utils and openssl (tests/run.sh installs them), and root (AD's ports
# are below 1024).
set -euo pipefail
dir=${1:?usage: start-samba.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
PATH="$PATH:/usr/sbin"
for tool in samba samba-tool ldapsearch ldapadd openssl; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "$tool is missing: apt-get install samba samba-ad-dc samba-ad-provision ldap-utils openssl (tests/run.sh does)" >&2
    exit 1
  }
done
[ -d /usr/share/samba/setup ] || {
  echo "Samba's provisioning files are missing: apt-get install samba-ad-provision (tests/run.sh does)" >&2
  exit 1
}
password='Itdesk-Adm1n!pw'
answers() { ldapsearch -x -H ldap://127.0.0.1:389 -b "" -s base defaultNamingContext >/dev/null 2>&1; }

if [ -f "$dir/samba.pid" ] && kill -0 "$(cat "$dir/samba.pid")" 2>/dev/null && answers; then
  exit 0 # already running
fi
if answers; then
  echo "another LDAP server already listens on 127.0.0.1:389 (not the DC of $dir); stop it first" >&2
  exit 1
fi
rm -rf "$dir"
mkdir -p "$dir/tls"
# Samba's own certificate names no 127.0.0.1: a CA of our own and a
# certificate for localhost and 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=itdesk test AD CA" \
  -keyout "$dir/tls/ca-key.pem" -out "$dir/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=dc1.example.test" \
  -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.csr" 2>/dev/null
printf 'subjectAltName=DNS:dc1.example.test,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$dir/tls/ext.cnf"
openssl x509 -req -in "$dir/tls/cert.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca-key.pem" \
  -CAcreateserial -days 30 -extfile "$dir/tls/ext.cnf" -out "$dir/tls/cert.pem" 2>/dev/null
chmod 600 "$dir/tls/key.pem" # Samba refuses a key others can read
# Without an explicit empty configuration, provisioning merges /etc/samba/smb.conf.
: >"$dir/empty.conf"
samba-tool domain provision -s "$dir/empty.conf" --targetdir="$dir" \
  --realm=EXAMPLE.TEST --domain=EXAMPLE --server-role=dc --use-rfc2307 \
  --dns-backend=NONE --host-name=dc1 --host-ip=127.0.0.1 --adminpass="$password" \
  --option="interfaces = 127.0.0.1" --option="bind interfaces only = yes" \
  --option="log file = $dir/log.%m" --option="pid directory = $dir" \
  --option="server services = ldap cldap kdc rpc drepl kcc winbindd ntp_signd" \
  --option="tls enabled = yes" --option="tls keyfile = $dir/tls/key.pem" \
  --option="tls certfile = $dir/tls/cert.pem" --option="tls cafile = $dir/tls/ca.pem" \
  >"$dir/provision.log" 2>&1 || { cat "$dir/provision.log" >&2; exit 1; }
# Provisioning drops this option: simple binds on 389 (with StartTLS for
# passwords) need it.
sed -i '/^\[global\]/a\\tldap server require strong auth = no' "$dir/etc/smb.conf"
# A password changed right after a reset is otherwise "too young".
samba-tool domain passwordsettings set -s "$dir/etc/smb.conf" -H "$dir/private/sam.ldb" \
  --min-pwd-age=0 --max-pwd-age=0 --history-length=0 >>"$dir/provision.log" 2>&1
printf '%s\n' "$password" >"$dir/admin-password"
samba -s "$dir/etc/smb.conf" --foreground --no-process-group --debug-stdout -d 1 \
  >"$dir/samba.out" 2>&1 </dev/null &
echo $! >"$dir/samba.pid"
for _ in $(seq 1 300); do answers && break; sleep 0.1; done
answers || { echo "samba did not answer on 127.0.0.1:389; see $dir/samba.out" >&2; exit 1; }
LDAPTLS_CACERT="$dir/tls/ca.pem" ldapadd -x -H ldaps://127.0.0.1:636 \
  -D "CN=Administrator,CN=Users,DC=example,DC=test" -w "$password" >/dev/null <<LDIF
dn: OU=itdesk,DC=example,DC=test
objectClass: organizationalUnit
ou: itdesk
LDIF
