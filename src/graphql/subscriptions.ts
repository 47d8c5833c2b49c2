import { GraphQLID, GraphQLNonNull, GraphQLObjectType, GraphQLSchema } from "graphql";
import { KeyEventStreams } from "../events/key-event-streams";
import { callerOf, type RequestContext } from "../principals/request-context";

/**
 * The subscription root, added to the schema type-graphql builds: type-graphql names its root
 * "Subscription", which is the name of the tenant's plan type. Served over graphql-ws only.
 */
export function withSubscriptions(schema: GraphQLSchema): GraphQLSchema {
  const keyEvent = schema.getType("KeyEvent");
  if (!(keyEvent instanceof GraphQLObjectType)) throw new Error("KeyEvent is missing from the schema");
  const subscription = new GraphQLObjectType<unknown, RequestContext>({
    name: "SubscriptionRoot",
    description: "Live updates, over graphql-ws on /graphql (the credential goes in connection_init).",
    fields: {
      keyEvents: {
        type: new GraphQLNonNull(keyEvent),
        description: "The tenant's key events as they happen, on any instance: the events webhooks deliver. Requires keys:list.",
        args: { tenantId: { type: GraphQLID, description: "Root only: whose events." } },
        subscribe: (_source, args: { tenantId?: string | null }, context) => {
          const streams = context.container.get(KeyEventStreams, { root: undefined, args, context, info: undefined as never }) as KeyEventStreams;
          return streams.open(callerOf(context).principal, args.tenantId);
        },
        resolve: (event: unknown) => event,
      },
    },
  });
  return new GraphQLSchema({ ...schema.toConfig(), subscription });
}
