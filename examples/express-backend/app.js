// An Express backend whose API is protected by Keysmith keys. Customers present their key as
// `Authorization: Bearer <key>` (or `X-API-Key`); the middleware asks Keysmith, with the backend's
// own key (keys:verify), whether it may perform the route's operation of the `example` namespace.
const express = require("express");
const { createKeysmith, keysmithExpress } = require("@keysmith/sdk");

/** In-memory items, per customer (the key's externalId, or its id). */
function itemStore() {
  const byOwner = new Map();
  return {
    list: (owner) => byOwner.get(owner) ?? [],
    add(owner, item) {
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), item]);
      return item;
    },
  };
}

/**
 * @param {{ keysmithUrl: string, keysmithToken: string, trustedProxies?: string[] }} settings
 * @returns {import("express").Express}
 */
function createApp({ keysmithUrl, keysmithToken, trustedProxies = [] }) {
  const keysmith = createKeysmith({ url: keysmithUrl, token: keysmithToken });
  const requires = (scope) => keysmithExpress({ client: keysmith, scopes: [scope], trustedProxies, onError: (error) => console.error(`keysmith: ${error.code}: ${error.message}`) });
  const items = itemStore();
  const ownerOf = (request) => request.keysmith.externalId ?? request.keysmith.keyId;

  const app = express();
  app.use(express.json());
  app.get("/health", (_request, response) => response.json({ ok: true }));
  app.get("/items", requires("example:ListItems"), (request, response) => {
    response.json({ owner: ownerOf(request), items: items.list(ownerOf(request)) });
  });
  app.post("/items", requires("example:CreateItem"), (request, response) => {
    const name = typeof request.body?.name === "string" ? request.body.name : "unnamed";
    response.status(201).json(items.add(ownerOf(request), { name, createdBy: request.keysmith.name }));
  });
  return app;
}

module.exports = { createApp };
