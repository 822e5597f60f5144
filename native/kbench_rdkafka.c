// kbench's own librdkafka binding: a producer only, plain C against Node-API (node_api.h).
//
// Why it exists: a per-record delivery report crossing into JavaScript (a V8 object and a copied key
// per record, as node-rdkafka does) costs ~7 µs of the JS thread per record, which caps a producer
// far below librdkafka's own speed. Here delivery reports never reach JavaScript one by one:
// - JS hands over a batch: one flat byte blob (keys, values, headers) and an Int32Array of lengths,
//   plus a Float64Array for the batch's offsets; each record is produced with the partition kbench
//   chose (RD_KAFKA_V_PARTITION) and the address of its own slot in that Float64Array as its opaque.
// - librdkafka's delivery reports come as events (RD_KAFKA_EVENT_DR, many messages each) on the
//   main queue, served by one thread of this module. It writes each record's offset into its slot and
//   counts the batch down; when the batch is complete it hands the batch to the JS thread through one
//   thread-safe function call: one JS callback per batch, with the offsets already in place.
// - The slot's 8 bytes hold the batch pointer until the offset replaces them, so no per-record
//   memory is allocated here, and JS reads the slots only once the batch is complete.
// Metadata (partition counts) comes from DescribeTopics on the same queue, asynchronously, so nothing
// blocks the JS thread. The module keeps no global state, so it may be loaded in worker threads.
#define NAPI_VERSION 8
#include <node_api.h>
#include <librdkafka/rdkafka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef KBENCH_LIBRDKAFKA_VERSION
#define KBENCH_LIBRDKAFKA_VERSION "?"
#endif

// What the JS thread is told, as the first argument of the producer's event callback.
enum { EV_BATCH = 0, EV_METADATA = 1, EV_CLOSED = 2 };

typedef struct producer producer;

typedef struct topic_ref {
  rd_kafka_topic_t *rkt;
  struct topic_ref *next;
} topic_ref;

typedef struct batch {
  int kind;  // EV_BATCH
  producer *p;
  double id;
  size_t count;
  atomic_size_t remaining;  // records not yet reported (delivered, failed, or never produced)
  atomic_int err;           // the first failure's rd_kafka_resp_err_t, 0 while none
  int32_t err_partition;
  napi_ref offsets_ref;     // keeps the Float64Array (and so the slots) alive until the batch is done
} batch;

typedef struct meta_result {
  int kind;  // EV_METADATA
  double request;
  char *topic;
  int partitions;  // -1 on failure
  int err;
  char message[512];
} meta_result;

struct producer {
  rd_kafka_t *rk;
  rd_kafka_queue_t *mainq;
  napi_threadsafe_function tsfn;
  pthread_t thread;
  atomic_int closing;       // set by close() or the environment's teardown
  atomic_int close_timeout_ms;
  topic_ref *topics;        // touched by the JS thread only, until the serving thread is told to close
  int closed_event;         // EV_CLOSED's note
  // JS-thread-only state
  int thread_joined;
  int handle_finalized;
  int close_seen;
  int refd;
  napi_env env;
  // The last error librdkafka reported (error events, error-level log lines), for messages.
  pthread_mutex_t lock;
  char last_error[512];
  int fatal;
};

// ---- helpers ----

#define CHECK(env, call)                                                      \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      const napi_extended_error_info *info_ = NULL;                           \
      napi_get_last_error_info((env), &info_);                                \
      bool pending_ = false;                                                  \
      napi_is_exception_pending((env), &pending_);                            \
      if (!pending_) napi_throw_error((env), NULL, info_ && info_->error_message ? info_->error_message : #call); \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

static napi_value throw_kafka(napi_env env, int code, const char *message) {
  napi_value msg, err, v;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_int32(env, code, &v);
  napi_set_named_property(env, err, "rdkafkaCode", v);
  napi_create_string_utf8(env, rd_kafka_err2name((rd_kafka_resp_err_t)code), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "rdkafkaName", v);
  napi_throw(env, err);
  return NULL;
}

static char *get_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) return NULL;
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

