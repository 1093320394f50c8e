// Usage: node bench.js <ws-url-of-a-till-sim> <sales>
// Times full sale round trips (connector.sale() → onSaleResponse) with the official JS SDK
// against `till sim` (auto customer, no delays) and prints one JSON object.
"use strict";

const { direct, saleRequest, externalId } = require("./lib");

async function main() {
  const [url, count] = [process.argv[2], Number(process.argv[3] || 50)];
  const pos = await direct(url, { name: "bench" });
  const times = [];
  for (let i = 0; i < count + 3; i++) {
    const response = pos.recorder.fresh("onSaleResponse");
    const started = process.hrtime.bigint();
    pos.connector.sale(saleRequest(1000 + (i % 50) * 100, externalId("B")));
    const sale = await response;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!sale.getSuccess()) throw new Error(`sale ${i} failed: ${sale.getResult()}`);
    if (i >= 3) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  console.log(JSON.stringify({ sales: times.length, median_ms: pick(0.5), p99_ms: pick(0.99), rss_kb: Math.round(process.memoryUsage().rss / 1024) }));
  pos.connector.dispose();
  setTimeout(() => process.exit(0), 200);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
