-- wrk script: POSTs decision requests read from the file named by REQUESTS, round robin.
local requests = {}
local index = 0

function init(args)
  local file = io.open(os.getenv("REQUESTS") or "requests.jsonl", "r")
  for line in file:lines() do
    requests[#requests + 1] = wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, line)
  end
  file:close()
  index = math.random(#requests)
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