static producer *get_producer(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "not a producer handle");
    return NULL;
  }
  return p;
}

static void set_last_error(producer *p, const char *text, int fatal) {
  pthread_mutex_lock(&p->lock);
  snprintf(p->last_error, sizeof p->last_error, "%s", text);
  if (fatal) p->fatal = 1;
  pthread_mutex_unlock(&p->lock);
}

// librdkafka calls this from its own threads: only error-level lines are kept, none printed.
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
  if (getenv("KBENCH_RDKAFKA_LOG")) fprintf(stderr, "rdkafka %d %s: %s\n", level, fac, buf);
  if (level > 4) return;  // keep LOG_ERR and LOG_WARNING
  producer *p = rd_kafka_opaque(rk);
  if (!p) return;
  set_last_error(p, buf, 0);
}

// ---- the serving thread ----

static void finish(batch *b, size_t n) {
  if (atomic_fetch_sub(&b->remaining, n) == n) {
    napi_call_threadsafe_function(b->p->tsfn, b, napi_tsfn_nonblocking);
    // napi_closing: the environment is gone; the batch is freed with the producer's memory at exit.
  }
}

static void delivered(const rd_kafka_message_t *m) {
  double *slot = m->_private;
  batch *b;
  memcpy(&b, slot, sizeof b);
  if (m->err) {
    int none = 0;
    if (atomic_compare_exchange_strong(&b->err, &none, (int)m->err)) b->err_partition = m->partition;
    *slot = -1;
  } else {
    *slot = m->offset >= 0 ? (double)m->offset : -1;  // acks=0: no offset
  }
  finish(b, 1);
}

static void topics_described(producer *p, rd_kafka_event_t *ev) {
  meta_result *r = rd_kafka_event_opaque(ev);
  if (!r) return;
  if (rd_kafka_event_error(ev)) {
    r->err = rd_kafka_event_error(ev);
    snprintf(r->message, sizeof r->message, "%s", rd_kafka_event_error_string(ev));
  } else {
    const rd_kafka_DescribeTopics_result_t *res = rd_kafka_event_DescribeTopics_result(ev);
    size_t n = 0;
    const rd_kafka_TopicDescription_t **tds = rd_kafka_DescribeTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; i++) {
      const rd_kafka_error_t *e = rd_kafka_TopicDescription_error(tds[i]);
      if (e && rd_kafka_error_code(e)) {
        r->err = rd_kafka_error_code(e);
        snprintf(r->message, sizeof r->message, "%s", rd_kafka_error_string(e));
      } else {
        size_t parts = 0;
        rd_kafka_TopicDescription_partitions(tds[i], &parts);
        r->partitions = (int)parts;
      }
    }
    if (n == 0 && !r->err) {
      r->err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
      snprintf(r->message, sizeof r->message, "no such topic");
    }
  }
  napi_call_threadsafe_function(p->tsfn, r, napi_tsfn_nonblocking);
}

static void serve(producer *p, rd_kafka_event_t *ev) {
  switch (rd_kafka_event_type(ev)) {
    case RD_KAFKA_EVENT_DR: {
      const rd_kafka_message_t *m;
      while ((m = rd_kafka_event_message_next(ev)) != NULL) delivered(m);
      break;
    }
    case RD_KAFKA_EVENT_ERROR: {
      char text[512];
      int fatal = rd_kafka_event_error_is_fatal(ev);
      if (fatal) {
        char why[400];
        rd_kafka_resp_err_t code = rd_kafka_fatal_error(p->rk, why, sizeof why);
        snprintf(text, sizeof text, "fatal %s: %s", rd_kafka_err2name(code), why);
      } else {
        rd_kafka_resp_err_t code = rd_kafka_event_error(ev);
        // "all brokers are down" follows the reason they are (refused, TLS, SASL): keep the reason.
        if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && p->last_error[0]) break;
        snprintf(text, sizeof text, "%s: %s", rd_kafka_err2name(code), rd_kafka_event_error_string(ev));
      }
      set_last_error(p, text, fatal);
      break;
    }
    case RD_KAFKA_EVENT_DESCRIBETOPICS_RESULT:
      topics_described(p, ev);
      break;
    default:
      break;
  }
  rd_kafka_event_destroy(ev);
}

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void drain(producer *p, int64_t until) {
  rd_kafka_event_t *ev;
  while (now_ms() < until && (ev = rd_kafka_queue_poll(p->mainq, 50)) != NULL) serve(p, ev);
}

