import { useQuery } from "@apollo/client/react";
import { Button, Group, SegmentedControl, Title } from "@mantine/core";
import { useId, useState } from "react";
import { useScope } from "../app/session";
import { KeyUsageDocument, TenantUsageDocument } from "../graphql/generated";
import { USAGE_RANGES, type UsageRangeName, usageWindow } from "../lib/usage";
import { ErrorAlert, Loading } from "./common";
import { UsageChart } from "./UsageChart";

export interface UsagePanelProps {
  /** One key's checks; without, every key of the tenant. */
  keyId?: string;
  title: string;
  /** Who the checks are of, for the chart's text alternative. */
  subject?: string;
}

/** Checks over the last 24 hours or 30 days, with a range switch and a refresh (counts are written within seconds). */
export function UsagePanel({ keyId, title, subject }: UsagePanelProps) {
  const { tenantId } = useScope();
  const titleId = useId();
  const [range, setRange] = useState<UsageRangeName>("24h");
  const [now, setNow] = useState(() => Date.now());
  const span = usageWindow(range, now);
  const chosen = USAGE_RANGES.find((candidate) => candidate.value === range)!;

  const keyUsage = useQuery(KeyUsageDocument, { variables: { keyId: keyId ?? "", tenantId, ...span }, skip: !keyId });
  const tenantUsage = useQuery(TenantUsageDocument, { variables: { tenantId, ...span }, skip: !!keyId });
  const query = keyId ? keyUsage : tenantUsage;
  const buckets = keyId ? keyUsage.data?.keyUsage : tenantUsage.data?.tenantUsage;

  const refresh = () => {
    const next = usageWindow(range, Date.now());
    if (next.since === span.since && next.until === span.until) void query.refetch();
    else setNow(Date.now());
  };

  return (
    <section className="ks-card" aria-labelledby={titleId}>
      <div className="ks-section-title">
        <Title order={2} size="h4" id={titleId}>
          {title}
        </Title>
        <Group gap="xs" wrap="wrap">
          <SegmentedControl
            size="xs"
            aria-label="Usage range"
            value={range}
            onChange={(value) => {
              setRange(value as UsageRangeName);
              setNow(Date.now());
            }}
            data={USAGE_RANGES.map((candidate) => ({ value: candidate.value, label: candidate.label }))}
          />
          <Button variant="default" size="xs" onClick={refresh} loading={query.loading && !!buckets}>
            Refresh
          </Button>
        </Group>
      </div>
      {query.error ? (
        <div style={{ padding: 16 }}>
          <ErrorAlert error={query.error} title="Could not load the usage" />
        </div>
      ) : !buckets ? (
        <Loading label="Loading the usage" />
      ) : (
        <UsageChart buckets={buckets} granularity={span.granularity} phrase={chosen.phrase} subject={subject ?? title} />
      )}
    </section>
  );
}
