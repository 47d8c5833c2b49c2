import { Anchor } from "@mantine/core";
import { Link } from "../app/router";
import { EmptyState } from "../components/common";

export function NotFoundPage() {
  return (
    <div className="ks-page">
      <EmptyState title="This page does not exist">
        <Anchor component={Link} to="/">
          Go to the keys
        </Anchor>
      </EmptyState>
    </div>
  );
}