static void *serving_thread(void *arg) {
  producer *p = arg;
  while (!atomic_load(&p->closing)) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(p->mainq, 1000);
    if (ev) serve(p, ev);
  }
  // Closing: let what is queued go out (JS has waited for its batches already, unless it gave up),
  // then purge the rest, so every batch still open completes (with __PURGE_QUEUE/__PURGE_INFLIGHT).
  int64_t deadline = now_ms() + atomic_load(&p->close_timeout_ms);
  while (rd_kafka_outq_len(p->rk) > 0 && now_ms() < deadline) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(p->mainq, 50);
    if (ev) serve(p, ev);
  }
  rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
  drain(p, now_ms() + 500);
  for (topic_ref *t = p->topics, *next; t; t = next) {
    next = t->next;
    rd_kafka_topic_destroy(t->rkt);
    free(t);
  }
  p->topics = NULL;
  drain(p, now_ms() + 100);
  rd_kafka_queue_destroy(p->mainq);
  rd_kafka_destroy(p->rk);
  p->rk = NULL;
  napi_threadsafe_function tsfn = p->tsfn;
  napi_call_threadsafe_function(tsfn, &p->closed_event, napi_tsfn_blocking);
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  return NULL;
}

// ---- the JS thread's side of the thread-safe function ----

static void free_producer_if_done(producer *p) {
  if (p->thread_joined && p->handle_finalized) {
    pthread_mutex_destroy(&p->lock);
    free(p);
  }
}

static void env_teardown(void *arg);

static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  producer *p = context;
  int kind = *(int *)data;
  if (kind == EV_BATCH) {
    batch *b = data;
    if (env) {
      napi_value args[6], offsets, undef;
      napi_get_undefined(env, &undef);
      napi_get_reference_value(env, b->offsets_ref, &offsets);
      napi_create_int32(env, EV_BATCH, &args[0]);
      napi_create_double(env, b->id, &args[1]);
      args[2] = offsets;
      int err = atomic_load(&b->err);
      napi_create_int32(env, err, &args[3]);
      if (err) napi_create_string_utf8(env, rd_kafka_err2name(err), NAPI_AUTO_LENGTH, &args[4]);
      else args[4] = undef;
      napi_create_int32(env, b->err_partition, &args[5]);
      napi_delete_reference(env, b->offsets_ref);
      free(b);
      napi_call_function(env, undef, cb, 6, args, NULL);
    } else {
      free(b);
    }
  } else if (kind == EV_METADATA) {
    meta_result *r = data;
    if (env) {
      napi_value args[6], undef;
      napi_get_undefined(env, &undef);
      napi_create_int32(env, EV_METADATA, &args[0]);
      napi_create_double(env, r->request, &args[1]);
      napi_create_string_utf8(env, r->topic, NAPI_AUTO_LENGTH, &args[2]);
      napi_create_int32(env, r->partitions, &args[3]);
      napi_create_int32(env, r->err, &args[4]);
      if (r->err) {
        char text[700];
        snprintf(text, sizeof text, "%s: %s", rd_kafka_err2name(r->err), r->message);
        napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &args[5]);
      } else {
        args[5] = undef;
      }
      free(r->topic);
      free(r);
      napi_call_function(env, undef, cb, 6, args, NULL);
    } else {
      free(r->topic);
      free(r);
    }
  } else if (kind == EV_CLOSED) {
    if (!p->thread_joined) pthread_join(p->thread, NULL);
    p->thread_joined = 1;
    if (env) {
      napi_remove_env_cleanup_hook(env, env_teardown, p);
      napi_value args[1], undef;
      napi_get_undefined(env, &undef);
      napi_create_int32(env, EV_CLOSED, &args[0]);
      napi_call_function(env, undef, cb, 1, args, NULL);
    }
    free_producer_if_done(p);
  }
}

