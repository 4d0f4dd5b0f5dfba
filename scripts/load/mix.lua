-- Mixed traffic for scripts/load.sh: 40% get-products, 20% switch-state, 20% set-queue,
-- 20% get-queues-list. Each wrk thread has its own counter; requests are chosen round-robin
-- from a fixed table so the mix is exact.
local titles = {"Война и мир. Том 1", "Война и мир. Том 2", "Мастер и Маргарита", "Анна Каренина"}
local counter = 0
local queue_body
local product_count = tonumber(os.getenv("LOAD_PRODUCTS") or "16")

local function set_queue_body(seed)
    local parts = {}
    for i, title in ipairs(titles) do
        local customers = {}
        for c = 1, 20 do customers[c] = string.format('{"CustomerId":%d}', (seed + c * i) % 1000 + 1) end
        parts[i] = string.format('{"Title":"%s","Customers":[%s]}', title, table.concat(customers, ","))
    end
    return "[" .. table.concat(parts, ",") .. "]"
end

request = function()
    counter = counter + 1
    local kind = counter % 5
    if kind == 0 or kind == 1 then
        return wrk.format("GET", "/administration/get-products")
    elseif kind == 2 then
        local id = counter % product_count + 1
        local available = math.floor(counter / 5) % 2 == 0 and "true" or "false"
        return wrk.format("PUT", "/administration/switch-state/" .. id .. "?isAvailable=" .. available)
    elseif kind == 3 then
        return wrk.format("POST", "/administration/set-queue", {["Content-Type"] = "application/json"},
                          set_queue_body(counter))
    else
        return wrk.format("GET", "/administration/get-queues-list")
    end
end

non2xx = 0
response = function(status, headers, body)
    if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

-- Each thread's non-2xx count; done() sums them.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + (thread:get("non2xx") or 0) end
    io.write(string.format("non2xx %d\n", total))
    io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
        summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
    io.write(string.format("latency p50 %.2f ms p99 %.2f ms max %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
