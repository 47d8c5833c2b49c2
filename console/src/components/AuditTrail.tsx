import { useQuery } from "@apollo/client/react";
import { KeyAuditTrailDocument } from "../graphql/generated";
import { AuditTable } from "./AuditTable";
import { Card, EmptyState, ErrorAlert, Loading } from "./common";

/** The audit events of one object (a key, an identity), newest first, in a card of its page. */
export function AuditTrail({ id, tenantId, targetId }: { id: string; tenantId: string | undefined; targetId: string }) {
  const trail = useQuery(KeyAuditTrailDocument, { variables: { tenantId, targetId, first: 50 } });
  return (
    <Card id={id} title="Audit trail">
      {trail.error ? (
        <div style={{ padding: 16 }}>
          <ErrorAlert error={trail.error} title="Could not load the audit trail" />
        </div>
      ) : !trail.data ? (
        <Loading label="Loading the audit trail" />
      ) : trail.data.auditEvents.nodes.length === 0 ? (
        <EmptyState title="No events yet" />
      ) : (
        <AuditTable events={trail.data.auditEvents.nodes} showTarget={false} />
      )}
    </Card>
  );
}
