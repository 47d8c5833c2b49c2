export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.keysmithTestDatabases ?? []).map((database) => database.close()));
}
