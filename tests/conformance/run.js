// Usage: [TILL_SIM_PROFILE=default|real] node run.js <scenario> <ws-url-of-a-till-sim-started-with---cloud>
// Prints "ok <scenario>" and exits 0, or prints the failure and exits 1. `node run.js --list`
// lists the scenarios.
"use strict";

const scenarios = require("./scenarios");
const { DEV_TOKEN } = { DEV_TOKEN: "till-sim-dev-access-token" };

async function main() {
  const [name, url] = process.argv.slice(2);
  if (name === "--list") {
    console.log(Object.keys(scenarios).join("\n"));
    return 0;
  }
  if (!scenarios[name] || !url) {
    console.error(`usage: node run.js <scenario> <ws-url>; scenarios: ${Object.keys(scenarios).join(", ")}`);
    return 2;
  }
  const parsed = new URL(url);
  const context = {
    url,
    server: `http://${parsed.host}/`,
    accessToken: process.env.TILL_SIM_ACCESS_TOKEN || DEV_TOKEN,
    merchantId: process.env.TILL_SIM_MERCHANT_ID || "MRCHNT0000001",
    profile: process.env.TILL_SIM_PROFILE || "default",
  };
  await scenarios[name](context);
  console.log(`ok ${name}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`FAIL ${process.argv[2]}: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  },
);
