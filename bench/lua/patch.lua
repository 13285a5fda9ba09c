-- PATCH /books/{id} so that every request succeeds (200): each row is patched once, from
-- version 1, and each wrk thread walks its own id range.
-- Arguments (after `--`): first_id rows_per_thread.
-- The harness resets version = 1 on all rows before every run.

local threads = {}
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

function init(args)
  local first_id = tonumber(args[1])
  local per_thread = tonumber(args[2])
  next_id = first_id + thread_index * per_thread
  last_id = next_id + per_thread - 1
  headers = { ["Content-Type"] = "application/json" }
  body = '{"year":2000,"version":1}'
end

function request()
  local id = next_id
  next_id = next_id + 1
  return wrk.format("PATCH", "/books/" .. id, headers, body)
end

function done(summary, latency, requests)
  -- More requests than rows would PATCH a neighbour's rows (409s): say so for the harness.
  for _, thread in ipairs(threads) do
    local overrun = thread:get("next_id") - thread:get("last_id") - 1
    if overrun > 0 then
      io.write(string.format("bench-patch-overrun: %d\n", overrun))
    end
  end
end
