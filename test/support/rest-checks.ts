/** POST /v1/keys.check as a backend sends it; resolves the answer body (throws on an error status). */
export async function restCheck(baseUrl: string, credential: string, body: Record<string, unknown>): Promise<any> {
  const response = await fetch(`${baseUrl}/v1/keys.check`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`REST check answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** How many answers had each code. */
export function countCodes(answers: ReadonlyArray<{ code: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code } of answers) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}
