-- POST /books with one small valid book per request (201 expected).
wrk.method = "POST"
wrk.body = '{"title":"Benchmark book","author":"wrk","year":2024}'
wrk.headers["Content-Type"] = "application/json"
