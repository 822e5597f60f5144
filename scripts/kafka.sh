#!/usr/bin/env bash
# A local single-node Apache Kafka (KRaft) from Maven Central jars: no Docker, no tarball.
#   scripts/kafka.sh fetch    copy the pinned jars to .kafka/libs (Maven caches them in ~/.m2)
#   scripts/kafka.sh certs    generate the test CA, certificates and client property files in .kafka/secrets
#                             (once; start does it too; docker-compose.yml's `secured` profile mounts them)
#   scripts/kafka.sh start    fetch and generate certificates if needed, format storage once (with the SCRAM
#                             users), start on 127.0.0.1, wait until ready
#   scripts/kafka.sh stop     stop it cleanly (SIGTERM, then SIGKILL after 30 s)
#   scripts/kafka.sh status   exit 0 when it is running
#   scripts/kafka.sh tool <main-class> [args...]   run a Kafka tool (TopicCommand, ...) from the same jars
#   scripts/kafka.sh perf-test [args...]   Kafka's newest ProducerPerformance (kafka/perf-test-pom.xml), with the
#                             JVM options of Kafka's own kafka-producer-perf-test.sh: the benchmarks' baseline
# Listeners (kafka/server.properties), all on 127.0.0.1:
#   PLAINTEXT 9092 (anyone, everything allowed), CONTROLLER 9093, SASL_SSL 9094 (SCRAM-SHA-256/512),
#   SSL 9095 (mTLS, client certificate required), SASL_PLAINTEXT 9096 (PLAIN).
# KBENCH_KAFKA_DIR, KBENCH_KAFKA_PORT and KBENCH_KAFKA_CONTROLLER_PORT run a second, separate broker
# (the tests use one to kill a broker mid-run); its secured listeners default to KBENCH_KAFKA_PORT + 2, + 3
# and + 4, or KBENCH_KAFKA_SASL_SSL_PORT, KBENCH_KAFKA_SSL_PORT, KBENCH_KAFKA_SASL_PLAINTEXT_PORT.
# The jars always come from the project's .kafka/libs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
K="${KBENCH_KAFKA_DIR:-$ROOT/.kafka}"
LIBS="$ROOT/.kafka/libs"
PIDFILE="$K/broker.pid"
SECRETS="$K/secrets"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CLUSTER_ID="4L6g3nShT-eMCtK--X86sw"   # any base64url UUID; fixed so the data dir can be reused
PORT="${KBENCH_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KBENCH_KAFKA_CONTROLLER_PORT:-9093}"
# Derived from PORT by default so that a second broker that only moves PORT (as the tests do) does not
# collide with the first one's secured listeners.
SASL_SSL_PORT="${KBENCH_KAFKA_SASL_SSL_PORT:-$((PORT + 2))}"
SSL_PORT="${KBENCH_KAFKA_SSL_PORT:-$((PORT + 3))}"
SASL_PLAINTEXT_PORT="${KBENCH_KAFKA_SASL_PLAINTEXT_PORT:-$((PORT + 4))}"

# Test-only credentials, fixed so tests and users can rely on them (the README lists them). Never reuse
# them anywhere real. Keep them to letters, digits and `-`: they go into sed, JAAS and ConfigCommand syntax.
ADMIN_USER=admin                 # super user: SCRAM on SASL_SSL, PLAIN on SASL_PLAINTEXT
ADMIN_PASSWORD=admin-test-only
RESTRICTED_USER=restricted       # no ACLs: authenticates, but is denied everything else
RESTRICTED_PASSWORD=restricted-test-only
MTLS_USER=kbench-client          # CN of secrets/client.pem; a super user (kafka/server.properties)
STORE_PASSWORD=kbench-test-only  # every .p12 under secrets/ (keystores and truststores)
# What the generated certificates depend on: when it changes, `certs` generates them all again.
CERTS_SPEC="v2 EC-P256 3650d broker=IP:127.0.0.1 client=$MTLS_USER store=$STORE_PASSWORD"

die() { echo "kafka.sh: $*" >&2; exit 1; }

