-- wrk script: POST distinct messages to /api/v1/inbound/email.
-- Reads the first $MAIL_COUNT files NNNNNN.eml of $MAIL_DIR (made by
-- make_mail.py) and sends them round-robin, each with a Message-ID of its
-- own so that every request is a new message, not a duplicate.
local dir = os.getenv("MAIL_DIR")
local count = tonumber(os.getenv("MAIL_COUNT") or "200")
local threads_made = 0
local messages = {}
local counter = 0


function setup(thread)
  thread:set("me", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  for i = 0, count - 1 do
    local f = assert(io.open(string.format("%s/%06d.eml", dir, i), "rb"))
    messages[#messages + 1] = f:read("*a")
    f:close()
  end
  wrk.headers["Content-Type"] = "message/rfc822"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

request = function()
  counter = counter + 1
  local raw = messages[(counter % #messages) + 1]
  local body = raw:gsub("Message%-ID: <bench%-", "Message-ID: <wrk" .. me .. "-" .. counter .. "-", 1)
  return wrk.format("POST", nil, nil, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, errors,
    latency:percentile(50), latency:percentile(99)))
end
