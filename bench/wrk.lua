-- wrk script for bench/run.py: cycles through the paths in $BENCH_PATHS (one a line) and prints a JSON summary.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end

local counter = 0
local headers = {["Accept"] = "application/json, text/csv"}

function setup(thread)
  -- Each thread starts at its own place in the list, so threads do not ask for the same record in step.
  thread:set("offset", math.random(#paths))
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[((counter + (offset or 0)) % #paths) + 1], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