# Copies the jars a pom names into a folder, unless the folder already holds that pom's jars.
fetch_jars() {
  local pom="$1" libs="$2" what="$3" want
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$libs/.pom.sha" && "$(cat "$libs/.pom.sha")" == "$want" ]]; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch $what from Maven Central"
  echo "kafka.sh: fetching $what from Maven Central into $libs" >&2
  rm -rf "$libs"
  mvn -B -q -f "$pom" dependency:copy-dependencies \
      -DincludeScope=runtime -Dmdep.prependGroupId=true -DoutputDirectory="$libs" >&2
  echo "$want" > "$libs/.pom.sha"
}

fetch() { fetch_jars "$ROOT/kafka/pom.xml" "$LIBS" "the Kafka jars"; }

running() {
  [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The perf-test baseline runs as Kafka ships it (kafka-producer-perf-test.sh: 512 MiB heap and
# kafka-run-class.sh's G1 settings), not with the small, quick-starting JVM of `tool` below.
perf_test() {
  local libs="$ROOT/.kafka/perf-libs"
  fetch_jars "$ROOT/kafka/perf-test-pom.xml" "$libs" "Kafka's perf-test jars"
  "$JAVA" -Xmx512M -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/kafka/tools-log4j2.yaml" -cp "$libs/*" org.apache.kafka.tools.ProducerPerformance "$@"
}

tool() {
  fetch
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$ROOT/kafka/tools-log4j2.yaml" -cp "$LIBS/*" "$@"
}

# The test CA and certificates, generated once with openssl (EC P-256 keys: generating them takes
# milliseconds, RSA would add seconds to a fresh start) and keytool (only it writes PKCS12 truststores
# that Java trusts: a certificate-only PKCS12 from openssl 3.0 is an empty truststore to Java).
#   ca.pem ca.key                  the test CA every client trusts (truststore.p12 holds ca.pem)
#   broker.pem broker.key broker.p12   the broker: SAN IP:127.0.0.1 only (no DNS:localhost)
#   client.pem client.key client.p12   mTLS client CN=kbench-client, signed by the test CA
#   other-ca.pem other-ca.key other-truststore.p12   a second CA nobody trusts
#   other-client.pem other-client.key other-client.p12   a client certificate signed by it
# Files are world-readable: they are test-only, and the apache/kafka container's user must read them.
gen_certs() {
  command -v openssl >/dev/null || die "openssl is needed to generate the test certificates"
  local keytool tmp
  keytool="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/keytool"
  [[ -x "$keytool" ]] || keytool=keytool
  mkdir -p "$K"
  tmp="$(mktemp -d "$K/secrets.tmp.XXXXXX")"
  # A background job, waited for: in a subshell that is part of `… || …` bash ignores set -e.
  (
    trap wait EXIT   # on failure too: the keytool jobs below must not outlive the directory
    cd "$tmp"
    umask 022
    key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
    serial() { echo "0x$(openssl rand -hex 8)"; }
    # ca <name> <CN>: a self-signed CA certificate
    ca() {
      key "$1"
      openssl req -new -key "$1.key" -subj "/O=kbench/CN=$2" -out "$1.csr"
      printf '%s\n' 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
        'subjectKeyIdentifier=hash' > "$1.ext"
      openssl x509 -req -in "$1.csr" -signkey "$1.key" -set_serial "$(serial)" -days 3650 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    }
    # leaf <name> <ca> <CN> <extendedKeyUsage> [subjectAltName]: a certificate signed by <ca>, and a
    # PKCS12 keystore with it and its key (AES and SHA-256, which Node's OpenSSL 3 reads too). No CA
    # certificate in it: the broker sends only its own, so a client must trust the test CA itself.
    leaf() {
      key "$1"
      openssl req -new -key "$1.key" -subj "/O=kbench/CN=$3" -out "$1.csr"
      printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyAgreement' \
        "extendedKeyUsage=$4" 'authorityKeyIdentifier=keyid' ${5:+"subjectAltName=$5"} > "$1.ext"
      openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -set_serial "$(serial)" -days 3650 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
      openssl pkcs12 -export -in "$1.pem" -inkey "$1.key" -name "$1" \
        -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 -passout "pass:$STORE_PASSWORD" -out "$1.p12"
    }
    truststore() {
      local out
      out="$("$keytool" -importcert -noprompt -alias "$1" -file "$1.pem" -storetype PKCS12 \
        -keystore "$2" -storepass "$STORE_PASSWORD" 2>&1)" || { echo "$out" >&2; return 1; }
    }
    ca ca "kbench test CA"
    ca other-ca "kbench untrusted CA"
    # keytool is a JVM start each: run the two alongside the rest
    truststore ca truststore.p12 & t1=$!
    truststore other-ca other-truststore.p12 & t2=$!
    leaf broker ca kbench-test-broker serverAuth,clientAuth IP:127.0.0.1
    leaf client ca "$MTLS_USER" clientAuth
    leaf other-client other-ca "$MTLS_USER" clientAuth
    wait "$t1"; wait "$t2"
    # Kafka's PEM keystore form: the (unencrypted PKCS#8) key followed by the certificate, in one file
    cat client.key client.pem > client-keystore.pem
    rm -f ./*.csr ./*.ext
    chmod 644 ./*
    chmod 755 .
    echo "$CERTS_SPEC" > .generated
  ) &
  if ! wait $!; then rm -rf "$tmp"; die "generating the test certificates failed"; fi
  rm -rf "$SECRETS"
  mv "$tmp" "$SECRETS"
  echo "kafka.sh: generated the test CA and certificates in $SECRETS" >&2
}

# Client property files (Kafka's --command-config syntax, for Kafka's tools and kbench) and the docker
# profile's credential files. Written at every start: they are cheap, hold absolute paths and passwords
# that may have moved or changed since the certificates were generated.
write_client_configs() {
  local trust="ssl.truststore.type=PKCS12
ssl.truststore.location=$SECRETS/truststore.p12
ssl.truststore.password=$STORE_PASSWORD"
  local scram='org.apache.kafka.common.security.scram.ScramLoginModule required'
  local plain='org.apache.kafka.common.security.plain.PlainLoginModule required'
  write_config() { # <file> <header> <properties>
    printf '# %s\n# Generated by scripts/kafka.sh; test-only credentials, never use them anywhere real.\n%s\n' "$2" "$3" \
      > "$SECRETS/$1.tmp"
    mv "$SECRETS/$1.tmp" "$SECRETS/$1"
  }
  write_config client-sasl-ssl.properties "SASL_SSL listener (127.0.0.1:$SASL_SSL_PORT): super user $ADMIN_USER, SCRAM-SHA-512" \
"security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username=\"$ADMIN_USER\" password=\"$ADMIN_PASSWORD\";
$trust"
  write_config client-sasl-ssl-restricted.properties "SASL_SSL listener (127.0.0.1:$SASL_SSL_PORT): user $RESTRICTED_USER (no ACLs: authorization errors), SCRAM-SHA-512" \
"security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username=\"$RESTRICTED_USER\" password=\"$RESTRICTED_PASSWORD\";
$trust"
  write_config client-sasl-plaintext.properties "SASL_PLAINTEXT listener (127.0.0.1:$SASL_PLAINTEXT_PORT): super user $ADMIN_USER, PLAIN" \
"security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=$plain username=\"$ADMIN_USER\" password=\"$ADMIN_PASSWORD\";"
  write_config client-mtls.properties "SSL listener (127.0.0.1:$SSL_PORT): mTLS as User:$MTLS_USER (super user), PKCS12 stores" \
"security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=$SECRETS/client.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.key.password=$STORE_PASSWORD
$trust"
  write_config client-mtls-pem.properties "SSL listener (127.0.0.1:$SSL_PORT): mTLS as User:$MTLS_USER (super user), PEM files" \
"security.protocol=SSL
ssl.keystore.type=PEM
ssl.keystore.location=$SECRETS/client-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/ca.pem"
  # Failures on purpose, for tests and for seeing kbench's error messages
  write_config client-sasl-ssl-wrong-password.properties "FAILS: SASL_SSL listener (127.0.0.1:$SASL_SSL_PORT), $ADMIN_USER with a wrong password (authentication error)" \
"security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username=\"$ADMIN_USER\" password=\"wrong-$ADMIN_PASSWORD\";
$trust"
  write_config client-sasl-ssl-untrusted.properties "FAILS: SASL_SSL listener (127.0.0.1:$SASL_SSL_PORT), trusting only another CA (TLS handshake: untrusted certificate)" \
"security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username=\"$ADMIN_USER\" password=\"$ADMIN_PASSWORD\";
ssl.truststore.type=PKCS12
ssl.truststore.location=$SECRETS/other-truststore.p12
ssl.truststore.password=$STORE_PASSWORD"
  write_config client-mtls-untrusted.properties "FAILS: SSL listener (127.0.0.1:$SSL_PORT), a client certificate from a CA the broker does not trust (TLS handshake)" \
"security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=$SECRETS/other-client.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.key.password=$STORE_PASSWORD
$trust"
  # For the apache/kafka image (docker-compose.yml, profile secured), which reads passwords from files in
  # /etc/kafka/secrets and a JAAS file named by KAFKA_OPTS (its environment cannot carry values with `=`)
  printf '%s' "$STORE_PASSWORD" > "$SECRETS/store.creds"
  cat > "$SECRETS/broker-jaas.conf" <<JAAS
// Generated by scripts/kafka.sh for docker-compose.yml's secured profile; test-only credentials.
sasl_ssl.KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
sasl_plaintext.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  user_$ADMIN_USER="$ADMIN_PASSWORD"
  user_$RESTRICTED_USER="$RESTRICTED_PASSWORD";
};
JAAS
  chmod 644 "$SECRETS"/*
}

certs() {
  if [[ ! -f "$SECRETS/.generated" || "$(cat "$SECRETS/.generated")" != "$CERTS_SPEC" ]]; then gen_certs; fi
  write_client_configs
}

# SCRAM users, as `StorageTool format --add-scram` and ConfigCommand spell them
scram_args() {
  local u p m
  for u in "$ADMIN_USER:$ADMIN_PASSWORD" "$RESTRICTED_USER:$RESTRICTED_PASSWORD"; do
    p="${u#*:}"; u="${u%%:*}"
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do printf '%s\n' "--add-scram" "$m=[name=$u,password=$p]"; done
  done
}
# Which data directory holds which users: "<directory.id of the data dir> <hash of the users>". A data
# directory formatted by an older kafka.sh has no SCRAM users, so start upserts them (once) after start.
users_stamp() {
  local dir_id
  dir_id="$(sed -n 's/^directory\.id=//p' "$K/data/meta.properties" 2>/dev/null)"
  echo "${dir_id:-none} $(printf '%s\n' "$ADMIN_USER:$ADMIN_PASSWORD" "$RESTRICTED_USER:$RESTRICTED_PASSWORD" | sha256sum | cut -c1-16)"
}
# Through the PLAINTEXT listener (User:ANONYMOUS is a super user), the users side by side. A KRaft broker
# refuses two mechanisms of one user in one request, so one ConfigCommand per user and mechanism. The
# passwords are on ConfigCommand's command line (--add-config-file mangles the SCRAM-SHA-* keys): they
# are test-only.
upsert_users() {
  local u p pids=() ok=0
  for u in "$ADMIN_USER:$ADMIN_PASSWORD" "$RESTRICTED_USER:$RESTRICTED_PASSWORD"; do
    p="${u#*:}"; u="${u%%:*}"
    (
      for m in SCRAM-SHA-256 SCRAM-SHA-512; do
        tool kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$PORT" --alter --entity-type users \
          --entity-name "$u" --add-config "$m=[password=$p]" >/dev/null
      done
    ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || ok=1; done
  return $ok
}

start() {
  local ports="$PORT $CONTROLLER_PORT $SASL_SSL_PORT $SSL_PORT $SASL_PLAINTEXT_PORT" p
  if running; then echo "kafka.sh: broker already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT" >&2; return 0; fi
  for p in $ports; do
    if port_open "$p"; then die "127.0.0.1:$p is already in use by another process; stop it or use that broker"; fi
  done
  command -v "$JAVA" >/dev/null || die "Java 17+ is needed to run the broker"
  fetch
  mkdir -p "$K/data" "$K/logs"
  # Certificates alongside the format: both are mostly process start-up
  certs & local certs_pid=$!
  sed -e "s#@DATA_DIR@#$K/data#" -e "s#@SECRETS_DIR@#$SECRETS#g" -e "s#@STORE_PASSWORD@#$STORE_PASSWORD#g" \
      -e "s#@ADMIN_PASSWORD@#$ADMIN_PASSWORD#g" -e "s#@RESTRICTED_PASSWORD@#$RESTRICTED_PASSWORD#g" \
      -e "s#:9092#:@PORT@#g" -e "s#:9093#:@CONTROLLER_PORT@#g" -e "s#:9094#:@SASL_SSL_PORT@#g" \
      -e "s#:9095#:@SSL_PORT@#g" -e "s#:9096#:@SASL_PLAINTEXT_PORT@#g" \
      -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" -e "s#@SASL_SSL_PORT@#$SASL_SSL_PORT#g" \
      -e "s#@SSL_PORT@#$SSL_PORT#g" -e "s#@SASL_PLAINTEXT_PORT@#$SASL_PLAINTEXT_PORT#g" \
    "$ROOT/kafka/server.properties" > "$K/server.properties"
  local formatted=no
  [[ -f "$K/data/meta.properties" ]] && formatted=yes
  local scram=()
  while IFS= read -r p; do scram+=("$p"); done < <(scram_args)
  tool kafka.tools.StorageTool format --standalone --ignore-formatted -t "$CLUSTER_ID" -c "$K/server.properties" \
    "${scram[@]}" >&2
  # formatted just now: the users are in the bootstrap metadata
  [[ "$formatted" == yes ]] || users_stamp > "$K/users.stamp"
  wait "$certs_pid" || die "could not generate the test certificates"
  : > "$K/logs/stdout.log"
  nohup "$JAVA" -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dkafka.logs.dir="$K/logs" -Dlog4j2.configurationFile="$ROOT/kafka/log4j2.yaml" \
    -cp "$LIBS/*" kafka.Kafka "$K/server.properties" >> "$K/logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  local ready=no
  for _ in $(seq 1 180); do
    if grep -q "Kafka Server started" "$K/logs/stdout.log" 2>/dev/null && port_open "$PORT"; then ready=yes; break; fi
    running || { tail -20 "$K/logs/stdout.log" >&2; die "the broker exited during start-up (log above)"; }
    sleep 0.5
  done
  if [[ "$ready" != yes ]]; then stop || true; die "the broker did not become ready within 90 s (see $K/logs)"; fi
  if [[ ! -f "$K/users.stamp" || "$(cat "$K/users.stamp")" != "$(users_stamp)" ]]; then
    echo "kafka.sh: adding the SCRAM users to a data directory formatted without them" >&2
    upsert_users || { stop || true; die "could not add the SCRAM users (ConfigCommand failed)"; }
    users_stamp > "$K/users.stamp"
  fi
  echo "kafka.sh: broker ready on 127.0.0.1: PLAINTEXT $PORT, SASL_SSL $SASL_SSL_PORT, SSL (mTLS) $SSL_PORT," \
    "SASL_PLAINTEXT $SASL_PLAINTEXT_PORT (pid $(cat "$PIDFILE"), logs in $K/logs, client configs in $SECRETS)" >&2
}

stop() {
  if ! running; then rm -f "$PIDFILE"; echo "kafka.sh: broker not running" >&2; return 0; fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; echo "kafka.sh: broker stopped" >&2; return 0; }
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  echo "kafka.sh: broker killed after 30 s" >&2
}

case "${1:-}" in
  fetch) fetch ;;
  certs) certs; echo "kafka.sh: certificates and client configs in $SECRETS" >&2 ;;
  start) start ;;
  stop) stop ;;
  status) running ;;
  tool) shift; tool "$@" ;;
  perf-test) shift; perf_test "$@" ;;
  *) echo "usage: scripts/kafka.sh fetch|certs|start|stop|status|tool <class> [args]|perf-test [args]" >&2; exit 2 ;;
esac