// The environment (the process, or a worker thread) goes away with the producer still open: stop
// the serving thread, without waiting for anything to be delivered.
static void env_teardown(void *arg) {
  producer *p = arg;
  if (p->thread_joined) return;
  atomic_store(&p->close_timeout_ms, 0);
  atomic_store(&p->closing, 1);
  if (p->mainq) rd_kafka_queue_yield(p->mainq);
  pthread_join(p->thread, NULL);
  p->thread_joined = 1;
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  producer *p = data;
  p->handle_finalized = 1;
  free_producer_if_done(p);
}

// ---- exported functions ----

// createProducer(config: string[] (name, value, name, value, …), pkcs12: Buffer | null,
//                onEvent: (kind, …) => void) → handle
static napi_value create_producer(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "createProducer(config, pkcs12, onEvent)");
    return NULL;
  }
  uint32_t n = 0;
  CHECK(env, napi_get_array_length(env, argv[0], &n));
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  for (uint32_t i = 0; i + 1 < n; i += 2) {
    napi_value k, v;
    napi_get_element(env, argv[0], i, &k);
    napi_get_element(env, argv[0], i + 1, &v);
    char *name = get_string(env, k), *value = get_string(env, v);
    rd_kafka_conf_res_t res = name && value ? rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) : RD_KAFKA_CONF_INVALID;
    free(name);
    free(value);
    if (res != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return throw_kafka(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    }
  }
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t == napi_object) {
    void *data;
    size_t len;
    CHECK(env, napi_get_buffer_info(env, argv[1], &data, &len));
    // librdkafka reads a PKCS12 keystore from memory (ssl.key.password, set above, opens it); its
    // configuration only names files (ssl.keystore.location), and kbench holds the bytes.
    if (rd_kafka_conf_set_ssl_cert(conf, RD_KAFKA_CERT_PUBLIC_KEY, RD_KAFKA_CERT_ENC_PKCS12, data, len, errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set_ssl_cert(conf, RD_KAFKA_CERT_PRIVATE_KEY, RD_KAFKA_CERT_ENC_PKCS12, data, len, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return throw_kafka(env, RD_KAFKA_RESP_ERR__SSL, errstr);
    }
  }
  producer *p = calloc(1, sizeof *p);
  if (!p) {
    rd_kafka_conf_destroy(conf);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&p->lock, NULL);
  p->closed_event = EV_CLOSED;
  p->env = env;
  rd_kafka_conf_set_opaque(conf, p);
  rd_kafka_conf_set_log_cb(conf, log_cb);
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);  // owns conf on success
  if (!p->rk) {
    rd_kafka_conf_destroy(conf);
    pthread_mutex_destroy(&p->lock);
    free(p);
    return throw_kafka(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
  }
  p->mainq = rd_kafka_queue_get_main(p->rk);
  napi_value name, handle;
  napi_create_string_utf8(env, "kbench-rdkafka", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, NULL, NULL, p, call_js, &p->tsfn) != napi_ok ||
      pthread_create(&p->thread, NULL, serving_thread, p) != 0) {
    rd_kafka_queue_destroy(p->mainq);
    rd_kafka_destroy(p->rk);
    pthread_mutex_destroy(&p->lock);
    free(p);
    napi_throw_error(env, NULL, "cannot start the producer's thread");
    return NULL;
  }
  // Idle until something is in flight: an open producer alone does not keep the process alive.
  napi_unref_threadsafe_function(env, p->tsfn);
  napi_add_env_cleanup_hook(env, env_teardown, p);
  CHECK(env, napi_create_external(env, p, finalize_handle, NULL, &handle));
  return handle;
}

