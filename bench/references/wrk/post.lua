-- POSTs the same body on every request. args: path, content type, body, extra headers as "Name: value|...".
function init(args)
  headers = { ["Content-Type"] = args[2] }
  for header in string.gmatch(args[4] or "", "[^|]+") do
    local name, value = string.match(header, "^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  prepared = wrk.format("POST", args[1], headers, args[3])
end

function request()
  return prepared
end
