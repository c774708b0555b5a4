-- wrk script: POSTs one /v1/decide/batch body (BATCH file) repeatedly.
local body = nil

function init(args)
  local file = io.open(os.getenv("BATCH") or "batch.json", "r")
  body = file:read("*a")
  file:close()
end

function request()
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, body)
end
