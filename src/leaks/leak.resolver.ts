import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { badInput, notFound } from "../common/errors";
import { trimmedOrNull } from "../common/validation";
import { KeysScope } from "../core/reserved-scopes";
import { type RequestContext, callerOf } from "../principals/request-context";
import type { LeakResponse } from "./leak-response";
import { ReportLeakedKeyInput, ReportLeakedKeyPayload } from "./leak.types";

@Resolver()
export class LeakResolver {
  constructor(private readonly leaks: LeakResponse) {}

  @Authorized(KeysScope.REVOKE)
  @Mutation(() => ReportLeakedKeyPayload, {
    description: "A key of your tenant was found where it should not be: your leakedKeyAction (REVOKE by default) is applied, audited as KEY_LEAKED and sent as an event.",
  })
  async reportLeakedKey(@Arg("input") input: ReportLeakedKeyInput, @Ctx() context: RequestContext): Promise<ReportLeakedKeyPayload> {
    const caller = callerOf(context);
    const verdict = await this.leaks.byPrincipal(caller, input.key.trim(), { source: input.source.trim(), url: trimmedOrNull(input.url) }, context.ip);
    if (verdict.authentic) return { apiKey: verdict.apiKey, action: verdict.action };
    if (verdict.malformed) throw badInput("key", "is not a Keysmith key (its checksum does not match)");
    // An unknown key and another tenant's are answered alike.
    throw notFound("Key");
  }
}
