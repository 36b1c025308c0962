-- wrk script for the benchmark's small-object phases (bench/load-tools.ts):
-- cycles through the request paths in a file, one a line (presigned URLs
-- without their origin), all with one method; PUT carries a body of the size
-- given. With the limit-th request sent it stops its thread and says so on
-- stdout, for the caller to end the run (SIGINT) without waiting out -d.
--   wrk -t1 -cN -dTs -s wrk-paths.lua http://HOST:PORT -- PATHS METHOD BODY_BYTES LIMIT

local paths, method, body, limit = {}, "GET", nil, 0
local sent, verified = 0, false

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  method = args[2]
  local bytes = tonumber(args[3])
  if bytes > 0 then body = string.rep("a", bytes) end
  limit = tonumber(args[4])
end

function request()
  -- wrk calls request() once before the run, to check what it returns (for
  -- the first thread only, hence -t1); that request is never sent.
  if not verified then
    verified = true
    return wrk.format(method, paths[1], nil, body)
  end
  sent = sent + 1
  if sent == limit then
    io.write("wrk-paths: limit reached\n")
    io.flush()
    wrk.thread:stop()
  end
  return wrk.format(method, paths[(sent - 1) % #paths + 1], nil, body)
end
