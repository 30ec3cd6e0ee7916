#!/usr/bin/env bash
# A throwaway OpenLDAP server for the tests: its own config, data and
# certificate under DIR, listening on 127.0.0.1:PORT (ldap://, StartTLS
# offered) and PORT+1 (ldaps://), with DIR/tls/ca.pem the CA to trust.
# Prints nothing on success; the pid is in
# DIR/slapd.pid. Stop it with: kill "$(cat DIR/slapd.pid)".
#
#   tests/ldap/start-slapd.sh DIR PORT          # a fresh server
#   tests/ldap/start-slapd.sh DIR PORT again    # the server in DIR started
#                                               # again, its data kept
#   tests/ldap/start-slapd.sh DIR PORT ppolicy  # a fresh server with the
#                                               # password policy overlay
#
# With ppolicy: the default policy cn=default,ou=policies (pwdMustChange:
# a password the admin sets must be changed at the next login; at least
# 14 characters for anyone but a password administrator; pwdLockout,
# without which the overlay ignores pwdAccountLockedTime, but no
# pwdMaxFailure, so failed binds lock nothing) and
# cn=short-lived,ou=policies (a password expires 2 s after it is set, no
# grace logins) and cn=no-lockout,ou=policies (no pwdLockout: the overlay
# ignores pwdAccountLockedTime) for an entry that names one in
# pwdPolicySubentry.
#
# Suffix dc=example,dc=test; cn=admin,dc=example,dc=test / adminpw is the
# service account (the root DN: no password policy binds it);
# cn=svc,dc=example,dc=test / svcpw may write everything but is no
# password administrator, so a policy's quality rules apply to it;
# ou=people, ou=groups, ou=disabled; the groups cn=staff and cn=vpn start
# with the placeholder member cn=nobody.
# Needs the Debian packages slapd and ldap-utils (tests/run.sh installs them).
set -euo pipefail
dir=${1:?usage: start-slapd.sh DIR PORT}
port=${2:?usage: start-slapd.sh DIR PORT}
for tool in slapd slapadd slappasswd ldapsearch openssl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
    echo "$tool is missing: apt-get install slapd ldap-utils openssl (tests/run.sh does)" >&2
    exit 1
  }
done
PATH="$PATH:/usr/sbin"
# Starts the server configured in DIR and waits until it answers.
serve() {
  slapd -F "$dir/slapd.d" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$((port + 1))/"
  for _ in $(seq 1 100); do
    ldapsearch -x -H "ldap://127.0.0.1:$port" -b "" -s base namingContexts >/dev/null 2>&1 && exit 0
    sleep 0.05
  done
  echo "slapd did not answer on 127.0.0.1:$port" >&2
  exit 1
}
if [ "${3:-}" = again ] && [ -d "$dir/slapd.d" ]; then
  if [ -f "$dir/slapd.pid" ]; then kill "$(cat "$dir/slapd.pid")" 2>/dev/null || true; sleep 0.2; fi
  serve
fi
ppolicy=no
modules="olcModuleLoad: back_mdb"
if [ "${3:-}" = ppolicy ]; then
  ppolicy=yes
  modules="$modules
olcModuleLoad: ppolicy"
fi
suffix="dc=example,dc=test"
admin="cn=admin,$suffix"
if [ -f "$dir/slapd.pid" ]; then kill "$(cat "$dir/slapd.pid")" 2>/dev/null || true; sleep 0.2; fi
rm -rf "$dir"
mkdir -p "$dir"/{slapd.d,data,tls}
# A CA of its own (DIR/tls/ca.pem, what clients trust) and the server's
# certificate signed by it for localhost and 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=itdesk test CA" \
  -keyout "$dir/tls/ca-key.pem" -out "$dir/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$dir/tls/key.pem" -out "$dir/tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/tls/ext.cnf"
# A CA nobody signed anything with: what a client must not trust.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=some other CA" \
  -keyout "$dir/tls/other-ca-key.pem" -out "$dir/tls/other-ca.pem" 2>/dev/null
openssl x509 -req -in "$dir/tls/server.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca-key.pem" \
  -CAcreateserial -days 30 -extfile "$dir/tls/ext.cnf" -out "$dir/tls/cert.pem" 2>/dev/null
hash=$(slappasswd -s adminpw)
svc="cn=svc,$suffix"
svc_hash=$(slappasswd -s svcpw)
cat >"$dir/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $dir/slapd.pid
olcLogLevel: none
olcTLSCertificateFile: $dir/tls/cert.pem
olcTLSCertificateKeyFile: $dir/tls/key.pem

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
$modules

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif
include: file:///etc/ldap/schema/nis.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcPasswordHash: {SSHA}
olcSizeLimit: 1000

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $suffix
olcDbDirectory: $dir/data
olcDbMaxSize: 1073741824
olcRootDN: $admin
olcRootPW: $hash
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail,sn eq,sub
olcDbIndex: member eq
olcDbIndex: entryUUID eq
olcAccess: {0}to attrs=userPassword by self write by dn.exact="$svc" write by anonymous auth by * none
olcAccess: {1}to * by dn.exact="$svc" write by self read by users read by * none
LDIF
if [ "$ppolicy" = yes ]; then
  cat >>"$dir/config.ldif" <<LDIF

dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {0}ppolicy
olcPPolicyDefault: cn=default,ou=policies,$suffix
olcPPolicyUseLockout: TRUE
LDIF
fi
slapadd -F "$dir/slapd.d" -n 0 -l "$dir/config.ldif" >/dev/null
cat >"$dir/base.ldif" <<LDIF
dn: $suffix
objectClass: top
objectClass: dcObject
objectClass: organization
o: Example Test
dc: example

dn: $svc
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: svc
userPassword: $svc_hash

dn: ou=people,$suffix
objectClass: organizationalUnit
ou: people

dn: ou=groups,$suffix
objectClass: organizationalUnit
ou: groups

dn: ou=disabled,$suffix
objectClass: organizationalUnit
ou: disabled

dn: cn=staff,ou=groups,$suffix
objectClass: groupOfNames
cn: staff
member: cn=nobody,$suffix

dn: cn=vpn,ou=groups,$suffix
objectClass: groupOfNames
cn: vpn
member: cn=nobody,$suffix
LDIF
if [ "$ppolicy" = yes ]; then
  cat >>"$dir/base.ldif" <<LDIF

dn: ou=policies,$suffix
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,$suffix
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdMustChange: TRUE
pwdAllowUserChange: TRUE
pwdLockout: TRUE
pwdCheckQuality: 2
pwdMinLength: 14

dn: cn=short-lived,ou=policies,$suffix
objectClass: device
objectClass: pwdPolicy
cn: short-lived
pwdAttribute: userPassword
pwdMaxAge: 2
pwdGraceAuthNLimit: 0
pwdMustChange: FALSE
pwdAllowUserChange: TRUE

dn: cn=no-lockout,ou=policies,$suffix
objectClass: device
objectClass: pwdPolicy
cn: no-lockout
pwdAttribute: userPassword
pwdAllowUserChange: TRUE
LDIF
fi
slapadd -F "$dir/slapd.d" -n 1 -l "$dir/base.ldif" >/dev/null 2>&1
serve

