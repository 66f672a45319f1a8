-- Shared by the wrk scripts: unique message ids per thread and a JSON summary at the end.
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

function next_id()
  counter = counter + 1
  return string.format("bench-%s-%d-%d", run_id or "r", tid or 0, counter)
end

function event_json(kind)
  local id = next_id()
  if kind == "track" then
    return string.format(
      '{"type":"track","event":"Product Viewed","userId":"user-%d","messageId":"%s",' ..
      '"properties":{"product_id":"sku-%d","price":19.99,"currency":"EUR"},' ..
      '"context":{"ip":"10.0.0.1","library":{"name":"wrk","version":"4.1"},' ..
      '"page":{"path":"/p/%d","url":"https://shop.example/p/%d"}},' ..
      '"timestamp":"2026-11-20T10:00:00Z"}', counter % 5000, id, counter % 300, counter % 300, counter % 300)
  end
  return string.format(
    '{"type":"identify","userId":"user-%d","messageId":"%s","traits":{"email":"u%d@example.com"}}',
    counter % 5000, id, counter % 5000)
end

function done(summary, latency, requests)
  local ok = summary.requests - summary.errors.status - summary.errors.connect
    - summary.errors.read - summary.errors.write - summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests":%d,"ok":%d,"non2xx":%d,"socket_errors":%d,"duration_us":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, ok, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