// topic(handle, name, config: string[]) → topic handle (the topic's acks and compression live here)
static napi_value topic(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  if (atomic_load(&p->closing)) return throw_kafka(env, RD_KAFKA_RESP_ERR__DESTROY, "the producer is closed");
  char *name = get_string(env, argv[1]);
  uint32_t n = 0;
  CHECK(env, napi_get_array_length(env, argv[2], &n));
  char errstr[512];
  rd_kafka_topic_conf_t *tconf = rd_kafka_topic_conf_new();
  for (uint32_t i = 0; i + 1 < n; i += 2) {
    napi_value k, v;
    napi_get_element(env, argv[2], i, &k);
    napi_get_element(env, argv[2], i + 1, &v);
    char *kn = get_string(env, k), *vv = get_string(env, v);
    rd_kafka_conf_res_t res = kn && vv ? rd_kafka_topic_conf_set(tconf, kn, vv, errstr, sizeof errstr) : RD_KAFKA_CONF_INVALID;
    free(kn);
    free(vv);
    if (res != RD_KAFKA_CONF_OK) {
      rd_kafka_topic_conf_destroy(tconf);
      free(name);
      return throw_kafka(env, RD_KAFKA_RESP_ERR__INVALID_ARG, errstr);
    }
  }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(p->rk, name, tconf);  // owns tconf
  free(name);
  if (!rkt) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    return throw_kafka(env, err, rd_kafka_err2str(err));
  }
  topic_ref *t = malloc(sizeof *t);
  t->rkt = rkt;
  t->next = p->topics;
  p->topics = t;
  napi_value out;
  CHECK(env, napi_create_external(env, rkt, NULL, NULL, &out));
  return out;
}

// batch(handle, id: number, offsets: Float64Array) → batch handle; the batch completes once every
// one of its offsets.length records is delivered, failed, or abandoned.
static napi_value new_batch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  napi_typedarray_type type;
  size_t length;
  void *data;
  CHECK(env, napi_get_typedarray_info(env, argv[2], &type, &length, &data, NULL, NULL));
  if (type != napi_float64_array || length == 0) {
    napi_throw_type_error(env, NULL, "offsets must be a non-empty Float64Array");
    return NULL;
  }
  batch *b = calloc(1, sizeof *b);
  b->kind = EV_BATCH;
  b->p = p;
  CHECK(env, napi_get_value_double(env, argv[1], &b->id));
  b->count = length;
  atomic_init(&b->remaining, length);
  atomic_init(&b->err, 0);
  b->err_partition = -1;
  CHECK(env, napi_create_reference(env, argv[2], 1, &b->offsets_ref));
  double *slots = data;
  for (size_t i = 0; i < length; i++) memcpy(&slots[i], &b, sizeof b);
  napi_value out;
  CHECK(env, napi_create_external(env, b, NULL, NULL, &out));
  return out;
}

