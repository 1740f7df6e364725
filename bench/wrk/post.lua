-- POST like a browser: each request a form token fetched beforehand (one per comment, as a form
-- gets), a unique text, author, email and client IP. Thread t of T uses tokens offset+t, offset+t+T, …
-- Arguments: <tokens file> <offset> <run id> <threads> [<read share> <read path>] (a mix of reads and posts).
local threads = {}
local tokens, offset, run, stride, readShare, readPath
-- Globals, so that setup() can set `tid` and done() read `n` (thread:set and thread:get).
tid, n = 0, 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    table.insert(tokens, line)
  end
  offset = tonumber(args[2])
  run = args[3]
  stride = tonumber(args[4])
  readShare = tonumber(args[5] or "0")
  readPath = args[6]
  math.randomseed(os.time() + tid)
end

local UA = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"

function request()
  if readShare > 0 and math.random() < readShare then
    return wrk.format("GET", readPath, {})
  end
  n = n + 1
  local k = offset + tid + stride * (n - 1) -- this request's token, unique in the run
  local article, token = tokens[k % #tokens + 1]:match("^(%S+) (%S+)$")
  local body = string.format(
    '{"author":"Lecteur %d","email":"lecteur.%d.%s@exemple.fr","content":"Commentaire numéro %d : je trouve cet article très juste, merci pour le travail de fond (%s).","token":"%s"}',
    k, k, run, k, run, token)
  local ip = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  return wrk.format("POST", "/api/v1/articles/" .. article .. "/comments", {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = UA,
    ["X-Forwarded-For"] = ip,
  }, body)
end

function done(summary, latency, requests)
  local most = 0
  for _, thread in ipairs(threads) do
    most = math.max(most, thread:get("n"))
  end
  io.write(string.format("generated %d\n", most * #threads))
end
