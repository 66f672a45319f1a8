-- BATCH_SIZE events per request: POST /v1/batch.
package.path = package.path .. ";" .. (os.getenv("WRK_DIR") or ".") .. "/?.lua"
require("common")
run_id = os.getenv("RUN_ID") or "r"
local size = tonumber(os.getenv("BATCH_SIZE") or "100")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic " .. os.getenv("AUTH_B64")

function request()
  local events = {}
  for i = 1, size do
    events[i] = event_json(i % 10 == 0 and "identify" or "track")
  end
  return wrk.format(nil, "/v1/batch", nil, '{"batch":[' .. table.concat(events, ",") .. ']}')
end
