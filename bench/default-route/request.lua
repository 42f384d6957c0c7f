-- wrk script: POSTs the chat request body in the file named by BENCH_BODY_FILE; paces each connection by
-- BENCH_DELAY_MS; counts non-200 answers; prints one machine-readable RESULT line.
wrk.method = "POST"
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pace > 0 then
  function delay() return pace end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do non200 = non200 + (t:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non200=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, non200, e.connect + e.read + e.write + e.timeout))
end
