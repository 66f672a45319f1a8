-- One track event per request: POST /v1/track.
package.path = package.path .. ";" .. (os.getenv("WRK_DIR") or ".") .. "/?.lua"
require("common")
run_id = os.getenv("RUN_ID") or "r"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic " .. os.getenv("AUTH_B64")

function request()
  return wrk.format(nil, "/v1/track", nil, event_json("track"))
end
