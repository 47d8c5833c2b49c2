// Starts the example: KEYSMITH_URL (default http://127.0.0.1:4000), KEYSMITH_TOKEN (a key holding
// keys:verify), PORT (default 3000), TRUSTED_PROXIES (comma-separated, optional).
const { createApp } = require("./app");

const token = process.env.KEYSMITH_TOKEN;
if (!token) {
  console.error("Set KEYSMITH_TOKEN to a Keysmith key holding keys:verify (see README.md)");
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const app = createApp({
  keysmithUrl: process.env.KEYSMITH_URL ?? "http://127.0.0.1:4000",
  keysmithToken: token,
  trustedProxies: (process.env.TRUSTED_PROXIES ?? "").split(",").map((entry) => entry.trim()).filter(Boolean),
});
app.listen(port, "127.0.0.1", (error) => {
  if (error) {
    console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  }
  console.log(`example backend listening on http://127.0.0.1:${port}`);
});
