-- wrk script: POSTs one small chat request (or the body in BENCH_BODY_FILE); paces each connection when BENCH_DELAY_MS is set,
-- or each wrk thread to a fixed rate when BENCH_RATE is; counts non-200 answers; prints one machine-readable RESULT line.
-- Environment: BENCH_AUTH (Authorization header value), BENCH_EXTRA_HEADERS ("Name: value|Name: value"),
-- BENCH_DELAY_MS (milliseconds between a connection's answer and its next request: a closed loop, so the rate falls as
-- latency rises: 10 connections at 10 ms send 10 / (10 ms + latency) requests a second), BENCH_RATE (requests a second
-- per wrk thread on a fixed schedule: each request takes the thread's next send time, 1/BENCH_RATE after the one
-- before, whenever its connection is free; a send time already past goes at once. The rate is held as long as the
-- connections are enough: latency up to connections / rate each).
wrk.method = "POST"
wrk.body = '{"model":"bench-model","messages":[{"role":"user","content":"Summarise the benefits of local inference in one sentence."}]}'
local body_file = os.getenv("BENCH_BODY_FILE")   -- another request body, from a file (bench/default-route)
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local extra = os.getenv("BENCH_EXTRA_HEADERS")
if extra and extra ~= "" then
  for pair in string.gmatch(extra, "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
end

local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
if rate > 0 then
  local ffi = require("ffi") -- wrk's Lua is LuaJIT; its os.clock is CPU time, os.time whole seconds
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval, next_send = 1000 / rate, nil
  function delay() -- wrk waits whole milliseconds: rounded, so sends stray up to 0.5 ms but keep the schedule's rate
    local now = now_ms()
    next_send = (next_send or now) + interval
    local wait = next_send - now
    if wait <= 0.5 then return 0 end
    return math.floor(wait + 0.5)
  end
elseif pace > 0 then
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
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non200=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, non200, e.connect + e.read + e.write + e.timeout))
end
