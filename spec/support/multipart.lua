-- Test helper: The parts of a multipart/form-data body: {name, filename, type, data}.
return function(content_type, body)
  local boundary = assert(content_type:match("boundary=([^;]+)"))
  local parts, pos = {}, 1
  local delim = "--" .. boundary
  pos = assert(body:find(delim, pos, true)) + #delim
  while body:sub(pos, pos + 1) == "\r\n" do
    local head_end = assert(body:find("\r\n\r\n", pos, true))
    local head = body:sub(pos + 2, head_end - 1)
    local next_delim = assert(body:find("\r\n" .. delim, head_end, true))
    parts[#parts + 1] = {
      name = head:match('name="([^"]*)"'),
      filename = head:match('filename="([^"]*)"'),
      type = head:match("[Cc]ontent%-[Tt]ype: ([^\r\n]+)"),
      data = body:sub(head_end + 4, next_delim - 1),
    }
    pos = next_delim + 2 + #delim
  end
  assert(body:sub(pos, pos + 1) == "--", "the body ends with the closing boundary")
  return parts
end

