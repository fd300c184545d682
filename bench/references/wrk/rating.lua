-- POSTs one rating per request, each for a declaration of its own.
-- args: path, api key ("" for none), 6-digit number prefix, tax codes separated by commas.
-- Request n of thread t rates declaration <prefix><t * 100000 + n, 6 digits>, by the enterprise
-- codes[n mod #codes]; one in twenty is a low score with a reason (it opens a follow-up case).
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  path, prefix, counter = args[1], args[3], 0
  codes = {}
  for code in string.gmatch(args[4], "[^,]+") do codes[#codes + 1] = code end
  headers = { ["Content-Type"] = "application/json" }
  if args[2] ~= "" then headers["Authorization"] = "Api-Key " .. args[2] end
end

function request()
  local n = tid * 100000 + counter
  counter = counter + 1
  local low = n % 20 == 0
  local body = string.format(
    '{"declaration_number":"%s%06d","tax_code":"%s","official_score":%d,"team_score":4,"branch_score":5,' ..
    '"reason":"%s","comment":""}',
    prefix, n, codes[n % #codes + 1], low and 2 or 5, low and "delay" or "")
  return wrk.format("POST", path, headers, body)
end