// produce(handle, topic, batch, blob: Buffer, meta: Int32Array, count, indices?: Int32Array) →
// undefined once all `count` records (or only those at `indices`, in that order) are queued, else
// { failed: Int32Array, code, name, message }: the records not queued, and why the first was refused.
// meta holds 4 numbers per record: partition, key length (-1: null key), value length (-1: null
// value, a tombstone), header bytes; the blob holds each record's key, value, then its headers as (u16 name length, name, i32 value
// length (-1: null), value)…, records one after another.
// Without `indices`, records are queued partition by partition (in their order within each):
// librdkafka then appends runs to one partition queue at a time instead of hopping between them.
static napi_value produce(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  rd_kafka_topic_t *rkt;
  batch *b;
  CHECK(env, napi_get_value_external(env, argv[1], (void **)&rkt));
  CHECK(env, napi_get_value_external(env, argv[2], (void **)&b));
  uint8_t *blob;
  size_t blob_len;
  CHECK(env, napi_get_buffer_info(env, argv[3], (void **)&blob, &blob_len));
  napi_typedarray_type type;
  size_t meta_len;
  int32_t *meta;
  CHECK(env, napi_get_typedarray_info(env, argv[4], &type, &meta_len, (void **)&meta, NULL, NULL));
  uint32_t count;
  CHECK(env, napi_get_value_uint32(env, argv[5], &count));
  if (type != napi_int32_array || (size_t)count * 4 > meta_len || count > b->count) {
    napi_throw_range_error(env, NULL, "meta does not describe the records");
    return NULL;
  }
  int32_t *indices = NULL;
  size_t n_indices = 0;
  if (argc > 6) {
    napi_valuetype t;
    napi_typeof(env, argv[6], &t);
    if (t == napi_object) {
      CHECK(env, napi_get_typedarray_info(env, argv[6], &type, &n_indices, (void **)&indices, NULL, NULL));
      if (type != napi_int32_array) {
        napi_throw_type_error(env, NULL, "indices must be an Int32Array");
        return NULL;
      }
    }
  }
  double *slots;
  {
    napi_value offsets;
    size_t n;
    napi_get_reference_value(env, b->offsets_ref, &offsets);
    CHECK(env, napi_get_typedarray_info(env, offsets, &type, &n, (void **)&slots, NULL, NULL));
  }
  // Each record's place in the blob, and the order to queue them in.
  size_t *pos = malloc(sizeof *pos * (count + 1));
  uint32_t *order = malloc(sizeof *order * (indices ? n_indices : count) + 1);
  if (!pos || !order) {
    free(pos);
    free(order);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  size_t at = 0;
  int32_t max_partition = -1;
  for (uint32_t i = 0; i < count; i++) {
    int32_t partition = meta[4 * i], key_len = meta[4 * i + 1], value_len = meta[4 * i + 2], headers_len = meta[4 * i + 3];
    if (value_len < -1 || headers_len < 0) {
      at = SIZE_MAX;
      break;
    }
    pos[i] = at;
    at += (size_t)(key_len > 0 ? key_len : 0) + (size_t)(value_len > 0 ? value_len : 0) + (size_t)headers_len;
    if (partition > max_partition) max_partition = partition;
  }
  if (at > blob_len) {
    free(pos);
    free(order);
    napi_throw_range_error(env, NULL, "meta does not describe the blob");
    return NULL;
  }
  size_t n_order;
  if (indices) {
    n_order = 0;
    for (size_t k = 0; k < n_indices; k++)
      if (indices[k] >= 0 && (uint32_t)indices[k] < count) order[n_order++] = (uint32_t)indices[k];
  } else {
    n_order = count;
    uint32_t *starts = max_partition >= 0 && max_partition < 65536 ? calloc((size_t)max_partition + 2, sizeof *starts) : NULL;
    if (starts) {  // a counting sort by partition, stable; partitions < 0 (invalid) go first
      for (uint32_t i = 0; i < count; i++) starts[(meta[4 * i] < 0 ? 0 : meta[4 * i] + 1)]++;
      for (int32_t q = 1, sum = 0; q <= max_partition + 1; q++) {
        uint32_t c = starts[q];
        starts[q] = sum + starts[0];
        sum += c;
      }
      uint32_t neg = 0;
      for (uint32_t i = 0; i < count; i++) {
        int32_t q = meta[4 * i];
        order[q < 0 ? neg++ : starts[q + 1]++] = i;
      }
      free(starts);
    } else {
      for (uint32_t i = 0; i < count; i++) order[i] = i;
    }
  }
  rd_kafka_vu_t vu[7];
  vu[0].vtype = RD_KAFKA_VTYPE_RKT;
  vu[0].u.rkt = rkt;
  vu[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[1].u.i = RD_KAFKA_MSG_F_COPY;
  vu[2].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[4].vtype = RD_KAFKA_VTYPE_OPAQUE;
  napi_value out = NULL;
  for (size_t k = 0; k < n_order; k++) {
    uint32_t i = order[k];
    int32_t partition = meta[4 * i], key_len = meta[4 * i + 1], value_len = meta[4 * i + 2], headers_len = meta[4 * i + 3];
    size_t base = pos[i], key_bytes = (size_t)(key_len > 0 ? key_len : 0);
    size_t cnt = 5;
    vu[2].u.i32 = partition;
    vu[3].u.mem.ptr = value_len >= 0 ? blob + base + key_bytes : NULL;  // NULL: a tombstone
    vu[3].u.mem.size = value_len >= 0 ? (size_t)value_len : 0;
    vu[4].u.ptr = &slots[i];
    if (key_len >= 0) {
      vu[5].vtype = RD_KAFKA_VTYPE_KEY;  // (vu[5] may have been a previous record's headers)
      vu[5].u.mem.ptr = blob + base;
      vu[5].u.mem.size = (size_t)key_len;
      cnt = 6;
    }
    rd_kafka_headers_t *hdrs = NULL;
    if (headers_len > 0) {
      const uint8_t *h = blob + base + key_bytes + (value_len > 0 ? value_len : 0), *end = h + headers_len;
      hdrs = rd_kafka_headers_new(4);
      while (h + 6 <= end) {
        uint16_t name_len;
        int32_t hv_len;
        memcpy(&name_len, h, 2);
        if (h + 2 + name_len + 4 > end) break;
        memcpy(&hv_len, h + 2 + name_len, 4);
        const uint8_t *value = h + 2 + name_len + 4;
        if (hv_len > 0 && value + hv_len > end) break;
        rd_kafka_header_add(hdrs, (const char *)h + 2, name_len, hv_len >= 0 ? value : NULL, hv_len >= 0 ? hv_len : 0);
        h = value + (hv_len > 0 ? hv_len : 0);
      }
      vu[cnt].vtype = RD_KAFKA_VTYPE_HEADERS;
      vu[cnt].u.headers = hdrs;
      cnt++;
    }
    rd_kafka_error_t *e = rd_kafka_produceva(p->rk, vu, cnt);
    if (e) {
      if (hdrs) rd_kafka_headers_destroy(hdrs);
      napi_value v, ab;
      napi_create_object(env, &out);
      void *data;
      size_t left = n_order - k;
      napi_create_arraybuffer(env, left * sizeof(int32_t), &data, &ab);
      for (size_t j = 0; j < left; j++) ((int32_t *)data)[j] = (int32_t)order[k + j];
      napi_create_typedarray(env, napi_int32_array, left, ab, 0, &v);
      napi_set_named_property(env, out, "failed", v);
      napi_create_int32(env, rd_kafka_error_code(e), &v);
      napi_set_named_property(env, out, "code", v);
      napi_create_string_utf8(env, rd_kafka_error_name(e), NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, out, "name", v);
      napi_create_string_utf8(env, rd_kafka_error_string(e), NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, out, "message", v);
      rd_kafka_error_destroy(e);
      break;
    }
  }
  free(pos);
  free(order);
  return out;
}

// abandon(batch, n): n records of the batch will never be produced (refused); the batch completes
// with `code` once the rest is reported.
static napi_value abandon(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch *b;
  uint32_t n;
  int32_t code;
  CHECK(env, napi_get_value_external(env, argv[0], (void **)&b));
  CHECK(env, napi_get_value_uint32(env, argv[1], &n));
  CHECK(env, napi_get_value_int32(env, argv[2], &code));
  int none = 0;
  atomic_compare_exchange_strong(&b->err, &none, code ? code : RD_KAFKA_RESP_ERR__FAIL);
  if (n > 0) finish(b, n);
  return NULL;
}

// describe(handle, request: number, topic, timeoutMs): the topic's partition count, as an
// EV_METADATA event (request, topic, partitions, code, message).
static napi_value describe(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  if (atomic_load(&p->closing)) return throw_kafka(env, RD_KAFKA_RESP_ERR__DESTROY, "the producer is closed");
  meta_result *r = calloc(1, sizeof *r);
  r->kind = EV_METADATA;
  r->partitions = -1;
  CHECK(env, napi_get_value_double(env, argv[1], &r->request));
  r->topic = get_string(env, argv[2]);
  int32_t timeout;
  CHECK(env, napi_get_value_int32(env, argv[3], &timeout));
  char errstr[256];
  const char *names[1] = {r->topic};
  rd_kafka_TopicCollection_t *tc = rd_kafka_TopicCollection_of_topic_names(names, 1);
  rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(p->rk, RD_KAFKA_ADMIN_OP_DESCRIBETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(o, timeout, errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_opaque(o, r);
  rd_kafka_DescribeTopics(p->rk, tc, o, p->mainq);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_TopicCollection_destroy(tc);
  return NULL;
}

// ref(handle, on): whether the producer keeps the event loop alive (while records are in flight).
static napi_value ref(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  bool on;
  CHECK(env, napi_get_value_bool(env, argv[1], &on));
  if (p->close_seen || on == (bool)p->refd) return NULL;
  p->refd = on;
  if (on) napi_ref_threadsafe_function(env, p->tsfn);
  else napi_unref_threadsafe_function(env, p->tsfn);
  return NULL;
}

// close(handle, timeoutMs): delivers what is queued for up to timeoutMs, purges the rest, destroys the
// client; an EV_CLOSED event follows. The process stays alive until then.
static napi_value close_producer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  int32_t timeout;
  CHECK(env, napi_get_value_int32(env, argv[1], &timeout));
  if (p->close_seen) return NULL;
  p->close_seen = 1;
  if (!p->refd) napi_ref_threadsafe_function(env, p->tsfn);
  p->refd = 1;
  atomic_store(&p->close_timeout_ms, timeout < 0 ? 0 : timeout);
  atomic_store(&p->closing, 1);
  rd_kafka_queue_yield(p->mainq);
  return NULL;
}

// lastError(handle) → the last error librdkafka reported (a broker down, a TLS failure…), or ''.
static napi_value last_error(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  pthread_mutex_lock(&p->lock);
  napi_create_string_utf8(env, p->last_error, NAPI_AUTO_LENGTH, &out);
  pthread_mutex_unlock(&p->lock);
  return out;
}

// outqLen(handle) → messages and requests librdkafka still holds (queued, in flight, unreported).
static napi_value outq_len(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  producer *p = get_producer(env, argv[0]);
  if (!p) return NULL;
  napi_create_int32(env, p->rk && !atomic_load(&p->closing) ? rd_kafka_outq_len(p->rk) : 0, &out);
  return out;
}

static napi_value version(napi_env env, napi_callback_info info) {
  napi_value out;
  napi_create_string_utf8(env, rd_kafka_version_str(), NAPI_AUTO_LENGTH, &out);
  return out;
}

// errName(code) → librdkafka's name for an error code (Kafka's name for broker errors).
static napi_value err_name(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t code;
  CHECK(env, napi_get_value_int32(env, argv[0], &code));
  napi_create_string_utf8(env, rd_kafka_err2name(code), NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor fns[] = {
      {"createProducer", NULL, create_producer, NULL, NULL, NULL, napi_default, NULL},
      {"topic", NULL, topic, NULL, NULL, NULL, napi_default, NULL},
      {"batch", NULL, new_batch, NULL, NULL, NULL, napi_default, NULL},
      {"produce", NULL, produce, NULL, NULL, NULL, napi_default, NULL},
      {"abandon", NULL, abandon, NULL, NULL, NULL, napi_default, NULL},
      {"describe", NULL, describe, NULL, NULL, NULL, napi_default, NULL},
      {"ref", NULL, ref, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_producer, NULL, NULL, NULL, napi_default, NULL},
      {"lastError", NULL, last_error, NULL, NULL, NULL, napi_default, NULL},
      {"outqLen", NULL, outq_len, NULL, NULL, NULL, napi_default, NULL},
      {"version", NULL, version, NULL, NULL, NULL, napi_default, NULL},
      {"errName", NULL, err_name, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
  return exports;
}
