# Sourced by the gateway benchmarks (bench/gateway-overhead, bench/default-route).
#
# start_chat_upstream WORK PORT CONTENT PROMPT_TOKENS COMPLETION_TOKENS
#   Starts nginx on 127.0.0.1:PORT, answering every POST /v1/chat/completions with one fixed OpenAI
#   chat.completion whose message is CONTENT (no quotes or backslashes in it); config and logs in WORK/nginx. Its
#   pid is appended to the caller's pids array, for the caller's cleanup.
# wait_for URL
#   Waits up to 60 s for URL to answer; exits the script if it does not.
# write_bench_config WORK UPSTREAM_PORT
#   Writes WORK/bastion.yaml: embedded defaults plus one model, bench-model, at the upstream, without rate limits.
# start_bench_gateway ROOT WORK PORT DATA [VAR=VALUE ...]
#   Starts ROOT/bastion serve with WORK/bastion.yaml on PORT, data in WORK/DATA, output in WORK/DATA.out and .err,
#   with the given environment; its pid (the JVM's: the launcher execs it) is appended to pids. Does not wait.

start_chat_upstream() {
  local work="$1" port="$2" content="$3" prompt_tokens="$4" completion_tokens="$5"
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  client_body_buffer_size 64k;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"$content"},"finish_reason":"stop"}],"usage":{"prompt_tokens":$prompt_tokens,"completion_tokens":$completion_tokens,"total_tokens":$((prompt_tokens + completion_tokens))}}';
    }
  }
}
NGINX
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" & pids+=($!)
}

wait_for() {
  for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "bench: $1 did not come up" >&2
  exit 1
}

write_bench_config() {
  cat > "$1/bastion.yaml" <<YAML
models:
  - name: bench-model
    backend: openai
    base-url: http://127.0.0.1:$2/v1
    location: local
limits:
  per-key: {requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}
YAML
}

start_bench_gateway() {
  local root="$1" work="$2" port="$3" data="$4"
  shift 4
  (cd "$root" && exec env "$@" ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/$data" --port "$port" --console-port 0 \
    >"$work/$data.out" 2>"$work/$data.err") & pids+=($!)
}
