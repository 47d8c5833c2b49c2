import { Table, Text } from "@mantine/core";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageGranularity } from "../graphql/generated";
import { CODE_COLORS, type UsageBucketLike, bucketLabel, chartRows, codesIn, usageSummary } from "../lib/usage";

export interface UsageChartProps {
  buckets: readonly UsageBucketLike[];
  granularity: UsageGranularity;
  /** "the last 24 hours": used in the summary. */
  phrase: string;
  /** What is counted: "Checks of Billing service". */
  subject: string;
}

const TICK = { fill: "#4a4f5c", fontSize: 12 };

/**
 * Checks per bucket stacked by code. The picture is one image whose text alternative is the
 * summary; the numbers themselves are in the table below it.
 */
export function UsageChart({ buckets, granularity, phrase, subject }: UsageChartProps) {
  const rows = chartRows(buckets, granularity);
  const codes = codesIn(buckets);
  const summary = usageSummary(buckets, phrase);
  const busy = buckets.filter((bucket) => bucket.total > 0);

  return (
    <div className="ks-chart">
      <Text size="sm" mb="sm" aria-live="polite">
        {summary}
      </Text>
      <div className="ks-chart-canvas" role="img" aria-label={`${subject} in ${phrase}, stacked by result code (UTC). ${summary}`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} accessibilityLayer={false} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e6e8ef" />
            <XAxis dataKey="label" tick={TICK} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} tick={TICK} width={48} />
            <Tooltip labelFormatter={(_, payload) => (payload?.[0] ? bucketLabel(String(payload[0].payload.at), granularity, true) : "")} />
            {codes.length > 0 && <Legend wrapperStyle={{ fontSize: 12 }} />}
            {codes.map((code) => (
              <Bar key={code} dataKey={code} name={code} stackId="codes" fill={CODE_COLORS[code]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details className="ks-chart-table">
        <summary>Show the numbers as a table</summary>
        {busy.length === 0 ? (
          <Text size="sm" c="dimmed" mt="xs">
            Nothing to list: no period of the range has checks.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={360} mt="xs">
            <Table className="ks-table" verticalSpacing={4} horizontalSpacing="sm">
              <caption className="ks-visually-hidden">{`${subject} in ${phrase} by result code (UTC); periods without checks are left out`}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{granularity === "HOUR" ? "Hour (UTC)" : "Day (UTC)"}</Table.Th>
                  <Table.Th scope="col">Total</Table.Th>
                  {codes.map((code) => (
                    <Table.Th key={code} scope="col">
                      {code}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {busy.map((bucket) => (
                  <Table.Tr key={bucket.at}>
                    <Table.Th scope="row" fw={400}>
                      {bucketLabel(bucket.at, granularity, true)}
                    </Table.Th>
                    <Table.Td>{bucket.total.toLocaleString("en-GB")}</Table.Td>
                    {codes.map((code) => (
                      <Table.Td key={code}>{(bucket.codes.find((entry) => entry.code === code)?.count ?? 0).toLocaleString("en-GB")}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </details>
    </div>
  );
}
